// "My address books" and "Other address books" (BlueMind's own headings), and the confirmation
// asked before a large book starts downloading into Thunderbird.
import { useState } from "preact/hooks";
import type { BookStatus } from "../shared/status.ts";
import type { MessageKey } from "../shared/user-text.ts";
import { BookRow, bookTitle, isLargeBook } from "./book-row.tsx";
import { contactCountText, useI18n } from "./i18n.ts";
import { ModalDialog } from "./modal-dialog.tsx";
import type { SyncSwitches } from "./use-sync-switches.ts";
import type { AutocompleteSwitches } from "./use-autocomplete-switches.ts";
import type { Send } from "./use-options-state.ts";

export interface BookListsProps {
  books: BookStatus[];
  connected: boolean;
  switches: SyncSwitches;
  autocomplete: AutocompleteSwitches;
  send: Send;
}

export function BookLists({ books, connected, switches, autocomplete, send }: BookListsProps) {
  const { t, language } = useI18n();
  const [confirming, setConfirming] = useState<BookStatus | null>(null);

  const toggle = (book: BookStatus, wanted: boolean) => {
    // Turning sync off costs nothing; turning it on for a big book downloads it all.
    if (wanted && isLargeBook(book)) setConfirming(book);
    else void switches.change(book.containerUid, wanted);
  };

  const renderList = (titleKey: MessageKey, list: BookStatus[]) => (
    <section class="card" aria-labelledby={`${titleKey}-heading`}>
      <h2 id={`${titleKey}-heading`}>{t(titleKey)}</h2>
      {list.length === 0 ? (
        <p class="empty">{connected ? t("noBooks") : t("booksNeedConnection")}</p>
      ) : (
        <ul class="book-list">
          {list.map((book) => (
            <BookRow
              key={book.containerUid}
              book={book}
              checked={switches.shown(book)}
              pending={switches.isPending(book.containerUid)}
              switchError={switches.errorOf(book.containerUid)}
              disabled={!connected}
              onToggle={(wanted) => toggle(book, wanted)}
              send={send}
              autocomplete={
                book.sync
                  ? null
                  : {
                      checked: autocomplete.shown(book.containerUid),
                      pending: autocomplete.isPending(book.containerUid),
                      error: autocomplete.errorOf(book.containerUid),
                      onToggle: (wanted) => void autocomplete.change(book.containerUid, wanted),
                    }
              }
            />
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <>
      {renderList(
        "myBooksTitle",
        books.filter((b) => b.ownedByUser),
      )}
      {renderList(
        "otherBooksTitle",
        books.filter((b) => !b.ownedByUser),
      )}
      {confirming && (
        <ModalDialog
          title={t("largeConfirmTitle")}
          onCancel={() => setConfirming(null)}
          actions={
            <>
              <button type="button" class="button" data-autofocus onClick={() => setConfirming(null)}>
                {t("cancel")}
              </button>
              <button
                type="button"
                class="button primary"
                onClick={() => {
                  const book = confirming;
                  setConfirming(null);
                  void switches.change(book.containerUid, true);
                }}
              >
                {t("largeConfirmAccept")}
              </button>
            </>
          }
        >
          <p>{t("largeConfirmBody", bookTitle(confirming), contactCountText({ t, language }, confirming.itemCount ?? 0))}</p>
          <p>{t("largeConfirmAlternative")}</p>
        </ModalDialog>
      )}
    </>
  );
}
