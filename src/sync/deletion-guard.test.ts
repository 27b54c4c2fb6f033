import { describe, expect, it } from "vitest";
import { DEFAULT_DELETION_LIMITS } from "../shared/settings.ts";
import { answerFor, deletionsNeedAnswer } from "./deletion-guard.ts";

describe("deletionsNeedAnswer", () => {
  it.each([
    ["nothing deleted", 1000, 0, false],
    ["half of a book exactly", 100, 50, false],
    ["more than half of a book", 100, 51, true],
    ["all of a book of 20", 20, 20, false],
    ["all of a book of 21", 21, 21, true],
    ["500 of a big book", 100_000, 500, false],
    ["501 of a big book", 100_000, 501, true],
  ] as const)("%s → %s", (_label, size, removing, expected) => {
    expect(deletionsNeedAnswer(size, removing, DEFAULT_DELETION_LIMITS)).toBe(expected);
  });

  it("a share of 100 % turns the share rule off, not the count rule", () => {
    const limits = { ...DEFAULT_DELETION_LIMITS, maxShare: 1 };
    expect(deletionsNeedAnswer(100, 100, limits)).toBe(false);
    expect(deletionsNeedAnswer(1000, 1000, limits)).toBe(true);
  });
});

describe("answerFor", () => {
  it("covers as many deletions as the user was shown, no more", () => {
    expect(answerFor(null, 10)).toBeNull();
    expect(answerFor({ decision: "keep", count: 10 }, 10)).toBe("keep");
    expect(answerFor({ decision: "apply", count: 10 }, 9)).toBe("apply");
    expect(answerFor({ decision: "apply", count: 10 }, 11)).toBeNull();
  });
});
