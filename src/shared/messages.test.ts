import { describe, expect, it } from "vitest";
import { isRequest, isStatusPush, parseStateAnswer, type StateAnswer } from "./messages.ts";
import { emptyAccountState, type StatusSnapshot } from "./status.ts";
import { text } from "./user-text.ts";

function snapshot(): StatusSnapshot {
  return {
    account: { ...emptyAccountState(), status: "connected", serverUrl: "https://bm.example.com", login: "jdoe@example.com", lastContact: 1 },
    books: [
      {
        containerUid: "book:Contacts_u1",
        name: "My contacts",
        ownerDisplayName: "Jane Doe",
        ownedByUser: true,
        isDomainDirectory: false,
        sync: true,
        readOnly: false,
        itemCount: 50,
        state: "syncing",
        progress: { done: 10, total: 50 },
        lastSuccess: null,
        lastError: null,
      },
    ],
    syncing: true,
    lastSyncStarted: 5,
    lastSyncEnded: null,
    activity: [
      { at: 1, level: "warning", message: text("logBookRenamed", "careful"), containerUid: "book:Contacts_u1" },
      { at: 2, level: "info", message: text("logDisconnected") },
    ],
  };
}

function state(): StateAnswer {
  return {
    status: snapshot(),
    settings: { serverUrl: "https://bm.example.com", login: "jdoe@example.com", syncIntervalMinutes: 5, publishLocalBooks: true, autocompleteOff: ["addressbook_example.com"], managed: ["serverUrl"] },
  };
}

describe("isRequest", () => {
  it("accepts every request with its fields", () => {
    for (const request of [
      { type: "getState" },
      { type: "syncNow" },
      { type: "signIn", serverUrl: "https://bm.example.com", login: "a@b", password: "x" },
      { type: "signOut", removeLocalBooks: false },
      { type: "setSync", containerUid: "book:x", sync: true },
      { type: "setAutocomplete", containerUid: "addressbook_example.com", enabled: false },
      { type: "saveSettings", syncIntervalMinutes: 15 },
      { type: "saveSettings", publishLocalBooks: false },
      { type: "saveSettings" },
    ]) {
      expect(isRequest(request), JSON.stringify(request)).toBe(true);
    }
  });

  it("refuses a known type whose fields are missing or of the wrong type", () => {
    for (const message of [
      { type: "signIn", serverUrl: "https://bm.example.com", login: "a@b" },
      { type: "signIn", serverUrl: "https://bm.example.com", login: 1, password: "x" },
      { type: "signOut" },
      { type: "signOut", removeLocalBooks: "yes" },
      { type: "setSync", containerUid: "book:x" },
      { type: "setSync", containerUid: null, sync: true },
      { type: "setAutocomplete", containerUid: "addressbook_example.com" },
      { type: "setAutocomplete", containerUid: "addressbook_example.com", enabled: "no" },
      { type: "saveSettings", syncIntervalMinutes: "15" },
      { type: "saveSettings", syncIntervalMinutes: Number.NaN },
      { type: "saveSettings", publishLocalBooks: 1 },
    ]) {
      expect(isRequest(message), JSON.stringify(message)).toBe(false);
    }
  });

  it("refuses unknown types and what is not a request", () => {
    for (const message of [{ type: "status" }, { type: "toString" }, { type: "constructor" }, { type: 1 }, {}, null, undefined, "getState", [{ type: "getState" }]]) {
      expect(isRequest(message), String(message)).toBe(false);
    }
  });
});

describe("parseStateAnswer", () => {
  it("reads a success with its state and a failure with its message", () => {
    expect(parseStateAnswer({ ok: true, value: state() })).toEqual({ ok: true, value: state() });
    expect(parseStateAnswer({ ok: false, error: text("errorNotConnected") })).toEqual({ ok: false, error: text("errorNotConnected") });
  });

  it("gives null for an answer that is not one", () => {
    const wrongBook = state();
    (wrongBook.status.books[0] as { state: string }).state = "sleeping";
    const wrongLevel = state();
    (wrongLevel.status.activity[0] as { level: string }).level = "debug";
    const noSettings: Partial<StateAnswer> = state();
    delete noSettings.settings;
    for (const answer of [
      { ok: true, value: wrongBook },
      { ok: true, value: wrongLevel },
      { ok: true, value: noSettings },
      { ok: true, value: { ...state(), settings: { ...state().settings, managed: ["password"] } } },
      { ok: false },
      { ok: "yes", value: state() },
      null,
      undefined,
    ]) {
      expect(parseStateAnswer(answer)).toBeNull();
    }
  });
});

describe("a sentence without a message id", () => {
  it("never reaches the page: a status, a book error, a log line or an error answer in plain text is refused", () => {
    const withLine = state();
    (withLine.status.activity[0] as { message: unknown }).message = "Sync failed: network down";
    const withBookError = state();
    (withBookError.status.books[0] as { lastError: unknown }).lastError = "Invalid email";
    const withAccountMessage = state();
    (withAccountMessage.status.account as { message: unknown }).message = "Sign in again.";
    const withUnknownKey = state();
    (withUnknownKey.status.activity[1] as { message: unknown }).message = { key: "Sync failed", args: [] };
    for (const answer of [{ ok: true, value: withLine }, { ok: true, value: withBookError }, { ok: true, value: withAccountMessage }, { ok: true, value: withUnknownKey }, { ok: false, error: "Not connected to BlueMind." }]) {
      expect(parseStateAnswer(answer)).toBeNull();
    }
    expect(isStatusPush({ type: "status", status: withLine.status })).toBe(false);
  });
});

describe("isStatusPush", () => {
  it("accepts a status push and nothing else", () => {
    expect(isStatusPush({ type: "status", status: snapshot() })).toBe(true);
    expect(isStatusPush({ type: "status" })).toBe(false);
    expect(isStatusPush({ type: "getState", status: snapshot() })).toBe(false);
    expect(isStatusPush({ type: "status", status: { ...snapshot(), syncing: "no" } })).toBe(false);
  });
});
