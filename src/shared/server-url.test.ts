import { describe, expect, it } from "vitest";
import { checkServerUrl, isLoopbackHost } from "./server-url.ts";
import { inEnglish, text } from "./user-text.ts";

describe("checkServerUrl", () => {
  it("names the problem the options page translates, with the sentence the client reports", () => {
    expect(checkServerUrl("bm.example.com/api/")).toEqual({ ok: true, baseUrl: "https://bm.example.com" });
    const insecure = checkServerUrl("http://bm.example.com");
    expect(insecure).toMatchObject({ ok: false, problem: "INSECURE_URL", text: text("urlPlainHttp", "bm.example.com") });
    expect(!insecure.ok && inEnglish(insecure.text)).toMatch(/unencrypted/);
    expect(checkServerUrl("ftp://bm.example.com")).toMatchObject({ ok: false, problem: "INVALID_URL" });
    expect(checkServerUrl("https://exa mple.com")).toMatchObject({ ok: false, problem: "INVALID_URL", cause: expect.any(TypeError) });
    // A user name and password in the address are refused without being repeated.
    const withPassword = checkServerUrl("https://jdoe:hunter2secret@bm.example.com");
    expect(JSON.stringify(withPassword)).not.toContain("hunter2secret");
  });
});

describe("isLoopbackHost", () => {
  it.each(["localhost", "LOCALHOST", "localhost.", "a.localhost", "127.0.0.1", "127.255.255.254", "[::1]", "::1", "[::ffff:7f00:1]"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(["example.com", "126.0.0.1", "10.0.0.1", "[::2]", "[::ffff:a00:1]", "localhost.example.com", "0.0.0.0"])("%s is not", (host) =>
    expect(isLoopbackHost(host)).toBe(false),
  );
});
