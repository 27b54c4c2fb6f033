// Which books the signed-in user has, and their sync flag (bluemind-api.md §3). The subject is
// always the signed-in user: BlueMind answers 403 for anyone else's subscriptions.
// Every write here sets state rather than adding to it (subscribe = "make it subscribed with this
// flag"), so all of them are idempotent and retried like reads.

import type { ContainerSubscription, ContainerSubscriptionDescriptor } from "./models.ts";
import type { ApiCaller } from "./session.ts";
import type { CallOptions } from "./transport.ts";
import { apiPath } from "./url.ts";
import { listOf, nothing, objectWith } from "./validate.ts";

const descriptor = objectWith<ContainerSubscriptionDescriptor>("containerUid");

export class SubscriptionsApi {
  constructor(private readonly caller: ApiCaller) {}

  /** GET /api/users/{domainUid}/subscriptions/{userUid}?type=… (address books by default). */
  async list(options: CallOptions & { type?: string } = {}): Promise<ContainerSubscriptionDescriptor[]> {
    const { type = "addressbook", ...call } = options;
    const { domainUid, uid } = await this.caller.identity(call.signal);
    return this.caller.call(
      {
        ...call,
        method: "GET",
        path: apiPath`/users/${domainUid}/subscriptions/${uid}`,
        query: { type },
        response: "json",
        idempotent: true,
      },
      listOf(descriptor),
    );
  }

  /** POST …/_subscribe. Subscribing again only updates the flags (there is no other update call).
   * 404 if a container does not exist. */
  async subscribe(subscriptions: readonly ContainerSubscription[], options: CallOptions = {}): Promise<void> {
    const { domainUid, uid } = await this.caller.identity(options.signal);
    await this.caller.call(
      {
        ...options,
        method: "POST",
        path: apiPath`/users/${domainUid}/subscriptions/${uid}/_subscribe`,
        body: { json: subscriptions },
        response: "void",
        idempotent: true,
      },
      nothing,
    );
  }

  /** Changes a subscription's sync flag by subscribing again with it (only that flag changes);
   * also subscribes if the user was not subscribed. `automount` is sent only when given. */
  setSync(containerUid: string, offlineSync: boolean, options: CallOptions & { automount?: boolean } = {}): Promise<void> {
    const subscription: ContainerSubscription =
      options.automount === undefined ? { containerUid, offlineSync } : { containerUid, offlineSync, automount: options.automount };
    return this.subscribe([subscription], { signal: options.signal, timeoutMs: options.timeoutMs });
  }
}
