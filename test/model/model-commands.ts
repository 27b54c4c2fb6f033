// The commands of the model-based test that act on the add-on rather than on one side's data
// (syncs, crashes, Stop, Repair, faults, sync switched off and on, restarts), and the arbitraries of all.
import fc from "fast-check";
import type { FaultRule } from "../fake-bluemind/index.ts";
import type { History } from "./model-history.ts";
import { FIELDS, type Field } from "./model-view.ts";
import { MODEL_BOOKS, type ModelBook, type ModelWorld } from "./model-world.ts";
import { describe, ModelCommand, type Outcome } from "./model-command.ts";
import { LocalCreate, LocalDelete, LocalEdit, ServerCreate, ServerDelete, ServerEdit } from "./model-contact-commands.ts";
import { LocalListCreate, LocalListMember, ServerGroupCreate, ServerGroupMember } from "./model-list-commands.ts";
import { DailyCheck, Disconnect, SlowSync } from "./model-account-commands.ts";
import { LocalPhoto, PHOTO_COLOURS, ServerPhoto } from "./model-photo-commands.ts";

export { serverCard } from "./model-contact-commands.ts";

// ───────────── syncs, crashes, faults, switches ─────────────

export class Sync extends ModelCommand {
  async apply(_history: History, world: ModelWorld): Promise<Outcome> {
    const attempt = await world.sync();
    return { note: attempt.ok ? "ok" : `failed: ${describe(attempt.error)}`, cleanSync: attempt.ok };
  }
  toString(): string {
    return "Sync";
  }
}

export class CrashingSync extends ModelCommand {
  constructor(readonly at: number) {
    super();
  }
  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const attempt = await world.sync(this.at);
    if (attempt.crashed) history.uncertain = true;
    return { note: attempt.crashed ? "crashed, restarted" : attempt.ok ? "ran to its end" : `failed: ${describe(attempt.error)}` };
  }
  toString(): string {
    return `CrashingSync(${String(this.at)})`;
  }
}

/** The user stops a running sync at that point of it (the options page's Stop). */
export class StopSync extends ModelCommand {
  constructor(readonly at: number) {
    super();
  }
  async apply(_history: History, world: ModelWorld): Promise<Outcome> {
    const attempt = await world.stoppedSync(this.at);
    return { note: attempt.ok ? "ran to its end" : `stopped (${describe(attempt.error)})` };
  }
  toString(): string {
    return `StopSync(${String(this.at)})`;
  }
}

/** The user repairs a synced book (the options page's Repair): it is re-read whole and reconciled. */
export class Repair extends ModelCommand {
  constructor(readonly book: ModelBook) {
    super();
  }
  async apply(_history: History, world: ModelWorld): Promise<Outcome> {
    const attempt = await world.repair(this.book);
    if (!attempt.asked) return { note: "not synced: nothing to repair" };
    return { note: attempt.ok ? "repaired" : `failed: ${describe(attempt.error)}`, cleanSync: attempt.ok };
  }
  toString(): string {
    return `Repair(${this.book})`;
  }
}

const FAULT_PATHS = ["*/_changeset", "*/_mget", "*/_mupdates", "*/subscriptions/*", "*/_itemCount", "*"] as const;
const FAULT_KINDS: readonly Pick<FaultRule, "kind" | "status">[] = [{ kind: "status", status: 500 }, { kind: "status", status: 503 }, { kind: "drop" }, { kind: "expire" }];

export interface FaultSpec {
  path: number;
  kind: number;
  times: number;
}

export class FaultySync extends ModelCommand {
  constructor(readonly faults: FaultSpec[]) {
    super();
  }
  private rules(): FaultRule[] {
    return this.faults.map((f) => ({ pathPattern: FAULT_PATHS[f.path % FAULT_PATHS.length] ?? "*", times: f.times, ...FAULT_KINDS[f.kind % FAULT_KINDS.length] }) as FaultRule);
  }
  async apply(_history: History, world: ModelWorld): Promise<Outcome> {
    for (const rule of this.rules()) world.fake.control.injectFault(rule);
    try {
      const attempt = await world.sync();
      const signIn = attempt.signedInAgain === true ? ", the user signed in again" : "";
      return { note: attempt.ok ? "ok" : `failed: ${describe(attempt.error)}${signIn}` };
    } finally {
      world.fake.control.clearFaults();
    }
  }
  toString(): string {
    return `FaultySync(${this.rules()
      .map((r) => `${String(r.pathPattern)} ${r.kind}${r.status === undefined ? "" : ` ${String(r.status)}`} ×${String(r.times)}`)
      .join(", ")})`;
  }
}

export class ToggleSync extends ModelCommand {
  constructor(readonly book: ModelBook) {
    super();
  }
  async apply(_history: History, world: ModelWorld): Promise<Outcome> {
    const on = !world.syncOn(this.book);
    world.setSync(this.book, on);
    return { note: on ? "on" : "off" };
  }
  toString(): string {
    return `ToggleSync(${this.book})`;
  }
}

