// Public surface of the BlueMind REST client. No Thunderbird code: runs in Node and in the
// extension's background page.

export * from "./errors.ts";
export * from "./models.ts";
export { BlueMindClient } from "./client.ts";
export type { BlueMindClientOptions } from "./client.ts";
export { AuthApi } from "./auth-api.ts";
export { SubscriptionsApi } from "./subscriptions-api.ts";
export { ContainersApi, isReadOnly } from "./containers-api.ts";
export { AddressBookApi, CrossBookSearchApi } from "./addressbook-api.ts";
export type { PhotoAnswer } from "./addressbook-api.ts";
export { ManagementApi } from "./management-api.ts";
export type { NewAddressBook } from "./management-api.ts";
export { Session, requestLogin, requireRole, THUNDERBIRD_ROLE } from "./session.ts";
export type { ApiCaller, ApiKeyStrategy, Credential, SessionOptions } from "./session.ts";
export { Transport, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, defaultSleep } from "./transport.ts";
export type { CallOptions, HttpMethod, RequestBody, RequestSpec, ResponseKind, RetryInfo, RetryPolicy, Sleep, TransportOptions } from "./transport.ts";
export { apiPath, isLoopbackHost, normaliseBaseUrl, queryString } from "./url.ts";
export type { ApiPath, QueryValue } from "./url.ts";
