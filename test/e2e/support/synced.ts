// Helpers of the synced-book end-to-end tests: start the add-on against the fake BlueMind, follow
// its sync through the summary it gives a companion extension the policy lists (the probe asks
// with runtime.sendMessage; onMessageExternal answers getState / syncNow only, with states and
// counts, no values), read the fake's request log per book, and say what
// a local book must hold, computed from the server's cards independently of the sync engine
// (only the id derivation is shared: that ids are derived is the contract under test).
import type { ItemValue, VCard } from "../../../src/bluemind/models.ts";
import type { CompanionBookStatus, CompanionStatus } from "../../../src/shared/status.ts";
import { contactIdFor, memberContactIdFor } from "../../../src/sync/contact-uid.ts";
import type { FakeBlueMind, RequestLogEntry } from "../../fake-bluemind/index.ts";
import type { ProbeClient, ProbeContact } from "../../thunderbird/probe.ts";
import { startThunderbird, type StartOptions, type ThunderbirdInstance } from "../../thunderbird/runner.ts";
import { ADDON_ID, builtAddonXpi, policiesFor } from "./addon.ts";

export const JANE = { login: "jdoe@example.com", uid: "u-jdoe" };

export interface AddonStart {
  probe: ProbeClient;
  /** Reuse a profile (restart); default: a fresh one. */
  profileDir?: string;
  login?: string;
  extra?: Partial<StartOptions>;
}

/** Thunderbird with the probe and the add-on, pre-configured by policy for `fake`; probe ready. */
export async function startAddon(fake: FakeBlueMind, options: AddonStart): Promise<ThunderbirdInstance> {
  const login = options.login ?? JANE.login;
  const apiKey = fake.control.datasetInfo().apiKeys[login];
  if (!apiKey) throw new Error(`no API key for ${login} in the dataset`);
  const tb = await startThunderbird({
    addons: [options.probe.addon, builtAddonXpi()],
    profileDir: options.profileDir,
    policies: policiesFor({ serverUrl: fake.url, login, apiKey }),
    ...options.extra,
  });
  await options.probe.waitForReady();
  return tb;
}

/** The add-on's answer to a companion's getState (undefined or null when it gives none). */
export async function companionAnswer(probe: ProbeClient): Promise<{ ok: boolean; value?: CompanionStatus } | null | undefined> {
  return probe.call<{ ok: boolean; value?: CompanionStatus } | null | undefined>("runtime.sendMessage", ADDON_ID, { type: "getState" });
}

/** The status summary the add-on gives the probe, a companion the test policy lists. */
export async function addonStatus(probe: ProbeClient): Promise<CompanionStatus> {
  const answer = await companionAnswer(probe);
  if (!answer) throw new Error("the add-on did not answer getState (is its background page up? is the probe listed in companionExtensions?)");
  if (!answer.ok || !answer.value) throw new Error("getState failed");
  return answer.value;
}

/** Sends "sync now" (what the options page's button sends); returns the time just before. */
export async function requestSync(probe: ProbeClient): Promise<number> {
  const at = Date.now();
  await probe.call("runtime.sendMessage", ADDON_ID, { type: "syncNow" });
  return at;
}

/**
 * Waits until a sync that started at or after `after` (epoch ms; the add-on runs on this machine's
 * clock) has ended, and returns the status then.
 */
export async function waitForSync(probe: ProbeClient, after: number, timeoutMs = 60_000): Promise<CompanionStatus> {
  return probe.waitFor(
    async () => {
      const status = await addonStatus(probe);
      const started = status.lastSyncStarted;
      const ended = status.lastSyncEnded;
      return !status.syncing && started !== null && started >= after && ended !== null && ended >= started ? status : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `a sync started after ${new Date(after).toISOString()} to end` },
  );
}

/** Asks for a sync and waits for it to end. */
export async function syncAndWait(probe: ProbeClient, timeoutMs?: number): Promise<CompanionStatus> {
  return waitForSync(probe, await requestSync(probe), timeoutMs);
}

/** Waits for the first sync after start (the add-on starts it by itself ≈1.5 s after start). */
export function waitForFirstSync(probe: ProbeClient, startedAt: number, timeoutMs?: number): Promise<CompanionStatus> {
  return waitForSync(probe, startedAt, timeoutMs);
}

