// One address book's content: IAddressBook at /api/addressbooks/{containerUid} (bluemind-api.md
// §5), the calls the sync and the search-only books make.
//
// Idempotency, which decides what is retried after a lost answer:
//  - reads, including those sent as POST (_mget, _search), are;
//  - PUT /_mupdates is too, because every change names its uid and the server applies them as
//    "make it so" (an `add` of an existing uid updates it, a `modify` of a missing uid creates it,
//    deleting a missing uid is fine). A replay reaches the same state and reports the same
//    per-item errors; it only spends extra version numbers, which cost nothing.

import type {
  ContainerChangeset,
  ContainerUpdatesError,
  ContainerUpdatesResult,
  ItemValue,
  ListResult,
  VCard,
  VCardChanges,
  VCardInfo,
  VCardQuery,
} from "./models.ts";
import type { ApiCaller } from "./session.ts";
import type { CallOptions } from "./transport.ts";
import { apiPath } from "./url.ts";
import { isRecord } from "../shared/parse.ts";
import { describe, listOf, malformed, nothing, stringList, trustedAs } from "./validate.ts";
import type { Check } from "./validate.ts";

export type PhotoAnswer = Uint8Array | null;

function itemValue<T>(): Check<ItemValue<T>> {
  return (value, ref) => {
    if (!isRecord(value) || typeof value.uid !== "string" || !isRecord(value.value)) {
      throw malformed(ref, `expected an item with a uid and a value, got ${describe(value)}`);
    }
    return trustedAs<ItemValue<T>>(value);
  };
}

const card = itemValue<VCard>();

const containerVersion: Check<number> = (value, ref) => {
  if (typeof value !== "number" || !Number.isFinite(value)) throw malformed(ref, `expected a version number, got ${describe(value)}`);
  return value;
};

const changeset: Check<ContainerChangeset> = (value, ref) => {
  if (!isRecord(value)) throw malformed(ref, `expected a changeset, got ${describe(value)}`);
  const [created, updated, deleted] = [stringList(value.created, ref), stringList(value.updated, ref), stringList(value.deleted, ref)];
  const { version } = value;
  if (typeof version !== "number" || !Number.isFinite(version)) {
    throw malformed(ref, `the changeset version should be a number, got ${describe(version)}`);
  }
  return { ...value, created, updated, deleted, version };
};

const updateError: Check<ContainerUpdatesError> = (value, ref) => {
  if (!isRecord(value) || (typeof value.uid !== "string" && value.uid !== null) || typeof value.errorCode !== "string") {
    throw malformed(ref, `expected an _mupdates error {uid, errorCode}, got ${describe(value)}`);
  }
  return trustedAs<ContainerUpdatesError>(value);
};

/** Lists the server leaves out are taken as empty; lists of the wrong type are an error, since
 * the sync engine decides from them which local changes were accepted. */
const updatesResult: Check<ContainerUpdatesResult> = (value, ref) => {
  if (!isRecord(value)) throw malformed(ref, `expected an _mupdates result, got ${describe(value)}`);
  const list = (key: string): string[] => (value[key] === undefined || value[key] === null ? [] : stringList(value[key], ref));
  const errors = value.errors === undefined || value.errors === null ? [] : listOf(updateError)(value.errors, ref);
  return {
    ...value,
    added: list("added"),
    updated: list("updated"),
    removed: list("removed"),
    unhandled: list("unhandled"),
    errors,
    version: typeof value.version === "number" ? value.version : 0,
  };
};

function listResult<T>(item: Check<T>): Check<ListResult<T>> {
  return (value, ref) => {
    if (!isRecord(value) || !Array.isArray(value.values) || typeof value.total !== "number") {
      throw malformed(ref, `expected {total, values}, got ${describe(value)}`);
    }
    return { ...value, total: value.total, values: listOf(item)(value.values, ref) };
  };
}

const searchHit = itemValue<VCardInfo>();

