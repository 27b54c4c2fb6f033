// The photo a contact's vCard carries, as Thunderbird hands it out: contacts.get and contacts.list
// put a local book's photo (kept as a file in the profile) into the vCard as PHOTO — a data URL
// in vCard 4.0, base64 with ENCODING=B in 3.0 — so the photo can be compared without reading it
// through contacts.getPhoto. Only embedded images count: a PHOTO pointing to the web is no photo
// BlueMind could be given.
import { parseVCardText, serializeVCard } from "./jcard.ts";

export interface VCardPhoto {
  bytes: Uint8Array;
  /** MIME type as declared (`image/png`, `image/jpeg`…), lower case. */
  type: string;
}

function decodeBase64(base64: string): Uint8Array | null {
  try {
    const binary = atob(base64.replace(/\s/g, ""));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

function typeFromParams(params: string): string {
  const declared = /;TYPE=("?)([^;:"]+)\1/i.exec(params)?.[2]?.toLowerCase() ?? "";
  if (declared === "") return "image/unknown";
  return declared.includes("/") ? declared : `image/${declared === "jpg" ? "jpeg" : declared}`;
}

/**
 * The first embedded photo of the vCard; null when it has none. Read with a pattern rather than
 * the vCard parser: a full push looks at every contact of a book, and its content hash already
 * parses each vCard once.
 */
export function photoOfVCard(vCardText: string): VCardPhoto | null {
  if (!/^(?:[\w-]+\.)?PHOTO[;:]/im.test(vCardText)) return null;
  const unfolded = vCardText.replace(/\r?\n[ \t]/g, "");
  const pattern = /^(?:[\w-]+\.)?PHOTO((?:;[^:\r\n]*)?):(.*)$/gim;
  for (let match = pattern.exec(unfolded); match !== null; match = pattern.exec(unfolded)) {
    const params = match[1] ?? "";
    const value = (match[2] ?? "").trim();
    const dataUrl = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/is.exec(value);
    if (dataUrl !== null) {
      const bytes = decodeBase64(dataUrl[2] ?? "");
      if (bytes !== null && bytes.length > 0) return { bytes, type: (dataUrl[1] ?? "").toLowerCase() };
      continue;
    }
    if (!/;(?:ENCODING=(?:B|BASE64)|VALUE=BINARY)\b/i.test(params)) continue;
    const bytes = decodeBase64(value);
    if (bytes !== null && bytes.length > 0) return { bytes, type: typeFromParams(params) };
  }
  return null;
}

/** The vCard without any PHOTO; null when the text is not one readable vCard. */
export function withoutPhoto(vCardText: string): string | null {
  const parsed = parseVCardText(vCardText);
  if (!parsed.ok) return null;
  return serializeVCard(parsed.properties.filter((p) => p.name !== "photo"));
}