export function bookStatus(status: CompanionStatus, containerUid: string): CompanionBookStatus {
  const book = status.books.find((b) => b.containerUid === containerUid);
  if (!book) throw new Error(`no status for ${containerUid}; books: ${status.books.map((b) => b.containerUid).join(", ")}`);
  return book;
}

/** A contact as the user creates it in Thunderbird: a name and one email. */
export function personVCard(name: string, email: string): string {
  return `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${name}\r\nEMAIL:${email}\r\nEND:VCARD`;
}

/** Replaces (or adds) one property of a vCard as Thunderbird returned it. */
export function withProperty(vCard: string, name: string, value: string): string {
  const lines = vCard.replace(/\r?\n[ \t]/g, "").split(/\r?\n/).filter((l) => l !== "" && !new RegExp(`^${name}[;:]`, "i").test(l));
  lines.splice(lines.findIndex((l) => /^END:VCARD/i.test(l)), 0, `${name}:${value}`);
  return lines.join("\r\n");
}

// ───────────── request log ─────────────

/** Requests to `/api/addressbooks/<containerUid>/…`, from `fromIndex` of the log on. */
export function bookRequests(fake: FakeBlueMind, containerUid: string, fromIndex = 0): RequestLogEntry[] {
  const prefix = `/api/addressbooks/${encodeURIComponent(containerUid)}/`;
  return fake.requests.slice(fromIndex).filter((r) => r.path.startsWith(prefix));
}

/** The `since` of each _changeset request of that book. */
export function changesetSinces(requests: readonly RequestLogEntry[]): number[] {
  return requests
    .filter((r) => r.method === "GET" && /\/_changeset(\?|$)/.test(r.path))
    .map((r) => Number(new URL(r.path, "http://x").searchParams.get("since") ?? "0"));
}

export function countOf(requests: readonly RequestLogEntry[], method: string, suffix: RegExp): number {
  return requests.filter((r) => r.method === method && suffix.test(r.path.split("?")[0] ?? "")).length;
}

// ───────────── what a synced book must hold ─────────────

export interface ExpectedContact {
  id: string;
  /** BlueMind item uid, or "mailto:<email>" for a contact made for a bare group member. */
  source: string;
  displayName: string;
  primaryEmail: string | null;
  /** Every email of the card, lower-case (the server lower-cases them). */
  emails: string[];
  /** Plain-text note as shown (line breaks as \n); undefined when the note is HTML. */
  note: string | null | undefined;
  firstName: string | null;
  lastName: string | null;
}

export interface ExpectedList {
  name: string;
  /** Primary emails of its members. */
  memberEmails: string[];
}

