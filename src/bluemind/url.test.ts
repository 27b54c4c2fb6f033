import { describe, expect, it } from "vitest";
import { ServerUrlError } from "./errors.ts";
import { apiPath, normaliseBaseUrl, queryString } from "./url.ts";

describe("normaliseBaseUrl", () => {
  it.each([
    ["https://bm.example.com", "https://bm.example.com"],
    ["https://bm.example.com/", "https://bm.example.com"],
    ["https://bm.example.com/api", "https://bm.example.com"],
    ["https://bm.example.com/api/", "https://bm.example.com"],
    ["https://bm.example.com/API//", "https://bm.example.com"],
    ["  https://BM.Example.com  ", "https://bm.example.com"],
    ["bm.example.com", "https://bm.example.com"],
    ["bm.example.com:8443/api", "https://bm.example.com:8443"],
    ["https://bm.example.com:443/", "https://bm.example.com"],
    ["https://example.com/bluemind/api", "https://example.com/bluemind"],
    ["https://bm.example.com/?x=1#y", "https://bm.example.com"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://127.10.20.30/api", "http://127.10.20.30"],
    ["http://localhost:3000/", "http://localhost:3000"],
    ["http://[::1]:9000/api", "http://[::1]:9000"],
    ["http://bm.localhost", "http://bm.localhost"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseBaseUrl(input)).toBe(expected);
  });

  it.each(["http://bm.example.com", "http://10.0.0.1", "http://128.0.0.1", "http://localhost.example.com", "http://[::2]"])(
    "refuses plain http to the remote host %s, saying why",
    (input) => {
      const error = (() => {
        try {
          normaliseBaseUrl(input);
        } catch (caught) {
          return caught;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(ServerUrlError);
      expect((error as ServerUrlError).code).toBe("INSECURE_URL");
      expect((error as ServerUrlError).message).toMatch(/unencrypted/);
      expect((error as ServerUrlError).retryable).toBe(false);
    },
  );

  it.each(["", "   ", "https://", "ftp://bm.example.com", "https://user:pw@bm.example.com", "https://exa mple.com"])(
    "refuses the unusable address %j",
    (input) => {
      expect(() => normaliseBaseUrl(input)).toThrow(ServerUrlError);
    },
  );
});

describe("apiPath", () => {
  it("percent-encodes every parameter so BlueMind decodes it back unchanged", () => {
    const uid = "book:Contacts_u 1/é+x?#%";
    expect(apiPath`/addressbooks/${uid}/_mget`).toBe("/addressbooks/book%3AContacts_u%201%2F%C3%A9%2Bx%3F%23%25/_mget");
    expect(decodeURIComponent(apiPath`/${uid}`.slice(1))).toBe(uid);
  });

  it.each(["", ".", ".."])("refuses the parameter %j, which would silently address another route", (uid) => {
    expect(() => apiPath`/addressbooks/b/${uid}/complete`).toThrow(TypeError);
  });

  it("lets dots inside a uid through unchanged", () => {
    expect(apiPath`/addressbooks/b/${"a.b..c"}/complete`).toBe("/addressbooks/b/a.b..c/complete");
  });
});

describe("queryString", () => {
  it("encodes values with %20 and drops null/undefined", () => {
    expect(queryString({ displayName: "Thunderbird on Jane's PC+1", since: 0, isDefault: false, skip: undefined, no: null })).toBe(
      "?displayName=Thunderbird%20on%20Jane%27s%20PC%2B1&since=0&isDefault=false",
    );
    expect(queryString({})).toBe("");
    expect(queryString(undefined)).toBe("");
  });
});