const photo: Check<PhotoAnswer> = (value, ref) => {
  if (value === null || value instanceof Uint8Array) return value;
  throw malformed(ref, "expected image bytes");
};

export class AddressBookApi {
  constructor(
    private readonly caller: ApiCaller,
    readonly containerUid: string,
  ) {}

  /** GET _changeset?since=N: uids created/updated/deleted since `since` (0 = everything). */
  changeset(since: number, options: CallOptions = {}): Promise<ContainerChangeset> {
    return this.caller.call(
      { ...options, method: "GET", path: apiPath`/addressbooks/${this.containerUid}/_changeset`, query: { since }, response: "json", idempotent: true },
      changeset,
    );
  }

  /** GET _version: the container's current version (that of its last change). */
  version(options: CallOptions = {}): Promise<number> {
    return this.caller.call(
      { ...options, method: "GET", path: apiPath`/addressbooks/${this.containerUid}/_version`, response: "json", idempotent: true },
      containerVersion,
    );
  }

  /** GET _all: every item uid (to reconcile when deletion records may have been purged). */
  allUids(options: CallOptions = {}): Promise<string[]> {
    return this.caller.call(
      { ...options, method: "GET", path: apiPath`/addressbooks/${this.containerUid}/_all`, response: "json", idempotent: true },
      stringList,
    );
  }

  /** POST _mget: the cards of `uids`; unknown uids are silently left out. */
  mget(uids: readonly string[], options: CallOptions = {}): Promise<ItemValue<VCard>[]> {
    return this.caller.call(
      { ...options, method: "POST", path: apiPath`/addressbooks/${this.containerUid}/_mget`, body: { json: uids }, response: "json", idempotent: true },
      listOf(card),
    );
  }

  /** PUT _mupdates: applies every change it can; per-card failures come back in `errors` (the
   * HTTP status stays 200). Do not use the returned `version` as the next `since`. */
  mupdates(changes: VCardChanges, options: CallOptions = {}): Promise<ContainerUpdatesResult> {
    return this.caller.call(
      { ...options, method: "PUT", path: apiPath`/addressbooks/${this.containerUid}/_mupdates`, body: { json: changes }, response: "json", idempotent: true },
      updatesResult,
    );
  }

  /** POST _search with an Elasticsearch query (always send a `size`: the default is 10 hits). */
  search(query: VCardQuery, options: CallOptions = {}): Promise<ListResult<ItemValue<VCardInfo>>> {
    return this.caller.call(
      { ...options, method: "POST", path: apiPath`/addressbooks/${this.containerUid}/_search`, body: { json: query }, response: "json", idempotent: true },
      listResult(searchHit),
    );
  }

  /** GET /{uid}/photo → PNG bytes, or null when the card has no photo. */
  getPhoto(uid: string, options: CallOptions = {}): Promise<PhotoAnswer> {
    return this.caller.call(
      { ...options, method: "GET", path: apiPath`/addressbooks/${this.containerUid}/${uid}/photo`, response: "bytes", idempotent: true },
      photo,
    );
  }

  /** POST /{uid}/photo: BlueMind stores it re-encoded as PNG, and refuses it (ENTITY_TOO_LARGE)
   * when that PNG reaches 1 MiB, or (INVALID_PARAMETER) when it is no image it can read. It does
   * not change the card's version. Setting the same bytes again is harmless: idempotent. */
  setPhoto(uid: string, bytes: Uint8Array, options: CallOptions = {}): Promise<void> {
    return this.caller.call(
      { ...options, method: "POST", path: apiPath`/addressbooks/${this.containerUid}/${uid}/photo`, body: { bytes }, response: "void", idempotent: true },
      nothing,
    );
  }

  /** DELETE /{uid}/photo (no version change either). */
  deletePhoto(uid: string, options: CallOptions = {}): Promise<void> {
    return this.caller.call(
      { ...options, method: "DELETE", path: apiPath`/addressbooks/${this.containerUid}/${uid}/photo`, response: "void", idempotent: true },
      nothing,
    );
  }
}