export interface ExpectedBook {
  contacts: Map<string, ExpectedContact>;
  lists: ExpectedList[];
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function defaultEmail(card: VCard): string | null {
  const emails = card.communications?.emails ?? [];
  const chosen = emails.find((e) => e.parameters?.some((p) => p.label === "DEFAULT" && p.value === "true")) ?? emails[0];
  return chosen ? chosen.value.toLowerCase() : null;
}

function noteOf(card: VCard): string | null | undefined {
  const note = text(card.explanatory?.note);
  if (note === null) return null;
  // HTML is made readable by the converter: checked separately (no tags left).
  if (/<[a-z][^>]*>/i.test(note)) return undefined;
  return note.replace(/\r\n?/g, "\n");
}

/** The contacts and lists the local copy of `containerUid` must hold, from the fake's state. */
export async function expectedBook(fake: FakeBlueMind, containerUid: string): Promise<ExpectedBook> {
  const book = fake.state.books.get(containerUid);
  if (!book) throw new Error(`no book ${containerUid} on the fake server`);
  const contacts = new Map<string, ExpectedContact>();
  const lists: ExpectedList[] = [];
  const items: Pick<ItemValue<VCard>, "uid" | "value">[] = [...book.items.values()].map((item) => ({ uid: item.uid, value: item.value }));
  for (const item of items) {
    if (item.value.kind === "group") continue;
    const id = await contactIdFor(containerUid, item.uid);
    contacts.set(id, {
      id,
      source: item.uid,
      displayName: item.value.identification?.formatedName?.value ?? "",
      primaryEmail: defaultEmail(item.value),
      emails: (item.value.communications?.emails ?? []).map((e) => e.value.toLowerCase()),
      note: noteOf(item.value),
      firstName: text(item.value.identification?.name?.givenNames),
      lastName: text(item.value.identification?.name?.familyNames),
    });
  }
  const byUid = new Map(items.map((i) => [i.uid, i.value]));
  for (const group of items.filter((i) => i.value.kind === "group")) {
    const memberEmails = new Set<string>();
    for (const member of group.value.organizational?.member ?? []) {
      const sameBook = member.containerUid === containerUid && member.itemUid !== null && byUid.has(member.itemUid);
      if (sameBook) {
        // Thunderbird lists only contacts with a primary email.
        const email = defaultEmail(byUid.get(member.itemUid as string) as VCard);
        if (email !== null) memberEmails.add(email);
        continue;
      }
      const email = text(member.mailto)?.trim().toLowerCase();
      if (!email) continue;
      memberEmails.add(email);
      const id = await memberContactIdFor(containerUid, email);
      contacts.set(id, {
        id,
        source: `mailto:${email}`,
        displayName: text(member.commonName)?.trim() ?? email,
        primaryEmail: email,
        emails: [email],
        note: null,
        firstName: null,
        lastName: null,
      });
    }
    lists.push({ name: group.value.identification?.formatedName?.value ?? "", memberEmails: [...memberEmails].sort() });
  }
  return { contacts, lists };
}

/** Differences between a local book's contacts and what it must hold (empty = identical). */
export function contactDifferences(actual: readonly ProbeContact[], expected: ExpectedBook): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const contact of actual) {
    if (seen.has(contact.id)) problems.push(`duplicate contact id ${contact.id}`);
    seen.add(contact.id);
    const want = expected.contacts.get(contact.id);
    if (!want) {
      problems.push(`unexpected contact ${contact.id} (${contact.properties.DisplayName ?? "?"})`);
      continue;
    }
    const p = contact.properties;
    const field = (name: string, got: string | null | undefined, wanted: string | null): void => {
      if ((got ?? null) !== wanted) problems.push(`${want.source}: ${name} is ${JSON.stringify(got ?? null)}, expected ${JSON.stringify(wanted)}`);
    };
    field("DisplayName", p.DisplayName, want.displayName);
    field("PrimaryEmail", p.PrimaryEmail, want.primaryEmail);
    if (want.note !== undefined) field("Notes", p.Notes, want.note);
    else if (/<[a-z][^>]*>/i.test(p.Notes ?? "") || !p.Notes) problems.push(`${want.source}: HTML note not made readable: ${JSON.stringify(p.Notes)}`);
    if (want.source.startsWith("mailto:")) continue;
    field("FirstName", p.FirstName, want.firstName);
    field("LastName", p.LastName, want.lastName);
    const vCardEmails = (p.vCard ?? "").split(/\r?\n/).filter((line) => /^EMAIL[;:]/i.test(line)).length;
    if (vCardEmails !== want.emails.length) problems.push(`${want.source}: ${vCardEmails} EMAIL lines, expected ${want.emails.length}`);
  }
  for (const id of expected.contacts.keys()) if (!seen.has(id)) problems.push(`missing contact ${expected.contacts.get(id)?.source} (${id})`);
  return problems;
}

/** Local lists of a book with their members' primary emails, sorted, comparable with ExpectedList[]. */
export async function localLists(probe: ProbeClient, bookId: string): Promise<ExpectedList[]> {
  const lists = await probe.listMailingLists(bookId);
  const out: ExpectedList[] = [];
  for (const list of lists) {
    const members = await probe.listMembers(list.id);
    out.push({ name: list.name, memberEmails: members.map((m) => m.properties.PrimaryEmail ?? "").sort() });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function sortLists(lists: readonly ExpectedList[]): ExpectedList[] {
  return [...lists].sort((a, b) => a.name.localeCompare(b.name));
}

/** The single local (non-remote) book called `name`; fails when there are none or several. */
export async function localBookNamed(probe: ProbeClient, name: string): Promise<{ id: string; name: string }> {
  const books = (await probe.listBooks()).filter((b) => b.name === name);
  if (books.length !== 1 || books[0]?.remote) throw new Error(`expected one local book "${name}", found ${JSON.stringify(books)}`);
  return books[0] as { id: string; name: string };
}
