// The mass-deletion guard's answers (sync/deletion-guard.ts), under the book that asks (its status
// line says how many BlueMind deleted): what each answer does in this kind of book, and the two.
import { useState } from "preact/hooks";
import type { BookStatus } from "../shared/status.ts";
import type { UserText } from "../shared/user-text.ts";
import { say, useI18n } from "./i18n.ts";
import type { Send } from "./use-options-state.ts";

export function HeldDeletions({ book, send }: { book: BookStatus; send: Send }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserText | null>(null);
  const answer = async (decision: "apply" | "keep") => {
    setBusy(true);
    const result = await send({ type: "answerDeletions", containerUid: book.containerUid, decision });
    setBusy(false);
    setError(result.ok ? null : result.error);
  };
  return (
    <div class="held-deletions">
      <p class="hint">{t(book.readOnly ? "heldExplainReadOnly" : "heldExplainWritable")}</p>
      <div class="held-actions">
        <button type="button" class="button" disabled={busy} data-answer="apply" onClick={() => void answer("apply")}>
          {t("heldApply")}
        </button>
        <button type="button" class="button primary" disabled={busy} data-answer="keep" onClick={() => void answer("keep")}>
          {t("heldKeep")}
        </button>
      </div>
      {error && (
        <p class="book-error" role="alert">
          {say(i18n, error)}
        </p>
      )}
    </div>
  );
}
