// The sequences the model-based test found failing (shrunk), replayed as they were printed, each
// with its letter: a fix that regresses shows here first, whatever the random test draws. The
// plain regression tests of the same bugs are in test/integration/twoway-model-regressions.test.ts.
// A slow answer's request number moves with the code, so those run at every request of a sync.
import type fc from "fast-check";
import { describe, it } from "vitest";
import { Disconnect, DailyCheck, SlowSync } from "./model-account-commands.ts";
import { CrashingSync, Restart, StopSync, Sync, ToggleSync } from "./model-commands.ts";
import { LocalCreate, LocalDelete, LocalEdit, ServerCreate, ServerDelete, ServerEdit } from "./model-contact-commands.ts";
import type { History } from "./model-history.ts";
import { LocalListCreate, LocalListMember, ServerGroupCreate, ServerGroupMember } from "./model-list-commands.ts";
import { runSequence } from "./model-sequence.ts";
import { CONTACTS_BOOK as C, WORK_BOOK as W, type ModelWorld } from "./model-world.ts";

type Command = fc.AsyncCommand<History, ModelWorld>;

/** Requests of a sync of the model's world, each of which a slow answer may be. */
const REQUESTS = 14;
const everyRequest = (make: (at: number) => Command[]): Command[][] => Array.from({ length: REQUESTS }, (_, i) => make(i + 1));

const FOUND: [string, Command[][]][] = [
  ["I", [[new Disconnect(false), new ServerGroupCreate(C, [0]), new Sync(), new LocalListMember(C, 0, 0, false), new LocalEdit(C, 0, "title")]]],
  ["J", [[new ServerCreate(C), new LocalListCreate(C, [0]), new Sync(), new ServerGroupCreate(C, [0]), new Disconnect(true, 1), new ServerDelete(C, 0), new ServerDelete(C, 1), new CrashingSync(82), new ServerGroupMember(C, 0, 0, false), new CrashingSync(1)]]],
  ["K", everyRequest((at) => [new ServerGroupCreate(C, [0]), new LocalCreate(C, true), new Disconnect(true), new SlowSync(at, new LocalDelete(C, 0)), new LocalListMember(C, 0, 0, false)])],
  ["L", [[new ToggleSync(W), new LocalDelete(W, 0), new Restart(), new CrashingSync(52)]]],
  ["M", everyRequest((at) => [new ServerEdit(C, 0, "title"), new LocalEdit(C, 0, "role"), new LocalDelete(C, 0), new ToggleSync(C), new SlowSync(at, new LocalEdit(C, 0, "title"))])],
  ["N", [[new ToggleSync(C), new ServerEdit(C, 0, "title"), new LocalEdit(C, 0, "nickname"), new LocalDelete(C, 0), new DailyCheck(false)]]],
  ["O", [[new ToggleSync(C), new CrashingSync(1), new CrashingSync(44), new ServerGroupCreate(C, [])]]],
  ["P", everyRequest((at) => [new ServerEdit(W, 21, "title"), new SlowSync(at, new LocalDelete(W, 75)), new ServerCreate(W)])],
  ["Q", [[new LocalEdit(C, 0, "custom1"), new LocalCreate(C, true), new Sync(), new ToggleSync(C), new CrashingSync(28), new ServerEdit(C, 0, "title")]]],
  ["R", [[new ToggleSync(W), new LocalCreate(W, true), new CrashingSync(54), new Disconnect(false, 1)]]],
  ["S", [[new LocalEdit(C, 7, "title"), new LocalDelete(C, 45), new ServerCreate(C), new ServerEdit(C, 8, "role"), new Disconnect(false)]]],
  ["U", everyRequest((at) => [new LocalCreate(W), new LocalDelete(W, 46), new SlowSync(at, new LocalDelete(W, 0))])],
  ["V", everyRequest((at) => [new LocalCreate(C), new LocalDelete(C, 25), new SlowSync(at, new ServerEdit(C, 0, "title"))])],
  ["W", everyRequest((at) => [new LocalDelete(C, 0), new Disconnect(false, 1), new CrashingSync(49), new SlowSync(at, new ServerDelete(C, 0)), new LocalEdit(C, 0, "title"), new Sync()])],
  ["X", [[new SlowSync(1, new LocalDelete(C, 0)), new LocalCreate(C), new LocalListCreate(C, []), new CrashingSync(44), new ServerGroupMember(C, 0, 0, true), new LocalEdit(C, 0, "title")]]],
  ["Y", [[new ToggleSync(W), new CrashingSync(22), new LocalEdit(W, 0, "nickname"), new SlowSync(1, new ServerEdit(W, 0, "nickname"))]]],
  ["Z", [[new ServerCreate(C), new CrashingSync(24), new ServerDelete(C, 0), new ServerDelete(C, 0)]]],
  ["Z2", [[new LocalEdit(C, 0, "title"), new LocalEdit(W, 93, "title"), new LocalCreate(W), new CrashingSync(68), new LocalDelete(W, 20), new ServerDelete(C, 0)]]],
  ["AA", [[new LocalListCreate(C, [1]), new SlowSync(1, new LocalEdit(C, 0, "title")), new ServerDelete(C, 21), new CrashingSync(58), new Restart()]]],
  ["AB", everyRequest((at) => [new LocalEdit(W, 0, "title"), new ToggleSync(W), new SlowSync(at, new LocalDelete(W, 0)), new Disconnect(false)])],
  ["T", [[new ToggleSync(C), new CrashingSync(22), new Disconnect(false)], [new ToggleSync(C), new CrashingSync(28), new Disconnect(false)]]],
];

