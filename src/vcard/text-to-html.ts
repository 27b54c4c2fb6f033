// The inverse of html-to-text for plain text: when a note that was HTML on BlueMind is edited in
// Thunderbird, the new text goes back as minimal HTML so that BlueMind's web application keeps
// its line breaks. Built so that htmlToText(textToHtml(t)) === t (blank lines at the very start
// or end aside): every space HTML would collapse or trim becomes &nbsp;, tabs and the private-use
// characters htmlToText reserves become character references. The result always holds a tag,
// so that looksLikeHtml recognises it the next time round.

import { cleanText } from "./text.ts";

export function textToHtml(text: string): string {
  return `<div>${cleanText(text).split("\n").map(lineToHtml).join("<br>")}</div>`;
}

function lineToHtml(line: string): string {
  let html = "";
  for (let i = 0; i < line.length; i++) {
    const char = line.charAt(i);
    if (char === " ") {
      const collapsible = i === 0 || i === line.length - 1 || line.charAt(i - 1) === " ";
      html += collapsible ? "&nbsp;" : " ";
    } else {
      html += ESCAPES[char] ?? char;
    }
  }
  return html;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\uE000": "&#xE000;",
  "\uE001": "&#xE001;",
};
