// The model of the model-based test: not a second sync engine, but the history of what each side
// wrote since both last agreed, from which the outcome the product promises follows.
//
// Per model contact and per field, a Track holds the base (the value both sides were last seen to
// agree on) and the writes made since, each by one side. Values written are unique (they carry the
// step number), so two sides showing the same value agree because the engine carried it over,
// never by chance: after every command, a field equal on both sides becomes the new base. The
// expected outcome is then the three-way rule of design.md: a field written on one side only since
// the base takes that side's last value; written on both to different values, the server's wins
// and the local value is in the activity log.
//
// A crash may lose the engine's own record of an agreement that the model did see (the design
// accepts it: "the merge then works without history: slower to agree, never silent"). So a base
// seen while a crash is not yet followed by a clean sync is "untrusted", and for it the rule is
// only "nothing lost silently": the final value is one of the values written or the base, and a
// local value that did not win is in the log.
//
// Mailing-list membership is a boolean per (list, contact) with the same tracks; since "both sides
// hold the contact" can happen without the engine (both add it), a membership base is only taken
// right after a clean sync.
import type { FIELDS, Field, WorldView } from "./model-view.ts";
import { checkField, checkMembership, fateOf, inLog, type Fate } from "./model-rules.ts";
import type { ModelBook } from "./model-world.ts";

export type Side = "local" | "server";

export interface Write<T> {
  side: Side;
  value: T;
  step: number;
  /** A side effect (a list member gone with its deleted contact), not a choice of its own. */
  implicit?: boolean;
}

export class Track<T> {
  writes: Write<T>[] = [];
  trusted = true;
  constructor(public base: T) {}

  write(side: Side, value: T, step: number, implicit = false): void {
    this.writes.push(implicit ? { side, value, step, implicit } : { side, value, step });
  }

  last(side: Side): Write<T> | undefined {
    return this.writes.filter((w) => w.side === side).at(-1);
  }

  agree(value: T, trusted: boolean): void {
    this.base = value;
    this.writes = [];
    this.trusted = trusted;
  }
}

export interface ContactModel {
  key: string;
  book: ModelBook;
  createdBy: Side;
  exists: Track<boolean>;
  fields: Record<(typeof FIELDS)[number], Track<string | null>>;
  /** Last value of the Thunderbird-only field written here. */
  custom1: string | null;
  /** Created here with an address BlueMind refuses: never on BlueMind, always in Thunderbird. */
  refused?: boolean;
}

export interface ListModel {
  name: string;
  book: ModelBook;
  createdBy: Side;
  /** Contact key → membership. */
  members: Map<string, Track<boolean>>;
}

export class History {
  readonly contacts = new Map<string, ContactModel>();
  readonly lists = new Map<string, ListModel>();
  /** Contacts and lists the add-on left to the user in a plain local book (Disconnect): out of the sync. */
  readonly detached = new Map<string, ContactModel | ListModel>();
  /** Each model book's synced local copy as last seen (model-release.ts checkReleases). */
  readonly localBookIds = new Map<ModelBook, string | null>();
  step = 0;
  private counter = 0;
  /** A crash happened and no clean sync followed yet. */
  uncertain = false;
  /** Commands as run, with what they resolved to, for the failure report. */
  readonly trace: string[] = [];

  newKey(prefix: "c" | "s"): string {
    return `${prefix}${++this.counter}`;
  }

  newListName(prefix: "ML" | "SG"): string {
    return `${prefix}${++this.counter}`;
  }

  /** A value no other write uses (the trailing "e" keeps n1 from being a prefix of n12). */
  value(field: Field | "custom1", key: string): string {
    return `${field}-${key}-n${++this.counter}-e`;
  }

  addContact(key: string, book: ModelBook, side: Side, fields: Record<Field, string>): void {
    const exists = new Track(false);
    exists.write(side, true, this.step);
    const track = (v: string): Track<string | null> => {
      const t = new Track<string | null>(null);
      t.write(side, v, this.step);
      return t;
    };
    this.contacts.set(key, { key, book, createdBy: side, exists, custom1: null, fields: { title: track(fields.title), note: track(fields.note), role: track(fields.role), nickname: track(fields.nickname) } });
  }

  /** Out of the sync: what it holds stays in a plain local book, the sync goes on without it. */
  detach(key: string): void {
    const item = this.contacts.get(key) ?? this.lists.get(key);
    if (item === undefined) return;
    this.contacts.delete(key);
    this.lists.delete(key);
    this.detached.set(key, item);
  }

  addList(name: string, book: ModelBook, side: Side): ListModel {
    const list: ListModel = { name, book, createdBy: side, members: new Map() };
    this.lists.set(name, list);
    return list;
  }

  member(list: ListModel, key: string): Track<boolean> {
    let track = list.members.get(key);
    if (track === undefined) {
      track = new Track(false);
      list.members.set(key, track);
    }
    return track;
  }

