// How and when syncing happens: the overall state with "Sync now" (and "Stop" while a sync runs),
// the interval, and whether books created in Thunderbird are published to BlueMind. A value the
// administrator set is read-only.
import { useEffect, useId, useState } from "preact/hooks";
import type { PublicSettings } from "../shared/messages.ts";
import { MAX_SYNC_INTERVAL_MINUTES, MIN_SYNC_INTERVAL_MINUTES } from "../shared/settings.ts";
import type { StatusSnapshot } from "../shared/status.ts";
import { text, type UserText } from "../shared/user-text.ts";
import { formatTime, say, useI18n } from "./i18n.ts";
import { ManagedHint } from "./sign-in-form.tsx";
import type { Send } from "./use-options-state.ts";

export interface SettingsBoxProps {
  status: StatusSnapshot;
  settings: PublicSettings;
  connected: boolean;
  send: Send;
}

type Feedback = { kind: "saved" } | { kind: "error"; text: UserText } | null;

export function parseInterval(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const minutes = Number(text);
  return minutes >= MIN_SYNC_INTERVAL_MINUTES && minutes <= MAX_SYNC_INTERVAL_MINUTES ? minutes : null;
}

export function SettingsBox({ status, settings, connected, send }: SettingsBoxProps) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const ids = { interval: useId(), intervalHint: useId(), publish: useId(), publishHint: useId() };
  const [interval, setIntervalText] = useState(String(settings.syncIntervalMinutes));
  const [intervalFeedback, setIntervalFeedback] = useState<Feedback>(null);
  const [publishError, setPublishError] = useState<UserText | null>(null);
  const [syncError, setSyncError] = useState<UserText | null>(null);
  const intervalManaged = settings.managed.includes("syncIntervalMinutes");

  // A value saved from here or set by policy replaces what is shown.
  useEffect(() => setIntervalText(String(settings.syncIntervalMinutes)), [settings.syncIntervalMinutes]);

  const saveInterval = async () => {
    const minutes = parseInterval(interval);
    if (minutes === null) {
      setIntervalFeedback({ kind: "error", text: text("intervalInvalid", String(MIN_SYNC_INTERVAL_MINUTES), String(MAX_SYNC_INTERVAL_MINUTES)) });
      return;
    }
    if (minutes === settings.syncIntervalMinutes) return setIntervalFeedback(null);
    const answer = await send({ type: "saveSettings", syncIntervalMinutes: minutes });
    setIntervalFeedback(answer.ok ? { kind: "saved" } : { kind: "error", text: answer.error });
  };

  const summary = status.syncing
    ? t("syncRunning")
    : status.lastSyncEnded !== null
      ? t("lastSync", formatTime(status.lastSyncEnded, language))
      : t("neverSynced");

  return (
    <section class="card" aria-labelledby="sync-heading">
      <div class="card-header">
        <h2 id="sync-heading">{t("syncTitle")}</h2>
      </div>

      <div class="row">
        <p role="status" class="sync-summary">
          {status.syncing && <span class="spinner" aria-hidden="true" />}
          {summary}
        </p>
        <button
          type="button"
          class="button primary"
          disabled={!connected || status.syncing}
          onClick={async () => {
            const answer = await send({ type: "syncNow" });
            setSyncError(answer.ok ? null : answer.error);
          }}
        >
          {t("syncNow")}
        </button>
        {status.syncing && (
          <button
            type="button"
            class="button"
            onClick={async () => {
              const answer = await send({ type: "stopSync" });
              setSyncError(answer.ok ? null : answer.error);
            }}
          >
            {t("stopSync")}
          </button>
        )}
      </div>
      {syncError && (
        <p class="notice notice-error" role="alert">
          {say(i18n, syncError)}
        </p>
      )}

      <div class="row setting">
        <div class="setting-text">
          <label for={ids.interval}>{t("intervalLabel")}</label>
          <span class="hint" id={ids.intervalHint}>
            {intervalManaged ? <ManagedHint /> : t("intervalHint", String(MIN_SYNC_INTERVAL_MINUTES), String(MAX_SYNC_INTERVAL_MINUTES))}
          </span>
        </div>
        <div class="interval">
          <input
            id={ids.interval}
            type="number"
            inputMode="numeric"
            min={MIN_SYNC_INTERVAL_MINUTES}
            max={MAX_SYNC_INTERVAL_MINUTES}
            step={1}
            value={interval}
            readOnly={intervalManaged}
            aria-describedby={ids.intervalHint}
            aria-invalid={intervalFeedback?.kind === "error" ? "true" : undefined}
            onInput={(e) => {
              setIntervalText(e.currentTarget.value);
              setIntervalFeedback(null);
            }}
            onChange={() => {
              if (!intervalManaged) void saveInterval();
            }}
          />
          <span>{t("intervalUnit")}</span>
        </div>
      </div>
      <div aria-live="polite" class="feedback">
        {intervalFeedback?.kind === "saved" && <span class="state-ok">{t("saved")}</span>}
        {intervalFeedback?.kind === "error" && <span class="state-error">{say(i18n, intervalFeedback.text)}</span>}
      </div>

      <div class="row setting">
        <div class="setting-text">
          <label for={ids.publish}>{t("publishLabel")}</label>
          <span class="hint" id={ids.publishHint}>
            {t("publishHint")}
          </span>
        </div>
        <input
          id={ids.publish}
          type="checkbox"
          role="switch"
          class="toggle"
          checked={settings.publishLocalBooks}
          aria-describedby={ids.publishHint}
          onChange={async (e) => {
            const box = e.currentTarget;
            const wanted = box.checked;
            const answer = await send({ type: "saveSettings", publishLocalBooks: wanted });
            setPublishError(answer.ok ? null : answer.error);
            // Nothing re-renders on a refusal, so the box is put back by hand.
            if (!answer.ok) box.checked = !wanted;
          }}
        />
      </div>
      {publishError && (
        <p class="notice notice-error" role="alert">
          {say(i18n, publishError)}
        </p>
      )}
    </section>
  );
}
