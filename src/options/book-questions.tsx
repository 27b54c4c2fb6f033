// What a book's row asks or offers beyond its status line: the mass-deletion guard's two answers
// (sync/deletion-guard.ts; the status line says how many BlueMind deleted), when the integrity
// check found drift (sync/integrity.ts), Repair, and when the book holds local-only copies of its
// synced contacts (sync/local-copies.ts), their removal.
import type { BookStatus } from "../shared/status.ts";
import { formatCount, say, useI18n } from "./i18n.ts";
import { useBookRequest, type BookRequest } from "./use-book-request.ts";
import type { Send } from "./use-options-state.ts";

export function HeldDeletions({ book, send }: { book: BookStatus; send: Send }) {
  const { t } = useI18n();
  const request = useBookRequest(send);
  const answer = (decision: "apply" | "keep") => void request.send({ type: "answerDeletions", containerUid: book.containerUid, decision });
  return (
    <div class="book-question">
      <p class="hint">{t(book.readOnly ? "heldExplainReadOnly" : "heldExplainWritable")}</p>
      <div class="question-actions">
        <button type="button" class="button" disabled={request.busy} onClick={() => answer("apply")}>
          {t("heldApply")}
        </button>
        <button type="button" class="button primary" disabled={request.busy} onClick={() => answer("keep")}>
          {t("heldKeep")}
        </button>
      </div>
      <RequestError request={request} />
    </div>
  );
}

export function RepairDrift({ book, send }: { book: BookStatus; send: Send }) {
  const { t } = useI18n();
  const request = useBookRequest(send);
  return (
    <div class="book-question">
      <p class="hint">{t("repairHint")}</p>
      <div class="question-actions">
        <button type="button" class="button" disabled={request.busy} onClick={() => void request.send({ type: "repairBook", containerUid: book.containerUid })}>
          {t("repairBook")}
        </button>
      </div>
      <RequestError request={request} />
    </div>
  );
}

export function RemoveCopies({ book, send }: { book: BookStatus; send: Send }) {
  const { t, language } = useI18n();
  const request = useBookRequest(send);
  if (book.copies === undefined) return null;
  const { count, names } = book.copies;
  const shown = names.map((name) => t("whatContact", name)).join(", ");
  return (
    <div class="book-question">
      <p class="hint">{t("copiesHint", count > names.length ? t("copyNamesMore", shown, formatCount(count - names.length, language)) : shown)}</p>
      <div class="question-actions">
        <button type="button" class="button" disabled={request.busy} onClick={() => void request.send({ type: "removeCopies", containerUid: book.containerUid })}>
          {t("removeCopies")}
        </button>
      </div>
      <RequestError request={request} />
    </div>
  );
}

function RequestError({ request }: { request: BookRequest }) {
  const i18n = useI18n();
  if (request.error === null) return null;
  return (
    <p class="book-error" role="alert">
      {say(i18n, request.error)}
    </p>
  );
}
