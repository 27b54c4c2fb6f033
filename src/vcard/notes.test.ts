import { describe, expect, it } from "vitest";
import { noteForBlueMind, noteForThunderbird } from "./notes.ts";

describe("noteForThunderbird", () => {
  it("passes plain text through", () => {
    expect(noteForThunderbird("line 1\nline 2, with; punctuation \\")).toBe("line 1\nline 2, with; punctuation \\");
  });

  it("turns HTML into readable text", () => {
    expect(noteForThunderbird("<p>Hello&nbsp;<b>world</b></p><p>bye</p>")).toBe("Hello world\n\nbye");
  });

  it("has nothing to show for empty notes, HTML that holds no text and non-strings", () => {
    expect(noteForThunderbird("")).toBeNull();
    expect(noteForThunderbird("<p> </p>")).toBeNull();
    expect(noteForThunderbird(null)).toBeNull();
    expect(noteForThunderbird({ html: "x" })).toBeNull();
  });
});

describe("noteForBlueMind", () => {
  it("keeps the server note untouched when Thunderbird shows it unchanged", () => {
    const html = "<p>Hello&nbsp;<b>world</b></p>";
    expect(noteForBlueMind("Hello world", html)).toBe(html);
    expect(noteForBlueMind(null, "<p></p>")).toBe("<p></p>");
    expect(noteForBlueMind(null, null)).toBeNull();
  });

  it("sends an edit of an HTML note back as HTML, line breaks kept", () => {
    expect(noteForBlueMind("Hello world\nsecond line", "<p>Hello <b>world</b></p>")).toBe("<div>Hello world<br>second line</div>");
  });

  it("sends an edit of a plain note back as plain text", () => {
    expect(noteForBlueMind("new\ntext", "old text")).toBe("new\ntext");
    expect(noteForBlueMind("first note", null)).toBe("first note");
  });

  it("escapes typed text that would be taken for HTML, so it comes back as typed", () => {
    const stored = noteForBlueMind("use <b> for bold", "old");
    expect(stored).toBe("<div>use &lt;b&gt; for bold</div>");
    expect(noteForThunderbird(stored)).toBe("use <b> for bold");
  });

  it("clears the note when Thunderbird's is removed", () => {
    expect(noteForBlueMind(null, "<p>text</p>")).toBeNull();
  });
});
