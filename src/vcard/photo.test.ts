import { describe, expect, it } from "vitest";
import { photoOfVCard, withoutPhoto } from "./photo.ts";

const PNG_BASE64 = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 8, 9));
const card = (...lines: string[]): string => ["BEGIN:VCARD", "VERSION:4.0", "UID:u1", "FN:Ana", ...lines, "END:VCARD"].join("\r\n");

describe("photoOfVCard", () => {
  it("reads the data URL Thunderbird puts in a vCard 4.0, folded or not", () => {
    const photo = photoOfVCard(card(`PHOTO;VALUE=URL:data:image/png;base64,${PNG_BASE64}`));
    expect(photo?.type).toBe("image/png");
    expect([...(photo?.bytes ?? [])].slice(0, 4)).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const line = `PHOTO;VALUE=URL:data:image/png;base64,${PNG_BASE64}`;
    const folded = card(line.slice(0, 30) + "\r\n " + line.slice(30));
    expect(photoOfVCard(folded)?.bytes).toEqual(photo?.bytes);
  });

  it("reads base64 with ENCODING=B as vCard 3.0 writes it, with its TYPE", () => {
    const photo = photoOfVCard(["BEGIN:VCARD", "VERSION:3.0", "FN:Ana", "PHOTO;ENCODING=B;TYPE=JPEG:/9j/AAAA", "END:VCARD"].join("\r\n"));
    expect(photo?.type).toBe("image/jpeg");
    expect([...(photo?.bytes ?? [])].slice(0, 2)).toEqual([0xff, 0xd8]);
  });

  it("finds no photo in a card without one, a web link, or an empty value", () => {
    expect(photoOfVCard(card("EMAIL:a@b.c"))).toBeNull();
    expect(photoOfVCard(card("PHOTO;VALUE=URI:https://example.com/a.png"))).toBeNull();
    expect(photoOfVCard(card("PHOTO;VALUE=URL:data:image/png;base64,"))).toBeNull();
    expect(photoOfVCard(card("NOTE:PHOTO:data:image/png;base64,AAAA"))).toBeNull();
  });
});

describe("withoutPhoto", () => {
  it("drops the photo and keeps everything else", () => {
    const stripped = withoutPhoto(card("EMAIL:a@b.c", `PHOTO;VALUE=URL:data:image/png;base64,${PNG_BASE64}`));
    expect(stripped).not.toBeNull();
    expect(photoOfVCard(stripped as string)).toBeNull();
    expect(stripped).toContain("EMAIL:a@b.c");
    expect(stripped).toContain("UID:u1");
  });
});
