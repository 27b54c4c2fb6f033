import { describe, expect, it } from "vitest";
import { MalformedResponseError, ServerError } from "../../bluemind/errors.ts";
import { fetchCards } from "./fetch-cards.ts";
import { individual, MemoryBook } from "../../../test/support/memory-content.ts";
import { inEnglish, text } from "../../shared/user-text.ts";

const malformed = (): MalformedResponseError => new MalformedResponseError(text("errorMalformed", "POST /api/addressbooks/b/_mget", "not a card"), { code: "MALFORMED_RESPONSE" });

function bookWith(count: number): MemoryBook {
  const book = new MemoryBook();
  for (let i = 0; i < count; i++) book.put(`c${i}`, individual(`Card ${i}`));
  return book;
}

const uids = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);

describe("fetchCards", () => {
  it("one _mget when all is well", async () => {
    const book = bookWith(10);
    const batch = await fetchCards(book, uids(10));
    expect(batch.cards).toHaveLength(10);
    expect(batch.failures).toEqual([]);
    expect(book.calls).toEqual(["mget 10"]);
  });

  it("isolates one bad card by splitting the batch, and keeps the others", async () => {
    const book = bookWith(100);
    book.beforeCall = (call, detail) => {
      if (call === "mget" && (detail as string[]).includes("c37")) throw malformed();
    };
    const batch = await fetchCards(book, uids(100));
    expect(batch.failures.map((f) => f.uid)).toEqual(["c37"]);
    expect(batch.cards.map((c) => c.uid).sort()).toEqual(uids(100).filter((u) => u !== "c37").sort());
    // log2(100) levels of halving, two requests each at most.
    expect(book.calls.length).toBeLessThanOrEqual(1 + 2 * 7);
  });

  it("two bad cards side by side are both isolated", async () => {
    const book = bookWith(8);
    book.beforeCall = (call, detail) => {
      if (call === "mget" && (detail as string[]).some((u) => u === "c2" || u === "c3")) throw malformed();
    };
    const batch = await fetchCards(book, uids(8));
    expect(batch.failures.map((f) => f.uid)).toEqual(["c2", "c3"]);
    expect(batch.cards).toHaveLength(6);
  });

  it("a one-off garbled body costs one split, no failure", async () => {
    const book = bookWith(10);
    let once = true;
    book.beforeCall = () => {
      if (once) {
        once = false;
        throw malformed();
      }
    };
    const batch = await fetchCards(book, uids(10));
    expect(batch.failures).toEqual([]);
    expect(batch.cards).toHaveLength(10);
    expect(book.calls).toEqual(["mget 10", "mget 5", "mget 5"]);
  });

  it("a server that garbles everything fails the batch instead of reporting every card", async () => {
    const book = bookWith(4);
    book.beforeCall = () => {
      throw malformed();
    };
    await expect(fetchCards(book, uids(4))).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it("a single uid that cannot be read is a card failure", async () => {
    const book = bookWith(1);
    book.beforeCall = () => {
      throw malformed();
    };
    expect((await fetchCards(book, ["c0"])).failures).toEqual([{ uid: "c0", reason: text("reasonNotACard") }]);
    expect(inEnglish(text("reasonNotACard"))).toBe("BlueMind sent a value that is not a card");
  });

  it("other errors are not split: they fail the batch at once", async () => {
    const book = bookWith(4);
    book.beforeCall = () => {
      throw new ServerError(text("errorServer", "500", "HTTP_500", "POST /api/addressbooks/b/_mget"), { code: "HTTP_500", status: 500 });
    };
    await expect(fetchCards(book, uids(4))).rejects.toBeInstanceOf(ServerError);
    expect(book.calls).toHaveLength(1);
  });

  it("nothing to fetch, no request", async () => {
    const book = bookWith(1);
    expect(await fetchCards(book, [])).toEqual({ cards: [], failures: [] });
    expect(book.calls).toEqual([]);
  });
});
