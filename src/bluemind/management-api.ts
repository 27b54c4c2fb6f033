// Creating and renaming address books (bluemind-api.md §7): a book the user creates in
// Thunderbird becomes a BlueMind book, and renaming it renames the BlueMind book. The add-on
// never deletes a BlueMind book. Creating does not subscribe; see SubscriptionsApi.setSync.

import { NotFoundError } from "./errors.ts";
import type { AddressBookDescriptor } from "./models.ts";
import type { ApiCaller } from "./session.ts";
import type { CallOptions } from "./transport.ts";
import { apiPath } from "./url.ts";
import { isRecord } from "../shared/parse.ts";
import { text } from "../shared/user-text.ts";
import { describe, malformed, nothing, orNull, trustedAs } from "./validate.ts";
import type { Check } from "./validate.ts";

const bookDescriptor: Check<AddressBookDescriptor> = (value, ref) => {
  if (!isRecord(value) || typeof value.name !== "string") throw malformed(ref, `expected a book descriptor, got ${describe(value)}`);
  return trustedAs<AddressBookDescriptor>(value);
};

/** What a caller must say about a new book; owner and domain default to the signed-in user. */
export interface NewAddressBook {
  name: string;
  owner?: string;
  domainUid?: string;
  settings?: Record<string, string>;
}

export class ManagementApi {
  constructor(private readonly caller: ApiCaller) {}

  /** PUT /api/mgmt/addressbooks/{uid}?isDefault=false (the flag must be sent). Not idempotent: a
   * replay of a create that landed answers ALREADY_EXISTS. Returns the descriptor sent. */
  async create(uid: string, book: NewAddressBook, options: CallOptions = {}): Promise<AddressBookDescriptor> {
    const me = await this.caller.identity(options.signal);
    const descriptor: AddressBookDescriptor = {
      name: book.name,
      owner: book.owner ?? me.uid,
      domainUid: book.domainUid ?? me.domainUid,
      system: false,
      settings: book.settings ?? {},
      orgUnitUid: null,
    };
    await this.caller.call(
      {
        ...options,
        method: "PUT",
        path: apiPath`/mgmt/addressbooks/${uid}`,
        query: { isDefault: false },
        body: { json: descriptor },
        response: "void",
        idempotent: false,
      },
      nothing,
    );
    return descriptor;
  }

  /** GET /api/mgmt/addressbooks/{uid} → descriptor, or null when there is no such book (204). */
  get(uid: string, options: CallOptions = {}): Promise<AddressBookDescriptor | null> {
    return this.caller.call(
      { ...options, method: "GET", path: apiPath`/mgmt/addressbooks/${uid}`, response: "json", idempotent: true },
      orNull(bookDescriptor),
    );
  }

  /** POST /api/mgmt/addressbooks/{uid} with the whole descriptor. Idempotent: it sets values. */
  update(uid: string, descriptor: AddressBookDescriptor, options: CallOptions = {}): Promise<void> {
    return this.caller.call(
      { ...options, method: "POST", path: apiPath`/mgmt/addressbooks/${uid}`, body: { json: descriptor }, response: "void", idempotent: true },
      nothing,
    );
  }

  /** Reads the descriptor and writes it back with a new name; NotFoundError if the book is gone. */
  async rename(uid: string, name: string, options: CallOptions = {}): Promise<void> {
    const current = await this.get(uid, options);
    if (current === null) {
      throw new NotFoundError(text("errorBookMissing", uid), {
        code: "NOT_FOUND",
        request: { method: "GET", path: `/api/mgmt/addressbooks/${encodeURIComponent(uid)}` },
      });
    }
    await this.update(uid, { ...current, name }, options);
  }
}
