import { describe, expect, it } from "vitest";
import { inEnglish, type UserText } from "../shared/user-text.ts";
import { DeletionQuestions } from "./deletion-questions.ts";

function questions() {
  const notified: string[] = [];
  const logged: string[] = [];
  const q = new DeletionQuestions({
    notify: (message: UserText) => void notified.push(inEnglish(message)),
    log: (_level, message) => void logged.push(inEnglish(message)),
    bookName: (uid) => (uid === "b" ? "Clients" : uid),
  });
  return { q, notified, logged };
}

describe("DeletionQuestions", () => {
  it("notifies once per book and count, and again when the count changes", () => {
    const { q, notified, logged } = questions();
    q.held("b", 600);
    q.held("b", 600);
    expect(notified).toEqual(["BlueMind says 600 contacts of “Clients” were deleted. Nothing was removed: apply or keep them in the add-on's options."]);
    expect(logged).toEqual(notified);
    q.held("b", 700);
    expect(notified).toHaveLength(2);
  });

  it("keeps the answer for the count asked until a pull uses it", () => {
    const { q } = questions();
    expect(() => q.give("b", "apply")).toThrow(/not waiting/);
    q.held("b", 600);
    q.give("b", "keep");
    expect(q.answer("b")).toEqual({ decision: "keep", count: 600 });
    q.answerUsed("b");
    expect(q.answer("b")).toBeNull();
    expect(() => q.give("b", "keep")).toThrow(/not waiting/);
    // A question of the last session: the count the page showed.
    q.give("b", "apply", 42);
    expect(q.answer("b")).toEqual({ decision: "apply", count: 42 });
  });
});
