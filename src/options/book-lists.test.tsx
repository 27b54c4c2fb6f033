// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import type { Answer, StateAnswer } from "../shared/messages.ts";
import type { BookStatus } from "../shared/status.ts";
import { bookTitle } from "./book-row.tsx";
import {
  CONNECTED,
  FakeBackend,
  account,
  alertText,
  book,
  buttonNamed,
  click,
  deferred,
  pressEscape,
  renderPage,
  rowOf,
  settings,
  snapshot,
  switchFor,
  unmount,
} from "../../test/support/options-testkit.tsx";
import { text } from "../shared/user-text.ts";

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) unmount(root);
  root = null;
});

const MINE = book({ containerUid: "book:Contacts_u-jeanne", name: "Mes contacts", itemCount: 51, lastSuccess: Date.now() - 60_000 });
const COLLECTED = book({ containerUid: "book:CollectedContacts_u-jeanne", name: "Contacts collectés", itemCount: 1, sync: false, state: "search-only" });
const CLIENTS = book({
  containerUid: "clients",
  name: "Clients (Paul Martin)",
  ownerDisplayName: "Paul Martin",
  ownedByUser: false,
  readOnly: true,
  itemCount: 1500,
  sync: false,
  state: "search-only",
});
const DIRECTORY = book({ containerUid: "addressbook_example.fr", name: "Annuaire", ownerDisplayName: "example.fr", ownedByUser: false, isDomainDirectory: true, readOnly: true, itemCount: 800, sync: false, state: "search-only" });

function connected(books: BookStatus[]): FakeBackend {
  return new FakeBackend({ status: snapshot({ account: account(CONNECTED), books }), settings: settings() });
}

/** The background's success answer: the book with its new flag. */
function applySync(backend: FakeBackend, containerUid: string, sync: boolean): Answer<StateAnswer> {
  const books = backend.state.status.books.map((b) => (b.containerUid === containerUid ? { ...b, sync, state: sync ? ("pending" as const) : ("search-only" as const) } : b));
  backend.state = { ...backend.state, status: { ...backend.state.status, books } };
  return { ok: true, value: backend.state };
}

