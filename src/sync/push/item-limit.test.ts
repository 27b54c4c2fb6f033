import { describe, expect, it } from "vitest";
import type { ContainerUpdatesResult, VCard, VCardChanges } from "../../bluemind/models.ts";
import { mupdatesWithinItemLimit, type UpdatesServer } from "./item-limit.ts";

const CARD: VCard = { kind: "individual", identification: { formatedName: { value: "X", parameters: [] } } };
const FULL = "Max items count in addressbook exceeded";

/** A book of `size` items holding at most `limit`, counting as BlueMind does (adds − deletions). */
class LimitedBook implements UpdatesServer {
  readonly calls: VCardChanges[] = [];
  constructor(
    private size: number,
    private readonly limit: number,
  ) {}

  async mupdates(changes: VCardChanges): Promise<ContainerUpdatesResult> {
    this.calls.push(changes);
    const add = changes.add ?? [];
    const del = changes.delete ?? [];
    if (this.size + add.length - del.length > this.limit) {
      return { added: [], updated: [], removed: [], unhandled: [], errors: [{ uid: null, errorCode: "MAX_ITEM_COUNT", message: FULL }], version: 7 };
    }
    this.size += add.length - del.length;
    return { added: add.map((a) => a.uid), updated: (changes.modify ?? []).map((m) => m.uid), removed: del.map((d) => d.uid), unhandled: [], errors: [], version: 9 };
  }
}

describe("mupdatesWithinItemLimit", () => {
  it("sends a batch refused whole again without its adds: modifications and deletions land, each add is refused with BlueMind's message", async () => {
    const book = new LimitedBook(10, 10);
    const result = await mupdatesWithinItemLimit(book, { add: [{ uid: "a1", value: CARD }, { uid: "a2", value: CARD }], modify: [{ uid: "m1", value: CARD }], delete: [{ uid: "d1" }] });
    expect(book.calls.map((c) => c.add?.length ?? 0)).toEqual([2, 0]);
    expect(result).toEqual({
      added: [],
      updated: ["m1"],
      removed: ["d1"],
      unhandled: [],
      errors: [
        { uid: "a1", errorCode: "MAX_ITEM_COUNT", message: FULL },
        { uid: "a2", errorCode: "MAX_ITEM_COUNT", message: FULL },
      ],
      version: 9,
    });
  });

  it("refuses the adds of a batch of adds only without a second call", async () => {
    const book = new LimitedBook(10, 10);
    const result = await mupdatesWithinItemLimit(book, { add: [{ uid: "a1", value: CARD }] });
    expect(book.calls).toHaveLength(1);
    expect(result.errors).toEqual([{ uid: "a1", errorCode: "MAX_ITEM_COUNT", message: FULL }]);
    expect(result.version).toBe(7);
  });

  it("answers as BlueMind did when the batch fits, or has no add to leave out", async () => {
    const fits = new LimitedBook(5, 10);
    expect((await mupdatesWithinItemLimit(fits, { add: [{ uid: "a1", value: CARD }] })).added).toEqual(["a1"]);
    expect(fits.calls).toHaveLength(1);

    // Already over its limit (a limit lowered on the server): nothing to leave out, the push stops.
    const over = new LimitedBook(12, 10);
    const result = await mupdatesWithinItemLimit(over, { modify: [{ uid: "m1", value: CARD }], add: [] });
    expect(over.calls).toHaveLength(1);
    expect(result.errors).toEqual([{ uid: null, errorCode: "MAX_ITEM_COUNT", message: FULL }]);
  });

  it("returns a second whole-batch refusal as it is, so that the push stops there", async () => {
    const over = new LimitedBook(12, 10);
    const result = await mupdatesWithinItemLimit(over, { add: [{ uid: "a1", value: CARD }], modify: [{ uid: "m1", value: CARD }] });
    expect(over.calls).toHaveLength(2);
    expect(result.errors).toEqual([{ uid: null, errorCode: "MAX_ITEM_COUNT", message: FULL }]);
  });
});
