// Phone extensions. BlueMind keeps `ext` apart from the number; Thunderbird has one text field
// (it writes `TEL;VALUE=TEXT:…`). The extension goes into that text as `;ext=123`, the RFC 3966
// spelling, so that the user sees it, can edit it, and a dialler that understands tel: URIs can
// use it. Reading splits at the first `;ext=` (case-insensitive); a `tel:` URI (vCard 4's
// default value type) loses its scheme. The number and the extension are kept exactly as typed.

const EXTENSION = /;ext=/i;

export function telText(value: string, ext: string | null): string {
  return ext === null || ext === "" ? value : `${value};ext=${ext}`;
}

export function parseTel(text: string, valueType: string): { value: string; ext: string | null } {
  let number = text;
  if (valueType === "uri" && /^tel:/i.test(number)) number = number.slice(4);
  const match = EXTENSION.exec(number);
  if (!match) return { value: number, ext: null };
  const ext = number.slice(match.index + match[0].length);
  return { value: number.slice(0, match.index), ext: ext === "" ? null : ext };
}
