// The BlueMind client as the rest of the add-on sees it: one object per account, composing the
// transport (HTTP), the session (who we are) and one small API object per BlueMind service.

import { AddressBookApi, CrossBookSearchApi } from "./addressbook-api.ts";
import { AuthApi } from "./auth-api.ts";
import { ContainersApi } from "./containers-api.ts";
import { ManagementApi } from "./management-api.ts";
import type { APIKey, AuthUser } from "./models.ts";
import { Session } from "./session.ts";
import type { SessionOptions } from "./session.ts";
import { SubscriptionsApi } from "./subscriptions-api.ts";
import { Transport } from "./transport.ts";
import type { CallOptions, TransportOptions } from "./transport.ts";

export interface BlueMindClientOptions extends TransportOptions, SessionOptions {}

export class BlueMindClient {
  readonly transport: Transport;
  readonly session: Session;
  readonly auth: AuthApi;
  readonly subscriptions: SubscriptionsApi;
  readonly containers: ContainersApi;
  /** Search across every subscribed book. */
  readonly allBooks: CrossBookSearchApi;
  readonly management: ManagementApi;

  /** Throws ServerUrlError for an unusable `baseUrl` (remote http:// included). */
  constructor(options: BlueMindClientOptions) {
    this.transport = new Transport(options);
    this.session = new Session(this.transport, options);
    this.auth = new AuthApi(this.session);
    this.subscriptions = new SubscriptionsApi(this.session);
    this.containers = new ContainersApi(this.session);
    this.allBooks = new CrossBookSearchApi(this.session);
    this.management = new ManagementApi(this.session);
  }

  /** The content API of one book. Cheap: holds no state beyond the uid. */
  addressBook(containerUid: string): AddressBookApi {
    return new AddressBookApi(this.session, containerUid);
  }

  /** Signs in now and checks the required role (the "Connect" button). */
  connect(signal?: AbortSignal): Promise<AuthUser> {
    return this.session.open(signal);
  }

  ping(signal?: AbortSignal): Promise<boolean> {
    return this.session.ping(signal);
  }

  logout(signal?: AbortSignal): Promise<void> {
    return this.session.logout(signal);
  }

  /**
   * After a password sign-in: mints an API key, closes the password session and continues with
   * the key, so that the password never needs to be stored (design.md, Connection). Returns the
   * key, whose sid is what to store.
   */
  async switchToApiKey(displayName: string, options: CallOptions = {}): Promise<APIKey> {
    const key = await this.auth.createApiKey(displayName, options);
    const login = this.session.credential.login;
    // The password session would expire by itself; closing it is only tidiness.
    await this.session.logout(options.signal).catch(() => undefined);
    this.session.setCredential({ kind: "apiKey", login, sid: key.sid });
    return key;
  }
}
