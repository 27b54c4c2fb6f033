// What every command of the model-based test shares: a command names what it acts on by a number
// (`pick`), resolved when it runs against what the side then holds (sorted by model key), so that a
// shrunk sequence stays meaningful; a command with nothing to act on does nothing. Each records its
// writes in the History, then the history observes both sides and checks what they agree on
// (model-history.ts).
import fc from "fast-check";
import { inEnglish, isUserText } from "../../src/shared/user-text.ts";
import type { VCard } from "../../src/bluemind/models.ts";
import type { History, ListModel } from "./model-history.ts";
import { keyOfEmail, readView } from "./model-view.ts";
import { checkReleases } from "./model-release.ts";
import type { ModelBook, ModelWorld } from "./model-world.ts";

export type Outcome = { note?: string; cleanSync?: boolean };

export function describe(error: unknown): string {
  return isUserText(error) ? inEnglish(error) : String(error);
}

export abstract class ModelCommand implements fc.AsyncCommand<History, ModelWorld> {
  check(): boolean {
    return true;
  }

  async run(history: History, world: ModelWorld): Promise<void> {
    const outcome = await this.apply(history, world);
    await world.settle();
    history.trace.push(`${String(history.step)}. ${this.toString()}${outcome.note === undefined ? "" : ` → ${outcome.note}`}`);
    history.step++;
    const problems = await checkReleases(history, world);
    problems.push(...history.observe(await readView(world), outcome.cleanSync === true, world.lines.map((l) => l.message)));
    if (problems.length > 0) throw new Error(`after ${this.toString()}:\n${problems.join("\n")}\n\ntrace:\n${history.trace.join("\n")}`);
  }

  abstract apply(history: History, world: ModelWorld): Promise<Outcome>;
  abstract toString(): string;
}

// ───────────── what each side holds, sorted by model key ─────────────

export interface LocalContact {
  id: string;
  key: string;
  vCard: string;
}

export async function localContacts(world: ModelWorld, book: ModelBook): Promise<{ bookId: string; contacts: LocalContact[] } | null> {
  const bookId = await world.localBookOf(book);
  if (bookId === null) return null;
  const view = await readView(world);
  const local = view[book].local;
  if (local === null) return null;
  const ids = new Map([...local.contacts].flatMap(([key, copies]) => copies.map((c) => [c.id, key] as const)));
  const contacts: LocalContact[] = [];
  for (const contact of await world.tb.asUser.listContacts(bookId)) {
    const key = ids.get(contact.id);
    if (key !== undefined) contacts.push({ id: contact.id, key, vCard: contact.vCard });
  }
  contacts.sort((a, b) => a.key.localeCompare(b.key) || a.id.localeCompare(b.id));
  return { bookId, contacts };
}

export function serverContacts(world: ModelWorld, book: ModelBook): { uid: string; key: string; value: VCard }[] {
  return world
    .serverCards(book)
    .filter((c) => c.value.kind !== "group")
    .map((c) => ({ ...c, key: (c.value.communications?.emails ?? []).map((e) => keyOfEmail(e.value)).find((k) => k !== null) ?? "" }))
    .filter((c) => c.key !== "")
    .sort((a, b) => a.key.localeCompare(b.key) || a.uid.localeCompare(b.uid));
}

export function serverGroups(world: ModelWorld, book: ModelBook): { uid: string; name: string; value: VCard }[] {
  return world
    .serverCards(book)
    .filter((c) => c.value.kind === "group")
    .map((c) => ({ ...c, name: c.value.identification?.formatedName?.value ?? "" }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function pickOf<T>(items: readonly T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[pick % items.length];
}

export function listOf(history: History, name: string): ListModel | undefined {
  return history.lists.get(name);
}

