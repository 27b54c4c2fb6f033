// The commands of the model-based test that end the account's hold on its books or meet a server
// that answers badly at the wrong moment: Disconnect ("keep" or "remove local copies", then a
// sign-in with the same account), a sign-out while a sync runs (the run cancelled and waited for,
// as the background does), the daily full check answered by an empty `_all`, and a slow answer
// during which the user or another client edits.
import { FULL_CHECK_INTERVAL_MS } from "../../src/sync/pull/changeset-plan.ts";
import { QUEUE_PREFIX } from "../../src/sync/state/change-queue.ts";
import { SYNC_INDEX_KEY, parseIndex } from "../../src/sync/state/sync-state.ts";
import type { History } from "./model-history.ts";
import { DETACHED_MARK } from "./model-release.ts";
import { readView } from "./model-view.ts";
import { MODEL_BOOKS, type ModelBook, type ModelWorld } from "./model-world.ts";
import { describe, ModelCommand, type Outcome } from "./model-command.ts";

export class Disconnect extends ModelCommand {
  /** `cancelAt`: the sign-out comes at that point of a running sync (null: no sync runs). */
  constructor(
    readonly remove: boolean,
    readonly cancelAt: number | null = null,
  ) {
    super();
  }

  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    await world.settle();
    const booksBefore = new Set((await world.tb.asUser.listBooks()).map((b) => b.id));
    const { released, run, synced } = await world.signOut(this.remove, this.cancelAt ?? undefined);
    const problems: string[] = [];
    // The books released: those synced once the run stopped (it may have created or removed one).
    const localIds = new Map<ModelBook, string>();
    for (const book of MODEL_BOOKS) {
      const id = synced[book];
      if (id !== undefined) localIds.set(book, id);
    }
    const index = parseIndex(await world.tb.localStore.get(SYNC_INDEX_KEY));
    if (Object.keys(index.books).length > 0) problems.push(`books still synced after Disconnect: ${Object.keys(index.books).join(", ")}`);
    const leftovers = Object.keys(world.tb.storeSnapshot()).filter((key) => key.startsWith(QUEUE_PREFIX) || key.startsWith("sync.state."));
    if (leftovers.length > 0) problems.push(`state left after Disconnect: ${leftovers.join(", ")}`);
    const booksAfter = await world.tb.asUser.listBooks();
    for (const book of MODEL_BOOKS) {
      const id = localIds.get(book);
      const after = id === undefined ? undefined : booksAfter.find((b) => b.id === id);
      if (id !== undefined && !this.remove && after === undefined) problems.push(`${book}: its local book went at a Disconnect that keeps it`);
      if (this.remove && after !== undefined && !after.name.endsWith(DETACHED_MARK)) problems.push(`${book}: its local book "${after.name}" stayed as is at a Disconnect that removes it`);
    }
    // Nothing synced comes back by itself once signed out (a run that outlived its cancellation).
    const known = new Set([...booksBefore, ...Object.values(synced)]);
    for (const book of await world.tb.asUser.listBooks()) {
      if (!known.has(book.id)) problems.push(`a book "${book.name}" appeared during the sign-out`);
    }
    if (problems.length > 0) throw new Error(`after ${this.toString()}:\n${problems.join("\n")}\n\ntrace:\n${history.trace.join("\n")}`);
    const kept = released.filter((b) => b.keptIn !== null).map((b) => b.keptIn ?? "");
    const during = run === null ? "" : run.ok ? "sync ran to its end, " : `sync stopped (${describe(run.error)}), `;
    return { note: `${during}${this.remove ? `removed ${String(released.filter((b) => b.deleted).length)}` : "kept"}${kept.length > 0 ? `, kept in ${kept.join(", ")}` : ""}` };
  }

  toString(): string {
    return `${this.cancelAt === null ? "Disconnect" : `SignOutDuringSync(${String(this.cancelAt)})`}(${this.remove ? "remove" : "keep"})`;
  }
}

/** A day later: the daily full check compares with `_all`, which BlueMind may answer empty. */
export class DailyCheck extends ModelCommand {
  constructor(readonly emptyAll: boolean) {
    super();
  }

  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    world.clockOffset += FULL_CHECK_INTERVAL_MS + 1;
    const before = await readView(world);
    if (this.emptyAll) world.fake.control.injectFault({ kind: "empty", pathPattern: "*/_all", times: 10 });
    let attempt;
    try {
      attempt = await world.sync();
    } finally {
      world.fake.control.clearFaults();
    }
    if (this.emptyAll) {
      // One bad answer empties nothing: what was here and is still on BlueMind is still here.
      const after = await readView(world);
      const lost: string[] = [];
      for (const book of MODEL_BOOKS) {
        for (const key of before[book].local?.contacts.keys() ?? []) {
          if (after[book].server.contacts.has(key) && after[book].local !== null && after[book].local.contacts.has(key) !== true) lost.push(`${key} (${book})`);
        }
      }
      if (lost.length > 0) throw new Error(`after ${this.toString()}: deleted here by an empty _all: ${lost.join(", ")}\n\ntrace:\n${history.trace.join("\n")}`);
    }
    return { note: attempt.ok ? "ok" : `failed: ${describe(attempt.error)}`, cleanSync: attempt.ok && !this.emptyAll };
  }

  toString(): string {
    return `DailyCheck(${this.emptyAll ? "empty _all" : "healthy"})`;
  }
}

/**
 * A sync during which one request's answer is slow, and meanwhile `during` runs (an edit here or
 * on BlueMind): what was done meanwhile must reach both sides like any other change.
 */
export class SlowSync extends ModelCommand {
  constructor(
    readonly atRequest: number,
    readonly during: ModelCommand,
  ) {
    super();
  }

  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    let note = "the sync ended first";
    const problems: string[] = [];
    const attempt = await world.sync(Infinity, {
      atRequest: this.atRequest,
      run: async () => {
        // What the run made both sides agree on so far is the base of the edit made meanwhile (a
        // card pushed a moment ago and now edited on BlueMind is a later edit, not a conflict).
        problems.push(...history.observe(await readView(world), false, world.lines.map((l) => l.message)));
        note = (await this.during.apply(history, world)).note ?? "";
      },
    });
    if (problems.length > 0) throw new Error(`during ${this.toString()}:\n${problems.join("\n")}\n\ntrace:\n${history.trace.join("\n")}`);
    return { note: `${note}; ${attempt.ok ? "ok" : `failed: ${describe(attempt.error)}`}` };
  }

  toString(): string {
    return `SlowSync(request ${String(this.atRequest)}: ${this.during.toString()})`;
  }
}
