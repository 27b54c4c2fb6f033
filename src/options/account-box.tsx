// The BlueMind account: its state, who and where, and the actions that state allows (connect,
// disconnect). Errors from any of them land in one alert region.
import { useState } from "preact/hooks";
import type { PublicSettings } from "../shared/messages.ts";
import { checkServerUrl } from "../shared/server-url.ts";
import type { AccountState, AccountStatus } from "../shared/status.ts";
import { text, type MessageKey, type UserText } from "../shared/user-text.ts";
import { DisconnectDialog } from "./disconnect-dialog.tsx";
import { formatTime, say, useI18n } from "./i18n.ts";
import { ManagedHint, SignInForm, type SignInInput } from "./sign-in-form.tsx";
import { describeUrlError } from "./url-error.ts";
import type { Send } from "./use-options-state.ts";

export interface AccountBoxProps {
  account: AccountState;
  settings: PublicSettings;
  send: Send;
}

type Busy = "signIn" | "signOut" | null;
type Action = Exclude<Busy, null>;

/** What a refused action said: the background's text, and its error code when it has one. */
interface Refusal {
  error: UserText;
  code?: string;
}

/** A localised headline saying what failed, and the detail. */
interface Failure {
  action: Action;
  detail: UserText;
  /** The background's own text (the account's message too), which `detail` may reword. */
  original: UserText;
}

const FAILURE_TITLES: Record<Action, MessageKey> = { signIn: "signInFailed", signOut: "signOutFailed" };

const STATUS_NAMES: Record<AccountStatus, MessageKey> = {
  disconnected: "account_disconnected",
  connecting: "account_connecting",
  connected: "account_connected",
  "needs-sign-in": "account_needs_sign_in",
  error: "account_error",
};

function sameText(a: UserText | null | undefined, b: UserText | null | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Refusals the page words itself, in Thunderbird's language: locale key by error code. */
const WORDED_BY_PAGE: Readonly<Record<string, MessageKey>> = { LOGIN_NEEDS_DOMAIN: "loginNeedsDomain" };

export function AccountBox({ account, settings, send }: AccountBoxProps) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const [error, setError] = useState<Failure | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [confirmingSignOut, setConfirmingSignOut] = useState(false);

  const keyManaged = settings.managed.includes("apiKey");
  const status = account.status;
  const showForm = !keyManaged && (status === "disconnected" || status === "needs-sign-in" || status === "error" || busy === "signIn");
  // Something to disconnect: a session now, or a server the add-on signed in to before (a first
  // sign-in that failed left nothing behind).
  const canSignOut = !keyManaged && busy === null && (status === "connected" || (status !== "disconnected" && settings.serverUrl !== null));
  const serverUrl = account.serverUrl ?? settings.serverUrl;

  const fail = (action: Action, refusal: Refusal | null) => {
    const key = refusal?.code === undefined ? undefined : WORDED_BY_PAGE[refusal.code];
    setError(refusal === null ? null : { action, detail: key ? text(key) : refusal.error, original: refusal.error });
  };

  const run = async (action: Action, attempt: () => Promise<Refusal | null>) => {
    setBusy(action);
    try {
      fail(action, await attempt());
    } finally {
      setBusy(null);
    }
  };

  const signIn = (input: SignInInput) => {
    const check = checkServerUrl(input.serverUrl);
    if (!check.ok) {
      fail("signIn", { error: describeUrlError(check.problem) });
      return;
    }
    const base = check.baseUrl;
    setError(null);
    void run("signIn", async () => {
      const answer = await send({ type: "signIn", serverUrl: base, login: input.login, password: input.password });
      return answer.ok ? null : answer;
    });
  };

  const signOut = (removeLocalBooks: boolean) => {
    setConfirmingSignOut(false);
    void run("signOut", async () => {
      const answer = await send({ type: "signOut", removeLocalBooks });
      return answer.ok ? null : answer;
    });
  };

  // The background's own sentence for a refused sign-in is the error already shown: not twice.
  // After a Disconnect, the message says where what BlueMind did not have was kept.
  const accountMessage = (status === "needs-sign-in" || status === "error" || status === "disconnected") && !sameText(account.message, error?.original) ? account.message : null;

  return (
    <section class="card account" aria-labelledby="account-heading">
      <div class="card-header">
        <h2 id="account-heading">{t("accountTitle")}</h2>
        <p role="status" class={`state-pill state-${status}`}>
          <span class="dot" aria-hidden="true" />
          {t(STATUS_NAMES[status])}
        </p>
      </div>

      {/* The form shows the server and login itself. */}
      {!showForm && account.login && (
        <dl class="facts">
          {account.login && (
            <div>
              <dt>{t("accountUser")}</dt>
              <dd>{account.displayName ? `${account.displayName} (${account.login})` : account.login}</dd>
            </div>
          )}
          {serverUrl && (
            <div>
              <dt>{t("accountServer")}</dt>
              <dd class="mono">{serverUrl}</dd>
            </div>
          )}
          {status === "connected" && account.lastContact !== null && (
            <div>
              <dt>{t("lastContact")}</dt>
              <dd>{formatTime(account.lastContact, language)}</dd>
            </div>
          )}
        </dl>
      )}

      {accountMessage && <p class="notice notice-error">{say(i18n, accountMessage)}</p>}

      {keyManaged && (
        <p class="hint">
          <ManagedHint /> — {t("connectionManaged")}
        </p>
      )}

      {showForm && (
        <SignInForm
          serverUrl={settings.serverUrl ?? account.serverUrl ?? ""}
          login={settings.login ?? account.login ?? ""}
          serverManaged={settings.managed.includes("serverUrl")}
          loginManaged={settings.managed.includes("login")}
          busy={busy === "signIn"}
          onSubmit={signIn}
        />
      )}

      <div role="alert" class="alert-region">
        {error && (
          <p class="notice notice-error">
            <strong>{t(FAILURE_TITLES[error.action])}</strong> {say(i18n, error.detail)}
          </p>
        )}
      </div>

      {canSignOut && (
        <div class="actions">
          <button type="button" class="button" onClick={() => setConfirmingSignOut(true)}>
            {t("disconnect")}
          </button>
        </div>
      )}

      {confirmingSignOut && <DisconnectDialog serverUrl={serverUrl ?? ""} onCancel={() => setConfirmingSignOut(false)} onConfirm={signOut} />}
    </section>
  );
}
