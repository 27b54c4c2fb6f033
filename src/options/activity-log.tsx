// What the add-on did, newest first, as the background keeps it (the last ACTIVITY_LIMIT events).
import { ACTIVITY_LIMIT, type ActivityEntry } from "../shared/status.ts";
import { formatTime, useI18n } from "./i18n.ts";

export function ActivityLog({ entries }: { entries: readonly ActivityEntry[] }) {
  const { t, language } = useI18n();
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
                <span class={entry.level === "info" ? "activity-level visually-hidden" : `activity-level badge badge-${entry.level}`}>{t(`level_${entry.level}`)}</span>{" "}
                <span class="activity-message">{entry.message}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