  /**
   * After each command: what both sides now show the same becomes the base, once checked against
   * the rules (model-rules.ts). Returns the violations.
   */
  observe(view: WorldView, afterCleanSync: boolean, lines: readonly string[]): string[] {
    if (afterCleanSync) this.uncertain = false;
    const trusted = !this.uncertain;
    const problems: string[] = [];
    for (const contact of this.contacts.values()) {
      // Only ever in Thunderbird: checked at the end (model-invariants.ts).
      if (contact.refused === true) continue;
      const { server, local } = view[contact.book];
      const there = server.contacts.get(contact.key) ?? [];
      const label = `${contact.key} (${contact.createdBy}-born, ${contact.book})`;
      const fate = fateOf(contact);
      if (local === null) {
        // Sync off: the local copy went, with what only Thunderbird held, after its changes were
        // pushed; BlueMind's copy is now what both sides last agreed on.
        contact.custom1 = null;
        problems.push(...this.agreeOn(label, contact, fate, there.length === 1 ? (there[0]?.fields ?? null) : null, there.length === 0, trusted, lines));
        continue;
      }
      const here = local.contacts.get(contact.key) ?? [];
      const [s, l] = [there[0], here[0]];
      const both = there.length === 1 && here.length === 1 && s !== undefined && l !== undefined;
      if (!both && !(there.length === 0 && here.length === 0)) continue;
      // Agreement on each field the sides show alike.
      const agreed: Partial<Record<Field, string | null>> = {};
      if (both) for (const field of Object.keys(s.fields) as Field[]) if (s.fields[field] === l.fields[field]) agreed[field] = s.fields[field];
      problems.push(...this.agreeOn(label, contact, fate, both ? agreed : null, !both, trusted, lines));
    }
    if (!afterCleanSync) return problems;
    for (const list of this.lists.values()) {
      const { server, local } = view[list.book];
      const s = server.lists.get(list.name);
      const l = local?.lists.get(list.name);
      if (s?.length !== 1 || l?.length !== 1 || s[0] === undefined || l[0] === undefined) continue;
      const there = new Set(s[0].members);
      const here = new Set(l[0].members);
      for (const key of new Set([...there, ...here, ...list.members.keys()])) {
        if (there.has(key) !== here.has(key)) continue;
        const track = this.member(list, key);
        const contact = this.contacts.get(key);
        const present = contact !== undefined && (view[contact.book].server.contacts.get(key)?.length ?? 0) > 0;
        // A contact deleted here that BlueMind brings back (it was changed there) may come back
        // into its lists too: the deletion lost, and the membership it took away with it.
        const cameBack = track.last("local")?.implicit === true;
        if (track.writes.length > 0 && present && !cameBack) problems.push(...checkMembership(`list ${list.name}: ${key}`, track, there.has(key)));
        track.agree(there.has(key), true);
      }
    }
    return problems;
  }

  /** Both sides hold the contact, with `fields` shown alike (the others left out), or neither (`gone`). */
  private agreeOn(label: string, contact: ContactModel, fate: Fate, fields: Partial<Record<Field, string | null>> | null, gone: boolean, trusted: boolean, lines: readonly string[]): string[] {
    if (gone) {
      const problems = contact.exists.writes.length > 0 ? this.checkGone(label, contact, fate, lines) : [];
      contact.exists.agree(false, trusted);
      return problems;
    }
    if (fields === null) return [];
    const problems: string[] = [];
    if (contact.exists.writes.length > 0 && fate === "gone") problems.push(`${label}: deleted, yet back on both sides`);
    // Back from BlueMind after a deletion here: what only Thunderbird held went with the deletion.
    if (fate === "comes-back" || fate === "gone-or-back") contact.custom1 = null;
    contact.exists.agree(true, trusted);
    for (const [field, track] of Object.entries(contact.fields) as [Field, Track<string | null>][]) {
      const value = fields[field];
      if (value === undefined) continue;
      if (track.writes.length > 0 && fate !== "comes-back" && fate !== "gone-or-back") problems.push(...checkField(`${label}.${field}`, track, value, lines));
      track.agree(value, trusted);
    }
    return problems;
  }

  /** Both sides lost the contact: it must have been deleted, and an edit BlueMind's deletion beat logged. */
  private checkGone(label: string, contact: ContactModel, fate: Fate, lines: readonly string[]): string[] {
    if (fate !== "gone" && fate !== "gone-or-back") return [`${label}: lost on both sides (should be ${fate})`];
    // An edit the user then deleted here is no lost edit.
    const deleted = (side: Side): boolean => contact.exists.writes.some((w) => w.side === side && !w.value);
    if (!deleted("server") || deleted("local")) return [];
    const problems: string[] = [];
    for (const [field, track] of Object.entries(contact.fields)) {
      const mine = track.last("local");
      if (mine !== undefined && mine.value !== null && !inLog(lines, mine.value)) problems.push(`${label}: deleted on BlueMind; the local ${field} ${mine.value} is not in the activity log`);
    }
    return problems;
  }
}