/** A crash or cancel point moves with the code: these are tried around the one printed. */
const aroundPoint = (point: number, make: (at: number) => Command[]): Command[][] => Array.from({ length: 41 }, (_, i) => make(Math.max(1, point - 20 + i)));

/**
 * Found by soak at the end of the 2026-12-03 session (seeds 77, 1357, 10101, and 11 once a
 * Thunderbird call less moved the crash points), fixed the next session:
 *  - AC: a run recorded contacts and died before computing their hashes; an edit typed during the
 *    next sync was taken for no change and overwritten by BlueMind's card;
 *  - AD: a sign-out stopped a pull while it wrote a list's members: the list was taken for the
 *    user's and kept, with a card BlueMind has, in a "(not saved on BlueMind)" book;
 *  - AE: a group member BlueMind removed after a crashed pull wrote the list stayed here (taken
 *    for the user's addition) and was sent back;
 *  - AF: a contact deleted here after a crashed pull brought BlueMind's edit of it stayed on
 *    BlueMind only (push and pull judged the deletion by different bases).
 *  - AG (seed 55555, the next session's soak): a first sync after a new sign-in, cut by a crash,
 *    left contacts without record or base; an edit of one lost to BlueMind's card at the next
 *    pull (logged, but neither sent nor kept when the book was then released).
 *  - AH (seed 31415): the model's own rule — a contact born here, deleted here while its add was on
 *    its way, then edited on BlueMind: it comes back (BlueMind's change wins), as the product did;
 *  - AI (seed 31415): the model's own rule too — a contact BlueMind deleted, edited here while
 *    the book's sync went off: the release keeps the edited copy in the user's plain book.
 *  - AJ (CI seed 11 once Stop joined the commands): a list member deleted here, the sync stopped
 *    between the contact's push and the list's; the next run took BlueMind's address member left by
 *    the deleted card for one added there, and the list and the group never agreed again;
 *  - AK (CI seed 11 once Repair joined the commands): the model's own rule — after a
 *    crash with no clean sync since, the release check did not accept what a sync's check does
 *    (model-history.ts "untrusted"): an edit lost to BlueMind's change with its value logged.
 *  - AL (seed 77 once photos joined the commands; also on the code before them): a contact edited
 *    on both sides, the push merged it (BlueMind's value won) and wrote the merge into Thunderbird
 *    over an edit the user typed during the push's round trips: lost without a trace. Fixed: the
 *    merge is written only over the copy it read; otherwise the edit is merged at the next push.
 */
const FOUND_BY_SOAK: [string, Command[][]][] = [
  ["AC", aroundPoint(116, (at) => [new ServerGroupCreate(W, []), new Disconnect(false), new CrashingSync(1), new ServerCreate(C), new CrashingSync(at), new SlowSync(1, new LocalEdit(W, 0, "title"))])],
  ["AD", aroundPoint(61, (at) => [new LocalListCreate(C, [0]), new LocalListCreate(C, [0, 57]), new Disconnect(true, 1), new ServerDelete(C, 0), new Disconnect(true, at), new Sync()])],
  ["AE", aroundPoint(62, (at) => [new LocalCreate(C), new DailyCheck(true), new ServerGroupCreate(C, [0]), new ServerEdit(C, 94, "title"), new CrashingSync(at), new ServerGroupMember(C, 0, 0, false), new ServerEdit(C, 0, "title")])],
  ["AG", aroundPoint(56, (at) => [new Disconnect(false), new CrashingSync(at), new LocalEdit(C, 0, "title"), new Disconnect(false, 41)])],
  ["AH", everyRequest((at) => [new LocalCreate(C), new LocalCreate(W), new SlowSync(at, new LocalDelete(W, 0)), new ServerEdit(W, 0, "title"), new LocalCreate(C)])],
  ["AI", everyRequest((at) => [new ServerDelete(W, 0), new ToggleSync(W), new SlowSync(at, new LocalEdit(W, 0, "title"))])],
  ["AJ", aroundPoint(30, (at) => [new LocalListCreate(C, [73]), new Sync(), new LocalDelete(C, 9), new StopSync(at)])],
  ["AK", aroundPoint(32, (at) => [new ServerEdit(C, 0, "title"), new CrashingSync(at), new LocalEdit(C, 0, "title"), new Disconnect(false, 1)])],
  ["AL", everyRequest((at) => [new LocalCreate(W, true), new LocalCreate(C), new LocalEdit(W, 44, "title"), new ServerEdit(W, 9, "title"), new SlowSync(at, new LocalEdit(W, 11, "title"))])],
  ["AF", aroundPoint(56, (at) => [new CrashingSync(1), new ServerEdit(C, 33, "title"), new LocalCreate(W), new ServerEdit(C, 0, "title"), new CrashingSync(at), new LocalDelete(C, 9), new Sync()])],
];

describe("sequences the model found failing, replayed", () => {
  // A sweep plays up to 41 sequences.
  it.each([...FOUND, ...FOUND_BY_SOAK])("%s", { timeout: 60_000 }, async (_letter, sequences) => {
    for (const commands of sequences) await runSequence(commands);
  });
});
