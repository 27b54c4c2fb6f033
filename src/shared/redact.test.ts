import { describe, expect, it } from "vitest";
import { MIN_SECRET_LENGTH, isSecretName, redact, redactText } from "./redact.ts";
import { inEnglish, text } from "./user-text.ts";

const KEY = "0f9e8d7c-6b5a-4321-8765-43210fedcba9";

describe("redact", () => {
  it("replaces a secret as typed and as a URL carries it", () => {
    const secret = "p@ss word/+=&";
    expect(redact(`a ${secret} b ${encodeURIComponent(secret)} c`, [secret])).toBe("a … b … c");
  });

  it("leaves values too short to be secrets alone, so words are not mangled", () => {
    expect(redact("a demo of the desk", ["de"])).toBe("a demo of the desk");
    expect("x".repeat(MIN_SECRET_LENGTH - 1).length).toBeLessThan(MIN_SECRET_LENGTH);
  });

  it("goes into every argument of a text, nested ones included", () => {
    const value = redactText(text("logBookSyncFailed", `Book ${KEY}`, text("withServerMessage", text("errorDataRefused", KEY), `key=${KEY}`)), [KEY]);
    expect(JSON.stringify(value)).not.toContain(KEY);
    expect(inEnglish(value)).toBe("Sync of “Book …” failed: BlueMind refused the data (…): key=…");
  });

  it("names secret fields", () => {
    for (const name of ["password", "Password", "apiKey", "api_key", "sid", "token", "authKey", "secret"]) expect(isSecretName(name), name).toBe(true);
    for (const name of ["login", "origin", "displayName", "uid", "side"]) expect(isSecretName(name), name).toBe(false);
  });
});
