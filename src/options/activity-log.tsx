// What the add-on did, newest first, as the background keeps it (the last ACTIVITY_LIMIT events).
import { ACTIVITY_LIMIT, type ActivityEntry, type ActivityLevel } from "../shared/status.ts";
import type { MessageKey } from "../shared/user-text.ts";
import { formatTime, say, useI18n } from "./i18n.ts";

const LEVEL_NAMES: Record<ActivityLevel, MessageKey> = { info: "level_info", warning: "level_warning", error: "level_error" };

export function ActivityLog({ entries }: { entries: readonly ActivityEntry[] }) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const newestFirst = entries.slice(-ACTIVITY_LIMIT).reverse();
  return (
    <section class="card" aria-labelledby="activity-heading">
      <h2 id="activity-heading">{t("activityTitle")}</h2>
      {newestFirst.length === 0 ? (
        <p class="empty">{t("activityEmpty")}</p>
      ) : (
        // Focusable so the scrolled list can be read with the keyboard.
        <ol class="activity" tabIndex={0} aria-labelledby="activity-heading">
          {newestFirst.map((entry, i) => (
            <li key={`${entry.at}-${i}`} class={`activity-${entry.level}`}>
              <time dateTime={new Date(entry.at).toISOString()}>{formatTime(entry.at, language)}</time>
              <span>
                {/* Most events are information: only warnings and errors get a visible badge. */}
                <span class={entry.level === "info" ? "activity-level visually-hidden" : `activity-level badge badge-${entry.level}`}>{t(LEVEL_NAMES[entry.level])}</span>{" "}
                <span class="activity-message">{say(i18n, entry.message)}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
