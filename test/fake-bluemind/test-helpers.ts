// Helpers for the contract tests: a raw HTTP client over global fetch (deliberately not the
// add-on's client, so the tests pin the server's wire behaviour on their own).
import { afterEach, beforeEach } from "vitest";
import { startFakeBlueMind } from "./server.ts";
import type { FakeBlueMind } from "./server.ts";
import type { FakeBlueMindOptions } from "./types.ts";

export const JANE = { uid: "u-jdoe", login: "jdoe@example.com", password: "secret" };
export const BOB = { uid: "u-bob", login: "bob@example.com", password: "secret" };
export const NOTB = { uid: "u-notb", login: "notb@example.com", password: "secret" };
export const BOOKS = {
  janeContacts: "book:Contacts_u-jdoe",
  janeCollected: "book:CollectedContacts_u-jdoe",
  bobContacts: "book:Contacts_u-bob",
  directory: "addressbook_example.com",
};

export const enc = encodeURIComponent;

export interface Reply {
  status: number;
  text: string;
  headers: Headers;
  /** Parsed body (throws on an empty or non-JSON body). */
  json<T = unknown>(): T;
}

export class Api {
  constructor(
    readonly url: string,
    public key: string | null = null,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (this.key !== null && !("X-BM-ApiKey" in h)) h["X-BM-ApiKey"] = this.key;
    let payload: string | Uint8Array<ArrayBuffer> | undefined;
    if (body instanceof Uint8Array) {
      payload = new Uint8Array(body);
      h["Content-Type"] ??= "application/octet-stream";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h["Content-Type"] ??= "application/json";
    }
    const res = await fetch(`${this.url}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, json: <T>() => JSON.parse(text) as T };
  }

  get(path: string): Promise<Reply> {
    return this.call("GET", path);
  }
  post(path: string, body?: unknown): Promise<Reply> {
    return this.call("POST", path, body);
  }
  put(path: string, body?: unknown): Promise<Reply> {
    return this.call("PUT", path, body);
  }
  delete(path: string): Promise<Reply> {
    return this.call("DELETE", path);
  }
}

export async function login(fake: FakeBlueMind, who: { login: string; password: string } = JANE): Promise<Api> {
  const api = new Api(fake.url);
  const res = await api.post(`/api/auth/login?login=${enc(who.login)}&origin=tests`, who.password);
  const body = res.json<{ status: string; authKey: string }>();
  if (body.status !== "Ok") throw new Error(`login of ${who.login} failed: ${res.text}`);
  api.key = body.authKey;
  return api;
}

/** A fresh server per test (the minimal dataset starts in a few milliseconds). */
export function useFake(opts: FakeBlueMindOptions = {}): { readonly fake: FakeBlueMind } {
  const holder: { fake: FakeBlueMind | null } = { fake: null };
  beforeEach(async () => {
    holder.fake = await startFakeBlueMind(opts);
  });
  afterEach(async () => {
    await holder.fake?.close();
    holder.fake = null;
  });
  return {
    get fake(): FakeBlueMind {
      if (!holder.fake) throw new Error("fake server not started");
      return holder.fake;
    },
  };
}

export function bookPath(bookUid: string, rest = ""): string {
  return `/api/addressbooks/${enc(bookUid)}${rest}`;
}

/** A valid minimal individual card. */
export function person(given: string, family: string, email?: string): Record<string, unknown> {
  return {
    kind: "individual",
    identification: {
      formatedName: { value: `${given} ${family}`, parameters: [] },
      name: { givenNames: given, familyNames: family, parameters: [] },
    },
    communications: { emails: email ? [{ value: email, parameters: [{ label: "TYPE", value: "work" }] }] : [] },
  };
}
