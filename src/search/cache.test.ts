import { describe, expect, it } from "vitest";
import type { SearchAnswer } from "./answer.ts";
import { AnswerCache, CardCache } from "./cache.ts";
import type { Clock } from "../shared/clock.ts";
import { person } from "../../test/support/search-server.ts";

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000;
  return {
    now: () => now,
    setTimeout: () => 0,
    clearTimeout: () => undefined,
    advance(ms) {
      now += ms;
    },
  };
}

function answer(words: string[], total = 0): SearchAnswer {
  return { words, total, hits: [], complete: true, narrowable: true };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("AnswerCache", () => {
  it("shares an in-flight answer and keeps it while fresh", async () => {
    const clock = manualClock();
    const cache = new AnswerCache(clock, 120_000, 10);
    const entry = cache.add(["jean"], Promise.resolve(answer(["jean"], 3)));
    expect(cache.get(["jean"])).toBe(entry);
    await settle();
    expect(cache.get(["jean"])?.answer?.total).toBe(3);
    clock.advance(119_999);
    expect(cache.get(["jean"])).toBe(entry);
  });

  it("forgets an answer two minutes after it arrived", async () => {
    const clock = manualClock();
    const cache = new AnswerCache(clock, 120_000, 10);
    cache.add(["jean"], Promise.resolve(answer(["jean"])));
    await settle();
    clock.advance(120_000);
    expect(cache.get(["jean"])).toBeUndefined();
    expect(cache.coverers(["jeanne"])).toEqual([]);
  });

  it("never expires an answer still in flight", () => {
    const clock = manualClock();
    const cache = new AnswerCache(clock, 1_000, 10);
    cache.add(["jean"], new Promise<SearchAnswer>(() => undefined));
    clock.advance(60_000);
    expect(cache.get(["jean"])).toBeDefined();
  });

  it("drops a failed query so that it can be asked again", async () => {
    const cache = new AnswerCache(manualClock(), 120_000, 10);
    const failed = cache.add(["jean"], Promise.reject(new Error("down")));
    await failed.promise.catch(() => undefined);
    await settle();
    expect(cache.get(["jean"])).toBeUndefined();
  });

  it("lists the other queries that cover a narrower one", async () => {
    const cache = new AnswerCache(manualClock(), 120_000, 10);
    cache.add(["je"], Promise.resolve(answer(["je"])));
    cache.add(["du"], Promise.resolve(answer(["du"])));
    cache.add(["jean"], Promise.resolve(answer(["jean"])));
    await settle();
    expect(cache.coverers(["jean"]).map((e) => e.key)).toEqual(["je"]);
    expect(cache.coverers(["dupont", "jeanne"]).map((e) => e.key).sort()).toEqual(["du", "je", "jean"]);
  });

  it("evicts the least recently used queries beyond its size", async () => {
    const cache = new AnswerCache(manualClock(), 120_000, 2);
    cache.add(["aa"], Promise.resolve(answer(["aa"])));
    cache.add(["bb"], Promise.resolve(answer(["bb"])));
    cache.get(["aa"]);
    cache.add(["cc"], Promise.resolve(answer(["cc"])));
    expect(cache.size).toBe(2);
    expect(cache.get(["bb"])).toBeUndefined();
    expect(cache.get(["aa"])).toBeDefined();
  });
});

describe("CardCache", () => {
  const card = person({ uid: "p1", given: "Ann", family: "Lee", emails: ["ann@x.test"] }).value;

  it("keeps cards for its lifetime", () => {
    const clock = manualClock();
    const cards = new CardCache(clock, 600_000, 10);
    cards.put("p1", card);
    clock.advance(599_999);
    expect(cards.get("p1")).toBe(card);
    clock.advance(1);
    expect(cards.get("p1")).toBeNull();
    expect(cards.candidates()).toEqual([]);
  });

  it("keeps the most recently stored cards within its size, newest first", () => {
    const cards = new CardCache(manualClock(), 600_000, 2);
    cards.put("a", card);
    cards.put("b", card);
    cards.put("c", card);
    expect(cards.get("a")).toBeNull();
    expect(cards.candidates().map((c) => c.uid)).toEqual(["c", "b"]);
  });
});
