// The BlueMind account of this Thunderbird profile: who we are, with which credential, and the
// one BlueMindClient every module uses.
//
// Credentials at rest are an API key sid only. A password typed in the options page is used for
// one login, an API key is minted ("Thunderbird" in BlueMind's key list) and the password is
// dropped. An administrator can hand the key over through the policy instead (no user action).
// A refused credential (deleted key, missing hasTbird role) puts the account in "needs sign-in":
// the session then fails every call locally, so nothing hammers the server until the user acts.
import { BlueMindClient } from "../bluemind/client.ts";
import { AuthenticationError, MissingRoleError } from "../bluemind/errors.ts";
import type { AuthUser } from "../bluemind/models.ts";
import type { ResolvedSettings } from "../shared/settings.ts";
import { messageOf } from "../shared/error-message.ts";
import type { SettingsStore } from "./settings-store.ts";
import type { StatusStore } from "./status-store.ts";

export const API_KEY_DISPLAY_NAME = "Thunderbird";
export const CLIENT_ORIGIN = "bluemind-addressbooks-thunderbird";

export interface AccountOptions {
  settings: SettingsStore;
  status: StatusStore;
  /** For tests: a fetch bound to a fake server, short timeouts. */
  clientOptions?: Partial<ConstructorParameters<typeof BlueMindClient>[0]>;
}

export class Account {
  private client: BlueMindClient | null = null;
  private user: AuthUser | null = null;

  constructor(private readonly options: AccountOptions) {}

  get connectedClient(): BlueMindClient | null {
    return this.client && this.user && !this.client.session.needsSignIn ? this.client : null;
  }

  get currentUser(): AuthUser | null {
    return this.user;
  }

  /** Connects with the stored or policy-provided API key, if there is one. */
  async restore(settings: ResolvedSettings): Promise<boolean> {
    const { serverUrl, login, apiKey } = settings;
    if (!serverUrl || !login || !apiKey) {
      this.options.status.setAccount({ status: "disconnected", serverUrl, login, message: null });
      return false;
    }
    return (await this.open(this.newClient(serverUrl, { kind: "apiKey", login, sid: apiKey }), serverUrl, login)).ok;
  }

  /** The options page's "Connect": password login, then an API key replaces the password. */
  async signIn(serverUrl: string, login: string, password: string): Promise<void> {
    const client = this.newClient(serverUrl, { kind: "password", login, password });
    const opened = await this.open(client, serverUrl, login);
    if (!opened.ok) throw opened.error;
    const key = await client.switchToApiKey(API_KEY_DISPLAY_NAME);
    // A login typed without its domain was completed by the client: keep the full one.
    const fullLogin = client.session.credential.login;
    await this.options.settings.save({ serverUrl: client.transport.baseUrl, login: fullLogin, apiKey: key.sid });
    this.options.status.log("info", `Signed in to ${client.transport.baseUrl} as ${fullLogin}.`);
  }

  /**
   * Forgets the credential. The API key is deleted on the server only when it is the user's own
   * (an administrator's policy key is theirs to revoke).
   */
  async signOut(settings: ResolvedSettings): Promise<void> {
    const client = this.client;
    if (client && settings.apiKey && !settings.managed.includes("apiKey")) {
      await client.auth.deleteApiKey(settings.apiKey).catch((error: unknown) => {
        this.options.status.log("warning", `The API key could not be deleted on the server: ${messageOf(error)}`);
      });
    }
    this.client = null;
    this.user = null;
    await this.options.settings.save({ apiKey: null });
    this.options.status.setAccount({ status: "disconnected", displayName: null, userUid: null, domainUid: null, message: null });
    this.options.status.log("info", "Disconnected.");
  }

  /** Called when a call failed during a sync: moves the account state where the error says. */
  noteFailure(error: unknown): void {
    if (error instanceof MissingRoleError || (error instanceof AuthenticationError && error.needsSignIn)) {
      this.options.status.setAccount({ status: "needs-sign-in", message: messageOf(error) });
    }
  }

  noteContact(): void {
    this.options.status.setAccount({ status: "connected", message: null, lastContact: Date.now() });
  }

  private newClient(serverUrl: string, credential: ConstructorParameters<typeof BlueMindClient>[0]["credential"]): BlueMindClient {
    return new BlueMindClient({ baseUrl: serverUrl, origin: CLIENT_ORIGIN, credential, ...this.options.clientOptions });
  }

  /** Signs in with `client`; says why not when it could not. */
  private async open(client: BlueMindClient, serverUrl: string, login: string): Promise<{ ok: true } | { ok: false; error: unknown }> {
    const status = this.options.status;
    status.setAccount({ status: "connecting", serverUrl, login, message: null });
    try {
      const user = await client.connect();
      this.client = client;
      this.user = user;
      status.setAccount({
        status: "connected",
        login: client.session.credential.login,
        displayName: user.displayName,
        userUid: user.uid,
        domainUid: user.domainUid,
        message: null,
        lastContact: Date.now(),
      });
      return { ok: true };
    } catch (error) {
      // Keep the client for a network failure: the scheduler retries and the session re-opens.
      const refused = error instanceof MissingRoleError || error instanceof AuthenticationError;
      this.client = refused ? null : client;
      status.setAccount({ status: refused ? "needs-sign-in" : "error", message: messageOf(error) });
      status.log("error", messageOf(error));
      return { ok: false, error };
    }
  }

  /** After a network failure at start-up: tries again (the scheduler calls this before a sync). */
  async ensureConnected(): Promise<BlueMindClient | null> {
    if (this.connectedClient) return this.connectedClient;
    const client = this.client;
    if (!client || client.session.needsSignIn) return null;
    const { serverUrl, login } = this.options.status.current.account;
    return (await this.open(client, serverUrl ?? "", login ?? "")).ok ? client : null;
  }
}
