// The BlueMind account of this Thunderbird profile: who we are, with which credential, and the
// one BlueMindClient every module uses.
//
// Credentials at rest are an API key sid only. A password typed in the options page is used for
// one login, an API key is minted ("Thunderbird" in BlueMind's key list) and the password is
// dropped. An administrator can hand the key over through the policy instead (no user action).
// A refused credential (deleted key, missing hasTbird role) puts the account in "needs sign-in":
// the session then fails every call locally, so nothing hammers the server until the user acts.
//
// Disconnect deletes the user's own key on BlueMind. When that fails (server unreachable) the key
// is kept, marked for deletion, and deleted at the next start or connection attempt; until then
// each failure tells the user how to revoke it by hand. Every secret the account holds is handed to
// the status store, which keeps it out of every message.
import { BlueMindClient } from "../bluemind/client.ts";
import { AuthenticationError, MissingRoleError } from "../bluemind/errors.ts";
import type { AuthUser } from "../bluemind/models.ts";
import type { PendingKeyDeletion, ResolvedSettings } from "../shared/settings.ts";
import { describeError } from "../shared/error-message.ts";
import { text, UserError } from "../shared/user-text.ts";
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
  /** The last attempt at deleting a key Disconnect could not delete (tests wait for it). */
  keyDeletion: Promise<void> = Promise.resolve();

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
    this.retryKeyDeletion();
    await this.knowSecrets(apiKey);
    if (!serverUrl || !login || !apiKey) {
      this.options.status.setAccount({ status: "disconnected", serverUrl, login, message: null });
      return false;
    }
    return (await this.open(this.newClient(serverUrl, { kind: "apiKey", login, sid: apiKey }), serverUrl, login)).ok;
  }

  /** The options page's "Connect": password login, then an API key replaces the password. */
  async signIn(serverUrl: string, login: string, password: string): Promise<void> {
    this.retryKeyDeletion();
    await this.knowSecrets(null, password);
    try {
      const client = this.newClient(serverUrl, { kind: "password", login, password });
      const opened = await this.open(client, serverUrl, login);
      if (!opened.ok) throw opened.error;
      const key = await this.keyFor(client);
      // A login typed without its domain was completed by the client: keep the full one.
      const fullLogin = client.session.credential.login;
      await this.options.settings.save({ serverUrl: client.transport.baseUrl, login: fullLogin, apiKey: key });
      await this.knowSecrets(key);
      this.options.status.log("info", text("logSignedIn", client.transport.baseUrl, fullLogin));
    } finally {
      // The password is gone from memory once the key replaces it (or the sign-in failed).
      await this.knowSecrets((await this.options.settings.load()).apiKey);
    }
  }

  /**
   * The password session becomes an API key. If BlueMind refuses to make one, the session is
   * logged out (a password session must not outlive the sign-in that opened it) and nothing stays
   * connected.
   */
  private async keyFor(client: BlueMindClient): Promise<string> {
    try {
      return (await client.switchToApiKey(API_KEY_DISPLAY_NAME)).sid;
    } catch (error) {
      await client.session.logout().catch(() => undefined);
      this.client = null;
      this.user = null;
      this.options.status.setAccount({ status: "error", message: text("errorNoApiKey", describeError(error)) });
      throw new UserError(text("errorNoApiKey", describeError(error)), { cause: error });
    }
  }

  /**
   * Forgets the credential. The API key is deleted on the server only when it is the user's own
   * (an administrator's policy key is theirs to revoke).
   */
  async signOut(settings: ResolvedSettings): Promise<void> {
    const { serverUrl, login, apiKey } = settings;
    const own = apiKey !== null && serverUrl !== null && login !== null && !settings.managed.includes("apiKey");
    this.client = null;
    this.user = null;
    if (own) {
      const deleted = await this.deleteKey({ serverUrl, login, apiKey });
      // Kept, marked for deletion: the next start or connection attempt tries again.
      await this.options.settings.save({ apiKey: null, pendingKeyDeletion: deleted ? null : { serverUrl, login, apiKey } });
    } else {
      await this.options.settings.save({ apiKey: null });
    }
    this.options.status.setAccount({ status: "disconnected", displayName: null, userUid: null, domainUid: null, message: null });
    this.options.status.log("info", text("logDisconnected"));
  }

  /** Deletes a key of a past sign-in on its server; false when it could not (and says so). */
  private async deleteKey(key: PendingKeyDeletion): Promise<boolean> {
    try {
      const client = this.newClient(key.serverUrl, { kind: "apiKey", login: key.login, sid: key.apiKey });
      await client.auth.deleteApiKey(key.apiKey);
      return true;
    } catch (error) {
      // Refused as a credential: the key no longer exists on BlueMind, nothing left to delete.
      if (error instanceof AuthenticationError) return true;
      this.options.status.log("warning", text("logKeyNotDeleted", describeError(error), API_KEY_DISPLAY_NAME));
      return false;
    }
  }

  /** A key Disconnect could not delete: tried again in the background, the connection goes on. */
  private retryKeyDeletion(): void {
    this.keyDeletion = this.keyDeletion.then(async () => {
      const pending = await this.options.settings.pendingKeyDeletion();
      if (pending === null) return;
      if (!(await this.deleteKey(pending))) return;
      await this.options.settings.save({ pendingKeyDeletion: null });
      this.options.status.log("info", text("logKeyDeleted", API_KEY_DISPLAY_NAME));
    });
  }

  /** Tells the status store every secret it must keep out of messages: the key in use, a key
   * waiting for deletion, the password of a sign-in in progress. */
  private async knowSecrets(apiKey: string | null, password: string | null = null): Promise<void> {
    const pending = await this.options.settings.pendingKeyDeletion();
    this.options.status.useSecrets([apiKey, pending?.apiKey ?? null, password]);
  }

  /** Called when a call failed during a sync: moves the account state where the error says. */
  noteFailure(error: unknown): void {
    if (error instanceof MissingRoleError || (error instanceof AuthenticationError && error.needsSignIn)) {
      this.options.status.setAccount({ status: "needs-sign-in", message: describeError(error) });
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
      status.setAccount({ status: refused ? "needs-sign-in" : "error", message: describeError(error) });
      status.log("error", describeError(error));
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
