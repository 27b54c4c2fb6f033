// Photos in the model: the user sets or removes a contact's photo in Thunderbird; another client
// sets or removes one on BlueMind and saves the card (as BlueMind's web app does: a photo alone
// changes no version). Photos are solid colours, so a side's photo is known by its colour whatever
// encoding it went through (BlueMind re-encodes every photo as PNG). The final check
// (checkPhotos): both sides show the same photo, one that was written, and the last one written
// when only one side wrote (and the user did not delete the contact since).
import { PNG } from "pngjs";
import { solidPng } from "../fake-bluemind/png.ts";
import type { History } from "./model-history.ts";
import type { WorldView } from "./model-view.ts";
import type { ModelBook, ModelWorld } from "./model-world.ts";
import { localContacts, ModelCommand, pickOf, serverContacts, type Outcome } from "./model-command.ts";

const COLOURS: [number, number, number][] = [
  [220, 20, 20],
  [20, 200, 20],
  [20, 20, 220],
  [230, 200, 10],
];

export interface PhotoWrite {
  side: "local" | "server";
  /** Index in COLOURS; null for a removal. */
  colour: number | null;
}

/** Model key → the photo writes made to it, in order. */
export type PhotoLog = Map<string, PhotoWrite[]>;

const logs = new WeakMap<History, PhotoLog>();

export function photoLog(history: History): PhotoLog {
  let log = logs.get(history);
  if (log === undefined) {
    log = new Map();
    logs.set(history, log);
  }
  return log;
}

const deletedHere = new WeakMap<History, Set<string>>();

/**
 * The user deleted the contact: if it comes back (changed on BlueMind meanwhile), it is BlueMind's
 * copy, so the photos set here before no longer have to win.
 */
export function notePhotoDeletedHere(history: History, key: string): void {
  const keys = deletedHere.get(history) ?? new Set<string>();
  keys.add(key);
  deletedHere.set(history, keys);
}

function record(history: History, key: string, write: PhotoWrite): void {
  const log = photoLog(history);
  log.set(key, [...(log.get(key) ?? []), write]);
}

function describeColour(colour: number | null): string {
  return colour === null ? "none" : `colour ${String(colour)}`;
}

/** The colour of a solid photo; -1 for a photo of no model colour. */
function colourOf(bytes: Uint8Array | undefined): number | null {
  if (bytes === undefined) return null;
  try {
    const { data } = PNG.sync.read(Buffer.from(bytes));
    const index = COLOURS.findIndex(([r, g, b]) => data[0] === r && data[1] === g && data[2] === b);
    return index;
  } catch {
    return -1;
  }
}

/** A photo set (a model colour) or removed (null) on one side; the two sides differ in how. */
abstract class PhotoCommand extends ModelCommand {
  protected abstract readonly name: string;

  constructor(
    readonly book: ModelBook,
    readonly pick: number,
    readonly colour: number | null,
  ) {
    super();
  }

  /** The photo's bytes, null for a removal. */
  protected photo(): Uint8Array | null {
    const colour = this.colour === null ? null : (COLOURS[this.colour] ?? null);
    return colour === null ? null : solidPng(colour, 8);
  }

  protected done(history: History, key: string, side: "local" | "server"): Outcome {
    record(history, key, { side, colour: this.colour });
    return { note: `${key}: ${describeColour(this.colour)}` };
  }

  toString(): string {
    return `${this.name}(${this.book}, ${String(this.pick)}, ${String(this.colour)})`;
  }
}

export class LocalPhoto extends PhotoCommand {
  protected readonly name = "LocalPhoto";

  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const target = pickOf((await localContacts(world, this.book))?.contacts ?? [], this.pick);
    if (target === undefined || !history.contacts.has(target.key)) return { note: "no contact" };
    const photo = this.photo();
    if (photo === null) world.tb.removePhotoAsUser(target.id);
    else await world.tb.asUser.setContactPhoto(target.id, photo, "image/png");
    return this.done(history, target.key, "local");
  }
}

export class ServerPhoto extends PhotoCommand {
  protected readonly name = "ServerPhoto";

  async apply(history: History, world: ModelWorld): Promise<Outcome> {
    const target = pickOf(serverContacts(world, this.book), this.pick);
    if (target === undefined || !history.contacts.has(target.key)) return { note: "no card" };
    world.fake.control.setPhoto(this.book, target.uid, this.photo());
    world.fake.control.updateCard(this.book, target.uid, target.value);
    return this.done(history, target.key, "server");
  }
}

export const PHOTO_COLOURS = COLOURS.length;

/** Both sides of every contact that is on both show the same photo, one that was written. */
export async function checkPhotos(history: History, world: ModelWorld, view: WorldView): Promise<string[]> {
  const problems: string[] = [];
  for (const contact of history.contacts.values()) {
    const { server, local } = view[contact.book];
    const s = server.contacts.get(contact.key)?.[0];
    const l = local?.contacts.get(contact.key)?.[0];
    if (s === undefined || l === undefined || contact.refused === true) continue;
    const uid = serverContacts(world, contact.book).find((c) => c.key === contact.key)?.uid;
    const there = colourOf(uid === undefined ? undefined : world.fake.state.books.get(contact.book)?.photos.get(uid));
    const here = colourOf(world.tb.photoOf(l.id)?.bytes);
    const writes = photoLog(history).get(contact.key) ?? [];
    const label = `${contact.key} (${contact.book}) photo`;
    if (there !== here) problems.push(`${label}: BlueMind ${describeColour(there)}, Thunderbird ${describeColour(here)}`);
    if (here === -1 || there === -1) problems.push(`${label}: a photo nobody set`);
    const written = new Set<number | null>([null, ...writes.map((w) => w.colour)]);
    if (!written.has(here)) problems.push(`${label}: ${describeColour(here)} was never written`);
    const sides = new Set(writes.map((w) => w.side));
    const last = writes.at(-1);
    if (last !== undefined && sides.size === 1 && deletedHere.get(history)?.has(contact.key) !== true && here !== last.colour) problems.push(`${label}: ${describeColour(here)}, but the last write (${last.side}) was ${describeColour(last.colour)}`);
  }
  return problems;
}
