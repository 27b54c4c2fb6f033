// "Disconnect": the API key goes, and the user chooses whether the synced copies stay in
// Thunderbird (frozen, still usable offline) or are removed. Keeping them is the default: it is
// the choice that cannot lose anything.
import { useState } from "preact/hooks";
import { useI18n } from "./i18n.ts";
import { ModalDialog } from "./modal-dialog.tsx";

export interface DisconnectDialogProps {
  serverUrl: string;
  onCancel: () => void;
  onConfirm: (removeLocalBooks: boolean) => void;
}

export function DisconnectDialog({ serverUrl, onCancel, onConfirm }: DisconnectDialogProps) {
  const { t } = useI18n();
  const [remove, setRemove] = useState(false);
  return (
    <ModalDialog
      title={t("disconnectTitle")}
      onCancel={onCancel}
      actions={
        <>
          <button type="button" class="button" onClick={onCancel}>
            {t("cancel")}
          </button>
          <button type="button" class={`button ${remove ? "danger" : "primary"}`} onClick={() => onConfirm(remove)}>
            {t("disconnect")}
          </button>
        </>
      }
    >
      <p>{t("disconnectBody", serverUrl)}</p>
      <fieldset class="choices">
        <legend class="visually-hidden">{t("disconnectChoice")}</legend>
        <label class="choice">
          <input type="radio" name="local-copies" data-autofocus checked={!remove} onChange={() => setRemove(false)} />
          <span>{t("disconnectKeep")}</span>
        </label>
        <label class="choice">
          <input type="radio" name="local-copies" checked={remove} onChange={() => setRemove(true)} />
          <span>{t("disconnectRemove")}</span>
        </label>
      </fieldset>
    </ModalDialog>
  );
}
