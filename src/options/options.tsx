// Options page entry. The full page (issue "Options page") grows from here; for now it shows the
// account, signs in and lists the books with their sync flag, all through shared/messages.ts.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Answer, Request, StateAnswer } from "../shared/messages.ts";
import { normaliseBaseUrl } from "../bluemind/url.ts";
import { localized, onStatusPush, requestHostPermission, sendRequest } from "../thunderbird/runtime-messaging.ts";

function t(key: string, ...subs: string[]): string {
  return localized(key, subs) || key;
}

function App() {
  const [state, setState] = useState<StateAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (request: Request) => {
    const answer: Answer = await sendRequest<StateAnswer>(request);
    if (answer.ok) {
      setState(answer.value);
      setError(null);
    } else setError(answer.error);
  };

  useEffect(() => {
    void send({ type: "getState" });
    return onStatusPush((push) => setState((s) => (s ? { ...s, status: push.status } : s)));
  }, []);

  if (!state) return <p>{t("loading")}</p>;
  const { account, books } = state.status;
  const managed = state.settings.managed;
  return (
    <div>
      <h1>{t("extensionName")}</h1>
      <section aria-labelledby="account-title">
        <h2 id="account-title">{t("accountTitle")}</h2>
        <p role="status">
          {t(`account_${account.status.replace(/-/g, "_")}`)}
          {account.displayName ? ` — ${account.displayName}` : ""}
          {account.message ? ` — ${account.message}` : ""}
        </p>
        {account.status === "needs-permission" && account.serverUrl && (
          <button
            type="button"
            onClick={async () => {
              if (await requestHostPermission(normaliseBaseUrl(account.serverUrl ?? ""))) await send({ type: "permissionGranted" });
            }}
          >
            {t("allowServer")}
          </button>
        )}
        {account.status !== "connected" && account.status !== "needs-permission" && (
          <SignInForm
            serverUrl={state.settings.serverUrl ?? ""}
            login={state.settings.login ?? ""}
            serverManaged={managed.includes("serverUrl")}
            loginManaged={managed.includes("login")}
            onSubmit={async (serverUrl, login, password) => {
              let base: string;
              try {
                base = normaliseBaseUrl(serverUrl);
              } catch (e) {
                setError(e instanceof Error ? e.message : String(e));
                return;
              }
              // Asked in the click itself: Thunderbird refuses the request anywhere else.
              if (!(await requestHostPermission(base))) {
                setError(t("permissionRefused"));
                return;
              }
              await send({ type: "signIn", serverUrl: base, login, password });
            }}
          />
        )}
        {error && <p role="alert" class="error">{error}</p>}
      </section>
      <section aria-labelledby="books-title">
        <h2 id="books-title">{t("booksTitle")}</h2>
        <ul>
          {books.map((b) => (
            <li key={b.containerUid}>
              <label>
                <input type="checkbox" checked={b.sync} onChange={(e) => send({ type: "setSync", containerUid: b.containerUid, sync: e.currentTarget.checked })} />
                {b.name}
              </label>
              {b.itemCount !== null && <span> · {t("contactCount", String(b.itemCount))}</span>}
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => send({ type: "syncNow" })}>
          {t("syncNow")}
        </button>
      </section>
    </div>
  );
}

function SignInForm(props: { serverUrl: string; login: string; serverManaged: boolean; loginManaged: boolean; onSubmit: (serverUrl: string, login: string, password: string) => Promise<void> }) {
  const [serverUrl, setServerUrl] = useState(props.serverUrl);
  const [login, setLogin] = useState(props.login);
  const [password, setPassword] = useState("");
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSubmit(serverUrl, login, password).then(() => setPassword(""));
      }}
    >
      <label>
        {t("serverUrl")}
        <input type="url" value={serverUrl} readOnly={props.serverManaged} onInput={(e) => setServerUrl(e.currentTarget.value)} required />
      </label>
      <label>
        {t("login")}
        <input type="email" value={login} readOnly={props.loginManaged} onInput={(e) => setLogin(e.currentTarget.value)} required />
      </label>
      <label>
        {t("password")}
        <input type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
      </label>
      <button type="submit">{t("connect")}</button>
    </form>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
