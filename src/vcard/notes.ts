// NOTE in both directions. Thunderbird shows plain text; BlueMind may hold HTML.
// - To Thunderbird: HTML is turned into readable text, plain text is passed as is.
// - Back to BlueMind: if the text is what the previous note showed as, the previous note is
//   kept untouched (its HTML included); otherwise the edited text replaces it — as minimal HTML
//   when the previous note was HTML (so the web application keeps the line breaks) or when the
//   text itself would be taken for HTML (a typed "<b>" must come back as typed), as plain text
//   otherwise.

import { htmlToText, looksLikeHtml } from "./html-to-text.ts";
import { textToHtml } from "./text-to-html.ts";
import { isBlank, nonEmpty } from "./text.ts";

export function noteForThunderbird(note: unknown): string | null {
  const text = nonEmpty(note);
  if (text === null || !looksLikeHtml(text)) return text;
  // HTML that renders as nothing but spaces (`<p>&nbsp;</p>`) is an empty note.
  const shown = htmlToText(text);
  return isBlank(shown) ? null : shown;
}

export function noteForBlueMind(shownText: string | null, previousNote: unknown): string | null {
  const previousText = noteForThunderbird(previousNote);
  if (shownText === previousText) return typeof previousNote === "string" ? previousNote : null;
  if (shownText === null) return null;
  const previous = nonEmpty(previousNote);
  const asHtml = (previous !== null && looksLikeHtml(previous)) || looksLikeHtml(shownText);
  return asHtml ? textToHtml(shownText) : shownText;
}
