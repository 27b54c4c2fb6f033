// The options page: account, sync settings, the two book lists and the activity log, all fed by
// one OptionsBackend so the whole page renders the same against the background or a test fake.
import { AccountBox } from "./account-box.tsx";
import { ActivityLog } from "./activity-log.tsx";
import type { OptionsBackend } from "./backend.ts";
import { BookLists } from "./book-lists.tsx";
import { I18nContext, say } from "./i18n.ts";
import { SettingsBox } from "./settings-box.tsx";
import { useOptionsState } from "./use-options-state.ts";
import { useSyncSwitches } from "./use-sync-switches.ts";
import { useAutocompleteSwitches } from "./use-autocomplete-switches.ts";

export function App({ backend }: { backend: OptionsBackend }) {
  const { state, loadError, send } = useOptionsState(backend);
  const switches = useSyncSwitches(send);
  const autocomplete = useAutocompleteSwitches(send, state?.settings ?? null);
  const { t } = backend;

  let body;
  if (state) {
    const { status, settings } = state;
    const connected = status.account.status === "connected";
    body = (
      <>
        <AccountBox account={status.account} settings={settings} send={send} />
        <SettingsBox status={status} settings={settings} connected={connected} send={send} />
        <BookLists books={status.books} connected={connected} switches={switches} autocomplete={autocomplete} send={send} />
        <ActivityLog entries={status.activity} />
      </>
    );
  } else if (loadError) {
    body = (
      <p class="notice notice-error" role="alert">
        {t("loadFailed", say(backend, loadError))}
      </p>
    );
  } else {
    body = (
      <p class="empty" role="status">
        {t("loading")}
      </p>
    );
  }

  return (
    <I18nContext.Provider value={{ t, language: backend.language }}>
      <header class="page-header">
        <img src="icons/bluemind.svg" alt="" width={40} height={40} />
        <div>
          <h1>{t("extensionName")}</h1>
          <p class="subtitle">{t("pageSubtitle")}</p>
        </div>
      </header>
      {body}
    </I18nContext.Provider>
  );
}
