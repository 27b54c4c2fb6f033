// Server address, login and password. The password lives only in this form's state until the
// submit hands it over, and is cleared in that same event whatever the outcome.
import { useId, useState } from "preact/hooks";
import { useI18n } from "./i18n.ts";

export interface SignInInput {
  serverUrl: string;
  login: string;
  password: string;
}

export interface SignInFormProps {
  serverUrl: string;
  login: string;
  serverManaged: boolean;
  loginManaged: boolean;
  busy: boolean;
  /** Called from the submit event, after the password was cleared from the form. */
  onSubmit: (input: SignInInput) => void;
}

export function SignInForm(props: SignInFormProps) {
  const { t } = useI18n();
  const [serverUrl, setServerUrl] = useState(props.serverUrl);
  const [login, setLogin] = useState(props.login);
  const [password, setPassword] = useState("");
  const ids = { server: useId(), serverHint: useId(), login: useId(), loginHint: useId(), password: useId() };
  // An administrator's value is shown as set, whatever was typed before the policy arrived.
  const shownServer = props.serverManaged ? props.serverUrl : serverUrl;
  const shownLogin = props.loginManaged ? props.login : login;

  return (
    <form
      class="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        const input = { serverUrl: shownServer.trim(), login: shownLogin.trim(), password };
        setPassword("");
        props.onSubmit(input);
      }}
    >
      <fieldset disabled={props.busy}>
        <legend>{t("signInTitle")}</legend>
        <div class="field">
          <label for={ids.server}>{t("serverUrl")}</label>
          <input
            id={ids.server}
            name="serverUrl"
            type="text"
            inputMode="url"
            autoComplete="url"
            spellcheck={false}
            placeholder="https://bluemind.example.com"
            required
            value={shownServer}
            readOnly={props.serverManaged}
            aria-describedby={ids.serverHint}
            onInput={(e) => setServerUrl(e.currentTarget.value)}
          />
          <span class="hint" id={ids.serverHint}>
            {props.serverManaged ? <ManagedHint /> : t("serverUrlHint")}
          </span>
        </div>
        <div class="field">
          <label for={ids.login}>{t("login")}</label>
          <input
            id={ids.login}
            name="login"
            type="text"
            inputMode="email"
            autoComplete="username"
            spellcheck={false}
            placeholder={t("loginPlaceholder")}
            required
            value={shownLogin}
            readOnly={props.loginManaged}
            aria-describedby={props.loginManaged ? ids.loginHint : undefined}
            onInput={(e) => setLogin(e.currentTarget.value)}
          />
          {props.loginManaged && (
            <span class="hint" id={ids.loginHint}>
              <ManagedHint />
            </span>
          )}
        </div>
        <div class="field">
          <label for={ids.password}>{t("password")}</label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button primary">
            {props.busy && <span class="spinner" aria-hidden="true" />}
            {props.busy ? t("account_connecting") : t("connect")}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

export function ManagedHint() {
  const { t } = useI18n();
  return (
    <span class="managed">
      <span aria-hidden="true">🔒 </span>
      {t("setByAdministrator")}
    </span>
  );
}
