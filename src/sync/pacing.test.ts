import { describe, expect, it } from "vitest";
import { InMemoryThunderbird } from "../../test/unit/in-memory-thunderbird.ts";
import { Limiter } from "./concurrency.ts";
import { ContactWriter } from "./pull/contact-writer.ts";
import { startInSlices, WritePacer, yieldToEventLoop } from "./pacing.ts";

/** A clock the tests move by hand: latencies are what the test says, never what the machine does. */
function fakeClock(): { now: () => number; advance: (ms: number) => void; sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (ms > 0) time += ms;
      await yieldToEventLoop();
    },
  };
}

/** Runs `count` tasks through the pacer, each "taking" `latency(i)` ms of the fake clock. */
async function drive(pacer: WritePacer, clock: ReturnType<typeof fakeClock>, count: number, latency: (i: number) => number): Promise<{ order: number[]; peaks: number[] }> {
  const order: number[] = [];
  const peaks: number[] = [];
  let running = 0;
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      pacer.run(async () => {
        order.push(i);
        running++;
        peaks.push(running);
        // A round-trip spans a few turns of the event loop, as a call to Thunderbird does.
        for (let turn = 0; turn < 4; turn++) await yieldToEventLoop();
        clock.advance(latency(i));
        running--;
        return i * 2;
      }),
    ),
  );
  expect(results).toEqual(Array.from({ length: count }, (_, i) => i * 2));
  return { order, peaks };
}

describe("WritePacer", () => {
  it("runs every task once, in order, and hands back each result", async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ max: 8, now: clock.now, sleep: clock.sleep });
    const { order } = await drive(pacer, clock, 300, () => 2);
    expect(order).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(pacer.running).toBe(0);
    expect(pacer.stats.calls).toBe(300);
  });

  it("opens up to its bound while Thunderbird answers fast", async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ max: 16, now: clock.now, sleep: clock.sleep });
    const { peaks } = await drive(pacer, clock, 600, () => 1);
    expect(Math.max(...peaks)).toBeGreaterThan(4);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(16);
    expect(pacer.stats.window).toBe(16);
  });

  it("backs off to one call at a time while calls come back slower than the target", async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ max: 16, targetMs: 30, now: clock.now, sleep: clock.sleep });
    await drive(pacer, clock, 100, () => 2);
    const fastWindow = pacer.stats.window;
    const { peaks } = await drive(pacer, clock, 200, () => 80);
    expect(pacer.stats.window).toBe(1);
    expect(pacer.stats.window).toBeLessThan(fastWindow);
    // Once backed off, the last calls went one by one.
    expect(peaks.slice(-20).every((p) => p === 1)).toBe(true);
  });

  it("after a call that met a stall, waits before sending the next one", async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ max: 4, stallMs: 150, coolDownMs: 50, now: clock.now, sleep: clock.sleep });
    await drive(pacer, clock, 5, (i) => (i === 0 ? 400 : 2));
    expect(pacer.stats.stalls).toBeGreaterThanOrEqual(1);
    expect(clock.sleeps.some((ms) => ms > 0 && ms <= 50)).toBe(true);
  });

  it("lets the page's other events run between two calls (a macrotask yield)", async () => {
    const pacer = new WritePacer({ max: 16 });
    const seen: string[] = [];
    const tasks = Array.from({ length: 50 }, (_, i) => pacer.run(async () => void seen.push(`task ${i}`)));
    setTimeout(() => seen.push("timer"), 0);
    await Promise.all(tasks);
    expect(seen).toContain("timer");
    expect(seen.indexOf("timer")).toBeLessThan(seen.indexOf("task 49"));
  });

  it("a failing task rejects its own caller only, and frees its place", async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ max: 2, now: clock.now, sleep: clock.sleep });
    const outcomes = await Promise.allSettled(
      [0, 1, 2, 3].map((i) => pacer.run(async () => (i === 1 ? Promise.reject(new Error("refused")) : i))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(pacer.running).toBe(0);
  });

  it("refuses a bound below one", () => {
    expect(() => new WritePacer({ max: 0 })).toThrow(RangeError);
  });
});

describe("startInSlices", () => {
  it("starts every item in order and yields once a slice's work took its budget", async () => {
    let time = 0;
    let yields = 0;
    const started: number[] = [];
    const results = await startInSlices(
      Array.from({ length: 20 }, (_, i) => i),
      async (item) => {
        started.push(item);
        time += 3; // each start "costs" 3 ms of the page's thread
        return item + 1;
      },
      { sliceMs: 8, now: () => time, yielder: async () => void yields++ },
    );
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // 3 ms each, budget 8: a yield after every third start.
    expect(yields).toBe(6);
  });

  it("rethrows the first failure only after every item settled", async () => {
    const settled: number[] = [];
    await expect(
      startInSlices([0, 1, 2, 3], async (item) => {
        await yieldToEventLoop();
        settled.push(item);
        if (item === 1) throw new Error("item 1");
      }),
    ).rejects.toThrow("item 1");
    expect(settled.sort()).toEqual([0, 1, 2, 3]);
  });
});

describe("ContactWriter with pacing", () => {
  it("loses no write when the pacer holds calls back", async () => {
    const tb = new InMemoryThunderbird();
    const bookId = await tb.asUser.createBook("Synced");
    const clock = fakeClock();
    // Every call "takes" 100 ms: the pacer shrinks to one call at a time and cools down often.
    const pacer = new WritePacer({ max: 16, now: clock.now, sleep: clock.sleep });
    const writer = new ContactWriter(tb.addressBooks, bookId, new Limiter(16), undefined, pacer);
    const ids = Array.from({ length: 150 }, (_, i) => `5f2b7c1a-0d3e-5a4b-8c9d-${String(i).padStart(12, "0")}`);
    const outcomes = await Promise.all(
      ids.map((id, i) =>
        writer.call(async () => {
          clock.advance(100);
          return tb.addressBooks.createContact(bookId, `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Person ${i}\r\nUID:${id}\r\nEND:VCARD\r\n`);
        }),
      ),
    );
    expect(outcomes).toHaveLength(150);
    expect(tb.contactCount(bookId)).toBe(150);
    expect(pacer.stats.smallestWindow).toBe(1);
    expect(pacer.stats.stalls).toBe(0);
  });
});
