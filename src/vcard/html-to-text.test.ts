import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEntities } from "./html-entities.ts";
import { htmlToText, looksLikeHtml } from "./html-to-text.ts";
import { textToHtml } from "./text-to-html.ts";

describe("looksLikeHtml", () => {
  it("recognises notes with real tags or comments", () => {
    expect(looksLikeHtml("<p>x</p>")).toBe(true);
    expect(looksLikeHtml("a<br/>b")).toBe(true);
    expect(looksLikeHtml('<DIV class="x">y</DIV>')).toBe(true);
    expect(looksLikeHtml("x <!-- c -->")).toBe(true);
  });

  it("leaves plain text alone, angle brackets included", () => {
    expect(looksLikeHtml("x < y and y > z")).toBe(false);
    expect(looksLikeHtml("I <3 you")).toBe(false);
    expect(looksLikeHtml("<jane@example.com>")).toBe(false);
    expect(looksLikeHtml("a <custom> tag")).toBe(false);
    expect(looksLikeHtml("Tom &amp; Jerry")).toBe(false);
  });
});

describe("htmlToText", () => {
  it("turns paragraphs into blank-line separated text and <br> into line breaks", () => {
    expect(htmlToText("<p>Hello <b>world</b></p><p>line2<br>line3</p>")).toBe("Hello world\n\nline2\nline3");
  });

  it("gives div-based editor output one line per div, empty lines included", () => {
    expect(htmlToText("<div>a</div><div>b</div>")).toBe("a\nb");
    expect(htmlToText("<div>a</div><div><br></div><div>b</div>")).toBe("a\n\nb");
    expect(htmlToText("<div>a<br></div><div>b</div>")).toBe("a\nb");
    expect(htmlToText("<div>a<br><br></div><div>b</div>")).toBe("a\n\nb");
  });

  it("collapses source whitespace like a browser", () => {
    expect(htmlToText("<p>  a \n\t b  </p>\n\n<p> c </p>")).toBe("a b\n\nc");
  });

  it("numbers ordered lists and bullets unordered ones", () => {
    expect(htmlToText("<ol><li>one</li><li>two</li></ol><ul><li>x</li></ul>")).toBe("1. one\n2. two\n\n• x");
  });

  it("separates table cells and rows", () => {
    expect(htmlToText("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>")).toBe("a b\nc");
  });

  it("decodes character references after removing tags, so escaped markup stays text", () => {
    expect(htmlToText("<p>&lt;b&gt;not bold&lt;/b&gt; &amp; caf&eacute; &#8364; &#x1F600;</p>")).toBe("<b>not bold</b> & café € 😀");
  });

  it("reads &nbsp; as a plain space and keeps runs of them", () => {
    expect(htmlToText("<p>a&nbsp;&nbsp;b</p>")).toBe("a  b");
  });

  it("drops script, style, head and comments with their content", () => {
    const html = "<html><head><title>T</title><style>p{}</style></head><body><script>alert(1)</script><p>kept<!-- hidden --></p></body></html>";
    expect(htmlToText(html)).toBe("kept");
  });

  it("is not fooled by '>' inside quoted attributes", () => {
    expect(htmlToText('<a href="x" title="a>b">link</a> after')).toBe("link after");
  });

  it("drops an unfinished tag or script at the end, as browsers do", () => {
    expect(htmlToText("<p>text</p><img src='x")).toBe("text");
    expect(htmlToText("<p>text</p><script>never closed")).toBe("text");
    expect(htmlToText("<p>text<!-- never closed")).toBe("text");
  });

  it("skips doctype and processing instructions", () => {
    expect(htmlToText("<!DOCTYPE html><?xml version='1.0'?><p>x</p>")).toBe("x");
  });

  it("keeps a lone '<' that does not start a tag", () => {
    expect(htmlToText("<p>1 < 2</p>")).toBe("1 < 2");
  });

  it("cannot be fed block markers through the input", () => {
    expect(htmlToText("<p>a\uE000b\uE001c</p>")).toBe("abc");
  });

  it("stays fast on hostile input (no quadratic regular expressions)", () => {
    const hostile = ["<a".repeat(20_000), "<br>".repeat(50_000), '<a title="'.repeat(10_000), "<p>\n".repeat(30_000), "<script>".repeat(20_000)];
    const start = performance.now();
    for (const html of hostile) expect(typeof htmlToText(html)).toBe("string");
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe("decodeEntities", () => {
  it("decodes named, decimal and hex references", () => {
    expect(decodeEntities("&Eacute;&ccedil;&OElig;&hellip;&#233;&#xE9;&#XE9;")).toBe("ÉçŒ…ééé");
  });

  it("maps the Latin-1 table to U+00A0–U+00FF", () => {
    expect(decodeEntities("&iexcl;&yuml;&times;&divide;")).toBe("¡ÿ×÷");
  });

  it("reads &#128;–&#159; as Windows-1252, as browsers do", () => {
    expect(decodeEntities("&#146;&#128;&#150;")).toBe("’€–");
  });

  it("replaces invalid code points and drops soft hyphens", () => {
    expect(decodeEntities("&#0;&#xD800;&#x110000;")).toBe("\uFFFD\uFFFD\uFFFD");
    expect(decodeEntities("co&shy;op")).toBe("coop");
  });

  it("leaves unknown or unterminated references as written", () => {
    expect(decodeEntities("&unknown; &amp &")).toBe("&unknown; &amp &");
  });
});

describe("textToHtml", () => {
  it("escapes markup, keeps line breaks and runs of spaces", () => {
    expect(textToHtml("a <b> & c\n  indented")).toBe("<div>a &lt;b&gt; &amp; c<br>&nbsp;&nbsp;indented</div>");
  });

  it("is always recognised as HTML", () => {
    expect(looksLikeHtml(textToHtml("one line"))).toBe(true);
  });

  it("is undone by htmlToText for any text (bar blank lines at the ends)", () => {
    const unit = fc.constantFrom("a", "é", "漢", "😀", " ", "\n", "\t", "<", ">", "&", ";", "\\", "\u00A0", "\uE000", "&nbsp;", "<br>");
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (text) => {
        expect(htmlToText(textToHtml(text))).toBe(text.replace(/^\n+|\n+$/g, ""));
      }),
      { numRuns: 1000 },
    );
  });
});
