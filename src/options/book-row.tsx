// One address book: what it is (name, owner, size, rights), how its sync is doing, and its switch.
// Every server-provided string is rendered as a text node.
import type { BookStatus } from "../shared/status.ts";
import type { UserText } from "../shared/user-text.ts";
import { contactCountText, copiesText, formatCount, formatTime, say, useI18n } from "./i18n.ts";
import { SyncSwitch } from "./sync-switch.tsx";
import { HeldDeletions, RemoveCopies, RepairDrift } from "./book-questions.tsx";
import type { Send } from "./use-options-state.ts";
import { useId } from "preact/hooks";

/** design.md §2: a warning and a confirmation above this many contacts. */
export const LARGE_BOOK_CONTACTS = 1000;

export function isLargeBook(book: BookStatus): boolean {
  return book.itemCount !== null && book.itemCount > LARGE_BOOK_CONTACTS;
}

/** The Thunderbird name carries " (<owner>)" for shared books; the row shows the owner apart. */
export function bookTitle(book: BookStatus): string {
  const suffix = ` (${book.ownerDisplayName})`;
  if (!book.ownedByUser && book.ownerDisplayName && book.name.endsWith(suffix)) return book.name.slice(0, -suffix.length);
  return book.name;
}

export interface BookRowProps {
  book: BookStatus;
  checked: boolean;
  pending: boolean;
  /** The last failed switch change for this book. */
  switchError: UserText | null;
  /** No connection: the switch cannot reach BlueMind. */
  disabled: boolean;
  onToggle: (wanted: boolean) => void;
  /**
   * A search-only book's "Use in autocompletion" switch; null for a synced book, whose contacts
   * Thunderbird offers like any local book's.
   */
  autocomplete: AutocompleteProps | null;
  /** Sends the answer when the book's deletions are held. */
  send: Send;
}

export interface AutocompleteProps {
  checked: boolean;
  pending: boolean;
  error: UserText | null;
  onToggle: (wanted: boolean) => void;
}

export function BookRow({ book, checked, pending, switchError, disabled, onToggle, autocomplete, send }: BookRowProps) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const statusId = useId();
  const title = bookTitle(book);
  const large = isLargeBook(book);
  return (
    <li class="book" data-container-uid={book.containerUid}>
      <div class="book-main">
        <div class="book-title-line">
          <span class="book-name">{title}</span>
          {book.readOnly && (
            <span class="badge badge-readonly" title={t("readOnlyHint")}>
              {t("readOnly")}
            </span>
          )}
          {large && (
            <span class="badge badge-warning" title={t("largeBookHint", formatCount(LARGE_BOOK_CONTACTS, language))}>
              <span aria-hidden="true">⚠</span>
              {t("largeBook")}
              {/* A title is not read by every screen reader: the reason is spelled out for them. */}
              <span class="visually-hidden"> ({t("largeBookHint", formatCount(LARGE_BOOK_CONTACTS, language))})</span>
            </span>
          )}
        </div>
        <div class="book-meta">
          {!book.ownedByUser && !book.isDomainDirectory && book.ownerDisplayName && <span class="book-owner">{t("ownerLabel", book.ownerDisplayName)}</span>}
          {book.itemCount !== null && <span class="book-count">{contactCountText({ t, language }, book.itemCount)}</span>}
        </div>
        <div class="book-status" id={statusId}>
          <BookState book={book} />
        </div>
        {book.state === "held" && <HeldDeletions book={book} send={send} />}
        {book.sync && book.state !== "held" && book.drift !== undefined && <RepairDrift book={book} send={send} />}
        {book.sync && !book.readOnly && book.state !== "held" && <RemoveCopies book={book} send={send} />}
        {switchError && (
          <p class="book-error" role="alert">
            {t("switchFailed", say(i18n, switchError))}
          </p>
        )}
      </div>
      <SyncSwitch
        checked={checked}
        pending={pending}
        disabled={disabled}
        label={t("syncSwitchLabel", title)}
        describedBy={statusId}
        onToggle={onToggle}
      />
      {/* A line of its own under the book, its switch in the column of the Sync switch. */}
      {autocomplete && <AutocompleteSetting title={title} {...autocomplete} />}
    </li>
  );
}

function AutocompleteSetting({ title, checked, pending, error, onToggle }: AutocompleteProps & { title: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const hintId = useId();
  return (
    <div class="book-autocomplete">
      <div class="book-autocomplete-text">
        <span>{t("autocompleteLabel")}</span>
        <span class="hint" id={hintId}>
          {t("autocompleteHint")}
        </span>
      </div>
      <SyncSwitch kind="autocomplete" checked={checked} pending={pending} disabled={false} label={t("autocompleteSwitchLabel", title)} describedBy={hintId} onToggle={onToggle} />
      {error && (
        <p class="book-error" role="alert">
          {t("autocompleteFailed", say(i18n, error))}
        </p>
      )}
    </div>
  );
}

function BookState({ book }: { book: BookStatus }) {
  const i18n = useI18n();
  const { t, language } = i18n;
  switch (book.state) {
    case "syncing":
      if (!book.progress) return <span>{t("statusSyncingStart")}</span>;
      return (
        <span class="book-progress">
          <span>{t("statusSyncing", formatCount(book.progress.done, language), formatCount(book.progress.total, language))}</span>
          <progress max={Math.max(book.progress.total, 1)} value={book.progress.done} aria-label={t("syncProgressLabel", bookTitle(book))} />
        </span>
      );
    case "synced":
      return (
        <>
          <span class="state-ok">{book.lastSuccess === null ? t("statusSyncedNoTime") : t("statusSynced", formatTime(book.lastSuccess, language))}</span>
          {book.drift !== undefined && <span class="book-problem state-warning">{t("statusDrift", contactCountText({ t, language }, book.drift))}</span>}
          {book.copies !== undefined && <span class="book-problem state-warning">{copiesText(i18n, book.copies.count, bookTitle(book))}</span>}
          {/* Synced, with what BlueMind refused of the local changes or cards the pull missed. */}
          {book.lastError && <span class="book-problem state-error">{say(i18n, book.lastError)}</span>}
        </>
      );
    case "pending":
      return <span>{t("statusPending")}</span>;
    case "error":
      return <span class="state-error">{t("statusError", book.lastError === null ? "" : say(i18n, book.lastError))}</span>;
    case "search-only":
      return <span class="state-muted">{t("statusSearchOnly")}</span>;
    case "held":
      return <span class="state-warning">{t("statusHeld", formatCount(book.heldDeletions ?? 0, language), bookTitle(book))}</span>;
  }
}
