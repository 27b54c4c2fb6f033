import { describe, expect, it } from "vitest";
import type { BookStatus } from "../shared/status.ts";
import { ProgressTicker, statusReporter } from "./reporter.ts";
import { inEnglish, text } from "../shared/user-text.ts";

describe("ProgressTicker", () => {
  it("reports the start, every 1 % (at least 25 items), and the end", () => {
    const seen: number[] = [];
    const ticker = new ProgressTicker((p) => seen.push(p.done), 100);
    for (let i = 0; i < 100; i++) ticker.advance();
    expect(seen).toEqual([0, 25, 50, 75, 100]);
    expect(ticker.value).toBe(100);
  });

  it("scales the step with big books and never passes the total", () => {
    const seen: { done: number; total: number }[] = [];
    const ticker = new ProgressTicker((p) => seen.push(p), 10_000);
    ticker.advance(150);
    ticker.advance(20_000);
    expect(seen).toEqual([
      { done: 0, total: 10_000 },
      { done: 150, total: 10_000 },
      { done: 10_000, total: 10_000 },
    ]);
  });
});

describe("statusReporter", () => {
  it("maps engine reports onto the book status and the activity log", () => {
    const updates: [string, Partial<BookStatus>][] = [];
    const logs: string[] = [];
    const reporter = statusReporter({ updateBook: (uid, change) => updates.push([uid, change]), log: (level, message, uid) => logs.push(`${level} ${uid} ${inEnglish(message)}`) });
    reporter.bookState("book:A", { state: "syncing" });
    reporter.progress("book:A", { done: 1, total: 2 });
    reporter.bookState("book:A", { state: "synced", lastSuccess: 5, lastError: null, contactCount: 2 });
    reporter.log("warning", text("logBookRenamed", "careful"), "book:A");
    expect(updates).toEqual([
      ["book:A", { state: "syncing" }],
      ["book:A", { progress: { done: 1, total: 2 } }],
      ["book:A", { state: "synced", lastSuccess: 5, lastError: null, progress: null }],
    ]);
    expect(logs).toEqual(["warning book:A Address book renamed to “careful”."]);
  });

  it("shows how many copies a book holds with the first three names, until a look finds none", () => {
    const updates: Partial<BookStatus>[] = [];
    const reporter = statusReporter({ updateBook: (_uid, change) => updates.push(change), log: () => undefined });
    reporter.bookState("book:A", { state: "synced", copies: ["Ann", "Bob", "Cy", "Di"] });
    reporter.bookState("book:A", { state: "synced" });
    reporter.bookState("book:A", { state: "synced", copies: [] });
    expect(updates.map((u) => ("copies" in u ? u.copies : "unchanged"))).toEqual([{ count: 4, names: ["Ann", "Bob", "Cy"] }, "unchanged", undefined]);
  });
});
