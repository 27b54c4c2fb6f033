// One sequence of the model-based test (two-way.model.test.ts, model-replays.test.ts): a world
// where each book holds two synced contacts, the commands run against it with the model checking
// each agreement, then the quiet phase and the final promises (model-invariants.ts).
import fc from "fast-check";
import { History } from "./model-history.ts";
import { checkFinal, checkRefused, checkSecrets } from "./model-invariants.ts";
import { checkPhotos } from "./model-photo-commands.ts";
import { keyOfEmail, readView, vCardProperties, type WorldView } from "./model-view.ts";
import { fateOf } from "./model-rules.ts";
import { checkReleases } from "./model-release.ts";
import { serverCard } from "./model-commands.ts";
import { MODEL_BOOKS, ModelWorld } from "./model-world.ts";

/** Syncs of the quiet phase: enough for a merge that needs one more push, and its echo. */
const QUIET_ROUNDS = 8;
export async function runSequence(commands: Iterable<fc.AsyncCommand<History, ModelWorld>>): Promise<void> {
  const world = await ModelWorld.create();
  const history = new History();
  const began = performance.now();
  try {
    await start(world, history);
    await fc.asyncModelRun(() => ({ model: history, real: world }), commands);
    const problems = [...(await quiesce(world, history)), ...(await leftBehind(world, history))];
    const view = await readView(world);
    const lines = world.lines.map((l) => l.message);
    problems.push(...checkFinal(history, view, lines), ...(await checkRefused(history, world, view, lines)), ...(await checkPhotos(history, world, view)), ...checkSecrets(world));
    if (problems.length > 0) throw new Error(`after the quiet phase:\n${problems.join("\n")}\n\ntrace:\n${history.trace.join("\n")}`);
  } finally {
    await world.close();
    if (process.env.MODEL_VERBOSE === "1") console.log(`sequence of ${String(history.trace.length)} commands: ${(performance.now() - began).toFixed(0)} ms`);
  }
}

/** Two contacts in each book, synced once: where every sequence starts. */
async function start(world: ModelWorld, history: History): Promise<void> {
  for (const book of MODEL_BOOKS) {
    for (let i = 0; i < 2; i++) {
      const key = history.newKey("s");
      const fields = { title: history.value("title", key), note: history.value("note", key), role: history.value("role", key), nickname: history.value("nickname", key) };
      world.fake.control.createCard(book, `card-${key}`, serverCard(key, fields));
      history.addContact(key, book, "server", fields);
    }
  }
  const first = await world.sync();
  if (!first.ok) throw new Error(`the first sync failed: ${String(first.error)}`);
  const problems = [...(await checkReleases(history, world)), ...history.observe(await readView(world), true, [])];
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

function fingerprint(view: WorldView, store: Record<string, unknown>): string {
  const queues = Object.entries(store).filter(([key]) => key.startsWith("sync.queue."));
  return JSON.stringify([
    Object.entries(view).map(([book, v]) => [book, [...v.server.contacts], [...v.server.lists], v.local === null ? null : [[...v.local.contacts], [...v.local.lists]]]),
    queues,
  ]);
}

/**
 * Healthy network, every book synced, syncs until a round changes nothing. A release a crash cut
 * short is finished by the first of these syncs: checked like any other.
 */
async function quiesce(world: ModelWorld, history: History): Promise<string[]> {
  world.fake.control.clearFaults();
  for (const book of MODEL_BOOKS) if (!world.syncOn(book)) world.setSync(book, true);
  let before = "";
  for (let round = 0; round < QUIET_ROUNDS; round++) {
    const attempt = await world.sync();
    const released = await checkReleases(history, world);
    if (released.length > 0) return released;
    const now = fingerprint(await readView(world), world.tb.storeSnapshot());
    if (attempt.ok && now === before) return [];
    before = now;
  }
  return [`no quiet state after ${String(QUIET_ROUNDS)} syncs on a healthy network`];
}

/**
 * Books the add-on left behind (a detached copy of a book whose sync went off). Tolerated there: a
 * contact BlueMind deleted while it was edited here (the conflict is logged; sync off keeps it
 * rather than deleting it).
 */
async function leftBehind(world: ModelWorld, history: History): Promise<string[]> {
  const synced = new Set<string>();
  for (const book of MODEL_BOOKS) {
    const id = await world.localBookOf(book);
    if (id !== null) synced.add(id);
  }
  const problems: string[] = [];
  for (const book of await world.tb.asUser.listBooks()) {
    // Plain books a Disconnect left were checked then (model-release.ts).
    if (synced.has(book.id) || world.plainBooks.has(book.id) || book.remote || ["Personal Address Book", "Collected Addresses"].includes(book.name)) continue;
    for (const contact of await world.tb.asUser.listContacts(book.id)) {
      const key = (vCardProperties(contact.vCard).get("EMAIL") ?? []).map(keyOfEmail).find((k) => k !== null) ?? null;
      const model = key === null ? undefined : history.contacts.get(key);
      // A contact BlueMind refused stays in Thunderbird, wherever its book went (checkRefused).
      if (model?.refused === true) continue;
      const deletedThere = model?.exists.writes.some((w) => w.side === "server" && !w.value) === true || (model !== undefined && fateOf(model) === "gone");
      if (!deletedThere) problems.push(`a local book "${book.name}" holds ${key ?? contact.id}`);
    }
  }
  return problems;
}