export class Restart extends ModelCommand {
  async apply(_history: History, world: ModelWorld): Promise<Outcome> {
    await world.restart();
    return {};
  }
  toString(): string {
    return "Restart";
  }
}

// ───────────── arbitraries ─────────────

const book = fc.constantFrom<ModelBook>(...MODEL_BOOKS);
const pick = fc.nat({ max: 99 });
const field = fc.constantFrom<Field>(...FIELDS);
const photoColour = fc.option(fc.nat({ max: PHOTO_COLOURS - 1 }), { nil: null, freq: 3 });

/** Kinds of command a run can leave out (while a bug they find is open: see the test file). */
export type CommandKind = "crash" | "stop" | "repair" | "photos" | "list-members" | "disconnect" | "disconnect-keep" | "sign-out-during-sync" | "daily-check" | "slow" | "refused";

/** What the user or another client does while an answer is slow. */
const meanwhile: fc.Arbitrary<ModelCommand> = fc.oneof(
  fc.tuple(book, pick, fc.constantFrom<Field | "custom1">(...FIELDS, "custom1")).map(([b, p, f]) => new LocalEdit(b, p, f)),
  fc.tuple(book, pick, field).map(([b, p, f]) => new ServerEdit(b, p, f)),
  fc.tuple(book, pick).map(([b, p]) => new LocalDelete(b, p)),
  fc.tuple(book, pick).map(([b, p]) => new ServerDelete(b, p)),
  book.map((b) => new LocalCreate(b)),
);

export function commandArbitraries(leftOut: ReadonlySet<CommandKind> = new Set()): fc.Arbitrary<fc.AsyncCommand<History, ModelWorld>>[] {
  const without = leftOut;
  const remove = without.has("disconnect-keep") ? fc.constant(true) : fc.boolean();
  const weighted: [number, fc.Arbitrary<fc.AsyncCommand<History, ModelWorld>>][] = [
    [3, book.map((b) => new LocalCreate(b))],
    [5, fc.tuple(book, pick, fc.constantFrom<Field | "custom1">(...FIELDS, "custom1")).map(([b, p, f]) => new LocalEdit(b, p, f))],
    [2, fc.tuple(book, pick).map(([b, p]) => new LocalDelete(b, p))],
    [3, book.map((b) => new ServerCreate(b))],
    [5, fc.tuple(book, pick, field).map(([b, p, f]) => new ServerEdit(b, p, f))],
    [2, fc.tuple(book, pick).map(([b, p]) => new ServerDelete(b, p))],
    [without.has("photos") ? 0 : 2, fc.tuple(book, pick, photoColour).map(([b, p, c]) => new LocalPhoto(b, p, c))],
    [without.has("photos") ? 0 : 1, fc.tuple(book, pick, photoColour).map(([b, p, c]) => new ServerPhoto(b, p, c))],
    [1, fc.tuple(book, fc.array(pick, { maxLength: 3 })).map(([b, p]) => new LocalListCreate(b, p))],
    [without.has("list-members") ? 0 : 2, fc.tuple(book, pick, pick, fc.boolean()).map(([b, l, p, add]) => new LocalListMember(b, l, p, add))],
    [1, fc.tuple(book, fc.array(pick, { maxLength: 3 })).map(([b, p]) => new ServerGroupCreate(b, p))],
    [without.has("list-members") ? 0 : 2, fc.tuple(book, pick, pick, fc.boolean()).map(([b, l, p, add]) => new ServerGroupMember(b, l, p, add))],
    [5, fc.constant(new Sync())],
    [without.has("crash") ? 0 : 3, fc.integer({ min: 1, max: 160 }).map((at) => new CrashingSync(at))],
    [without.has("stop") ? 0 : 2, fc.integer({ min: 1, max: 160 }).map((at) => new StopSync(at))],
    [without.has("repair") ? 0 : 1, book.map((b) => new Repair(b))],
    [2, fc.array(fc.record({ path: fc.nat(), kind: fc.nat(), times: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 2 }).map((f) => new FaultySync(f))],
    [1, book.map((b) => new ToggleSync(b))],
    [1, fc.constant(new Restart())],
    [without.has("refused") ? 0 : 1, book.map((b) => new LocalCreate(b, true))],
    [without.has("disconnect") ? 0 : 1, remove.map((r) => new Disconnect(r))],
    [without.has("sign-out-during-sync") ? 0 : 1, fc.tuple(remove, fc.integer({ min: 1, max: 160 })).map(([r, at]) => new Disconnect(r, at))],
    [without.has("daily-check") ? 0 : 1, fc.boolean().map((empty) => new DailyCheck(empty))],
    [without.has("slow") ? 0 : 2, fc.tuple(fc.integer({ min: 1, max: 30 }), meanwhile).map(([at, during]) => new SlowSync(at, during))],
  ];
  return weighted.flatMap(([weight, arbitrary]) => Array.from({ length: weight }, () => arbitrary));
}