describe("book lists", () => {
  it("splits the user's books from shared ones, with owner, count and the read-only mark", async () => {
    root = await renderPage(connected([MINE, CLIENTS, COLLECTED, DIRECTORY]));
    const [mine, others] = [...root.querySelectorAll<HTMLElement>("section")].filter((s) => s.querySelector(".book-list"));
    expect(mine!.querySelector("h2")?.textContent).toBe("My address books");
    expect([...mine!.querySelectorAll(".book-name")].map((n) => n.textContent)).toEqual(["Mes contacts", "Contacts collectés"]);
    expect(others!.querySelector("h2")?.textContent).toBe("Other address books");
    expect([...others!.querySelectorAll(".book-name")].map((n) => n.textContent)).toEqual(["Clients", "Annuaire"]);

    const clients = rowOf(root, "clients");
    expect(clients.querySelector(".book-owner")?.textContent).toBe("Shared by Paul Martin");
    expect(clients.querySelector(".book-count")?.textContent).toBe("1,500 contacts");
    expect(clients.querySelector(".badge-readonly")?.textContent).toBe("Read-only");
    expect(rowOf(root, MINE.containerUid).querySelector(".badge-readonly")).toBeNull();
    expect(rowOf(root, MINE.containerUid).querySelector(".book-owner")).toBeNull();
    // The directory belongs to the domain, not to a colleague who shares it.
    expect(rowOf(root, DIRECTORY.containerUid).querySelector(".book-owner")).toBeNull();
    expect(rowOf(root, COLLECTED.containerUid).querySelector(".book-count")?.textContent).toBe("1 contact");
  });

  it("shows each state: synced at a time, waiting, error text, search only", async () => {
    const at = new Date(2020, 2, 12, 14, 32).getTime();
    root = await renderPage(
      connected([
        book({ containerUid: "a", name: "A", state: "synced", lastSuccess: at }),
        book({ containerUid: "b", name: "B", state: "pending" }),
        book({ containerUid: "c", name: "C", state: "error", lastError: text("withServerMessage", text("errorDataRefused", "INVALID_EMAIL"), "Invalid email for Marie Curie") }),
        book({ containerUid: "d", name: "D", sync: false, state: "search-only" }),
      ]),
    );
    const status = (uid: string) => rowOf(root!, uid).querySelector(".book-status")?.textContent;
    expect(status("a")).toMatch(/^Synchronized at .*2020.*2:32/);
    expect(status("b")).toBe("Waiting for the next synchronization");
    expect(status("c")).toBe("Error: BlueMind refused the data (INVALID_EMAIL): Invalid email for Marie Curie");
    expect(status("d")).toBe("Search only (not stored in Thunderbird)");
    expect(switchFor(root, "Synchronize A").getAttribute("aria-checked")).toBe("true");
    expect(switchFor(root, "Synchronize D").getAttribute("aria-checked")).toBe("false");
    // The switch is described by the status, so a screen reader hears both.
    const describedBy = switchFor(root, "Synchronize C").getAttribute("aria-describedby")!;
    expect(document.getElementById(describedBy)?.textContent).toContain("Invalid email");
  });

  it("syncing: x / n with a progress bar, updated live by status pushes", async () => {
    const backend = connected([book({ ...CLIENTS, sync: true, state: "syncing", progress: { done: 300, total: 1500 } })]);
    root = await renderPage(backend);
    const row = rowOf(root, "clients");
    expect(row.querySelector(".book-status")?.textContent).toBe("Synchronizing 300 / 1,500");
    let bar = row.querySelector("progress")!;
    expect([bar.value, bar.max]).toEqual([300, 1500]);
    expect(bar.getAttribute("aria-label")).toBe("Synchronization of Clients");

    await backend.push({ books: [book({ ...CLIENTS, sync: true, state: "syncing", progress: { done: 1200, total: 1500 } })], syncing: true });
    bar = rowOf(root, "clients").querySelector("progress")!;
    expect(bar.value).toBe(1200);
    expect(root.querySelector(".sync-summary")?.textContent).toBe("Synchronizing…");

    await backend.push({ books: [book({ ...CLIENTS, sync: true, state: "synced", lastSuccess: Date.now() })], syncing: false, lastSyncEnded: Date.now() });
    expect(rowOf(root, "clients").querySelector("progress")).toBeNull();
    expect(rowOf(root, "clients").querySelector(".book-status")?.textContent).toMatch(/^Synchronized at /);
  });

  it("a switch moves at once, stays put while the change travels, and keeps the answer's value", async () => {
    const backend = connected([MINE, COLLECTED]);
    const answer = deferred<Answer<StateAnswer>>();
    backend.reply = (request) => (request.type === "setSync" ? answer.promise : undefined);
    root = await renderPage(backend);
    const toggle = switchFor(root, "Synchronize Contacts collectés");
    await click(toggle);
    expect(backend.requests.at(-1)).toEqual({ type: "setSync", containerUid: COLLECTED.containerUid, sync: true });
    expect(toggle.getAttribute("aria-checked")).toBe("true");
    expect(toggle.getAttribute("aria-busy")).toBe("true");
    // A click while pending does not send a second change.
    await click(toggle);
    expect(backend.requests.filter((r) => r.type === "setSync")).toHaveLength(1);
    // A status push with the old value does not flip the switch back mid-change.
    await backend.push({});
    expect(toggle.getAttribute("aria-checked")).toBe("true");

    answer.resolve(applySync(backend, COLLECTED.containerUid, true));
    await click(root.querySelector(".page-header"));
    expect(toggle.getAttribute("aria-checked")).toBe("true");
    expect(toggle.hasAttribute("aria-busy")).toBe(false);
    expect(rowOf(root, COLLECTED.containerUid).querySelector(".book-status")?.textContent).toBe("Waiting for the next synchronization");
  });

  it("rolls the switch back and shows the error next to that book when the change is refused", async () => {
    const backend = connected([MINE, COLLECTED]);
    backend.reply = (request) => (request.type === "setSync" ? { ok: false, error: text("errorDetail", "BlueMind answered 500 (UNKNOWN).") } : undefined);
    root = await renderPage(backend);
    const toggle = switchFor(root, "Synchronize Mes contacts");
    await click(toggle);
    expect(backend.requests.at(-1)).toEqual({ type: "setSync", containerUid: MINE.containerUid, sync: false });
    expect(toggle.getAttribute("aria-checked")).toBe("true");
    const error = rowOf(root, MINE.containerUid).querySelector('[role="alert"]');
    expect(error?.textContent).toBe("The change was not saved on BlueMind: BlueMind answered 500 (UNKNOWN).");
    expect(rowOf(root, COLLECTED.containerUid).querySelector('[role="alert"]')).toBeNull();

    // The next successful try clears the error.
    backend.reply = (request) => (request.type === "setSync" ? applySync(backend, request.containerUid, request.sync) : undefined);
    await click(toggle);
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    expect(rowOf(root, MINE.containerUid).querySelector('[role="alert"]')).toBeNull();
  });

  it("a book whose deletions are held asks the question, says what each answer does, and sends the answer", async () => {
    const held = book({ ...MINE, state: "held", heldDeletions: 1234 });
    const directory = book({ ...DIRECTORY, sync: true, state: "held", heldDeletions: 600 });
    const backend = connected([held, directory, COLLECTED]);
    root = await renderPage(backend);
    const row = rowOf(root, MINE.containerUid);
    expect(row.querySelector(".book-status")?.textContent).toBe("BlueMind says 1,234 contacts of “Mes contacts” were deleted.");
    expect(row.querySelector(".book-question .hint")?.textContent).toContain("Keep them puts them back on BlueMind.");
    expect(rowOf(root, DIRECTORY.containerUid).querySelector(".book-question .hint")?.textContent).toContain("leaves them in Thunderbird");
    expect(rowOf(root, COLLECTED.containerUid).querySelector(".book-question")).toBeNull();

    await click(buttonNamed(row, "Keep them")!);
    expect(backend.requests.at(-1)).toEqual({ type: "answerDeletions", containerUid: MINE.containerUid, decision: "keep" });
    backend.reply = (request) => (request.type === "answerDeletions" ? { ok: false, error: text("errorNoDeletionsHeld") } : undefined);
    await click(buttonNamed(rowOf(root, DIRECTORY.containerUid), "Apply")!);
    expect(backend.requests.at(-1)).toEqual({ type: "answerDeletions", containerUid: DIRECTORY.containerUid, decision: "apply" });
    expect(rowOf(root, DIRECTORY.containerUid).querySelector('[role="alert"]')?.textContent).toBe("This book is not waiting for an answer any more.");
  });

  it("a book the integrity check found drifting says how many contacts differ and offers Repair", async () => {
    const drifting = book({ ...MINE, state: "synced", lastSuccess: Date.now(), drift: 3 });
    const backend = connected([drifting, COLLECTED]);
    root = await renderPage(backend);
    const row = rowOf(root, MINE.containerUid);
    expect(row.querySelector(".book-status")?.textContent).toContain("Differences with BlueMind: 3 contacts");
    expect(row.querySelector(".book-question .hint")?.textContent).toContain("your unsent edits are kept");
    expect(buttonNamed(rowOf(root, COLLECTED.containerUid), "Repair")).toBeNull();
    await click(buttonNamed(row, "Repair")!);
    expect(backend.requests.at(-1)).toEqual({ type: "repairBook", containerUid: MINE.containerUid });
  });

  it("a book holding copies of its synced contacts says how many, names a few, and offers Remove copies", async () => {
    const withCopies = book({ ...MINE, state: "synced", lastSuccess: Date.now(), copies: { count: 5, names: ["Ann Lee", "Bob Roe", "Cy Doe"] } });
    const single = book({ ...MINE, containerUid: "book:other", name: "Autre", state: "synced", lastSuccess: Date.now(), copies: { count: 1, names: ["Di Moe"] } });
    const readOnly = book({ ...DIRECTORY, sync: true, state: "synced", copies: { count: 2, names: ["Ed", "Flo"] } });
    const backend = connected([withCopies, single, readOnly, COLLECTED]);
    root = await renderPage(backend);
    const row = rowOf(root, MINE.containerUid);
    expect(row.querySelector(".book-status")?.textContent).toContain("5 contacts of “Mes contacts” are copies of contacts already there");
    expect(row.querySelector(".book-question .hint")?.textContent).toBe(
      "Not sent to BlueMind: “Ann Lee”, “Bob Roe”, “Cy Doe” and 2 more. Remove copies deletes them from Thunderbird; the contacts they copy stay, here and on BlueMind.",
    );
    expect(rowOf(root, "book:other").querySelector(".book-status")?.textContent).toContain("1 contact of “Autre” is a copy of a contact already there");
    expect(rowOf(root, "book:other").querySelector(".book-question .hint")?.textContent).toContain("BlueMind: “Di Moe”. Remove");
    expect(buttonNamed(rowOf(root, DIRECTORY.containerUid), "Remove copies")).toBeNull();
    expect(buttonNamed(rowOf(root, COLLECTED.containerUid), "Remove copies")).toBeNull();

    backend.reply = (request) => (request.type === "removeCopies" ? { ok: false, error: text("errorBookNotSynced") } : undefined);
    await click(buttonNamed(row, "Remove copies")!);
    expect(backend.requests.at(-1)).toEqual({ type: "removeCopies", containerUid: MINE.containerUid });
    expect(row.querySelector('[role="alert"]')?.textContent).toBe("This book is not synchronized.");
  });

  it("warns about books above 1,000 contacts and asks before syncing one; Cancel changes nothing", async () => {
    const backend = connected([CLIENTS, DIRECTORY]);
    root = await renderPage(backend);
    expect(rowOf(root, "clients").querySelector(".badge-warning")?.textContent).toBe("⚠Large (More than 1,000 contacts)");
    expect(rowOf(root, DIRECTORY.containerUid).querySelector(".badge-warning")).toBeNull();

    const toggle = switchFor(root, "Synchronize Clients");
    toggle.focus();
    await click(toggle);
    const dialog = document.querySelector("dialog")!;
    expect(dialog.open).toBe(true);
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("Synchronize a large address book?");
    expect(document.getElementById(dialog.getAttribute("aria-describedby")!)?.textContent).toContain("“Clients” has 1,500 contacts.");
    // The safe choice has the focus.
    expect(document.activeElement).toBe(buttonNamed(dialog, "Cancel"));
    expect(backend.requests.filter((r) => r.type === "setSync")).toEqual([]);

    await click(buttonNamed(dialog, "Cancel"));
    expect(document.querySelector("dialog")).toBeNull();
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    expect(document.activeElement).toBe(toggle);
    expect(backend.requests.filter((r) => r.type === "setSync")).toEqual([]);
  });

  it("Escape cancels the confirmation; Synchronize sends the change", async () => {
    const backend = connected([CLIENTS]);
    backend.reply = (request) => (request.type === "setSync" ? applySync(backend, request.containerUid, request.sync) : undefined);
    root = await renderPage(backend);
    const toggle = switchFor(root, "Synchronize Clients");
    await click(toggle);
    await pressEscape(document.querySelector("dialog"));
    expect(document.querySelector("dialog")).toBeNull();
    expect(backend.requests.filter((r) => r.type === "setSync")).toEqual([]);

    await click(toggle);
    await click(buttonNamed(document.querySelector("dialog")!, "Synchronize"));
    expect(document.querySelector("dialog")).toBeNull();
    expect(backend.requests.filter((r) => r.type === "setSync")).toEqual([{ type: "setSync", containerUid: "clients", sync: true }]);
    expect(toggle.getAttribute("aria-checked")).toBe("true");
  });

  it("turning sync off on a large book needs no confirmation", async () => {
    const backend = connected([{ ...CLIENTS, sync: true, state: "synced" }]);
    root = await renderPage(backend);
    await click(switchFor(root, "Synchronize Clients"));
    expect(document.querySelector("dialog")).toBeNull();
    expect(backend.requests.at(-1)).toEqual({ type: "setSync", containerUid: "clients", sync: false });
  });

  it("read-only books still have a switch (syncing them is reading them)", async () => {
    root = await renderPage(connected([CLIENTS]));
    expect(switchFor(root, "Synchronize Clients").disabled).toBe(false);
    expect(rowOf(root, "clients").querySelector(".badge-readonly")?.getAttribute("title")).toBe("You can read these contacts but not change them.");
  });

  it("switches are disabled while the account is not connected", async () => {
    const backend = new FakeBackend({ status: snapshot({ account: account({ ...CONNECTED, status: "needs-sign-in" }), books: [MINE] }), settings: settings() });
    root = await renderPage(backend);
    const toggle = switchFor(root, "Synchronize Mes contacts");
    expect(toggle.disabled).toBe(true);
    await click(toggle);
    expect(backend.requests.map((r) => r.type)).toEqual(["getState"]);
  });

  it("renders server strings as text, never as markup", async () => {
    const hostile = book({ containerUid: "x", name: '<img src=x onerror="alert(1)">', ownerDisplayName: "<b>Eve</b>", ownedByUser: false, state: "error", lastError: text("errorDetail", "<script>alert(2)</script>") });
    root = await renderPage(connected([hostile]));
    const row = rowOf(root, "x");
    expect(row.querySelector("img, b, script")).toBeNull();
    expect(row.querySelector(".book-name")?.textContent).toBe('<img src=x onerror="alert(1)">');
    expect(row.textContent).toContain("<script>alert(2)</script>");
    expect(alertText(root)).toBe("");
  });

  it("bookTitle drops the owner suffix Thunderbird's name carries, only for shared books", () => {
    expect(bookTitle(CLIENTS)).toBe("Clients");
    expect(bookTitle(MINE)).toBe("Mes contacts");
    expect(bookTitle({ ...CLIENTS, name: "Clients" })).toBe("Clients");
  });
});
