import { describe, expect, it } from "vitest";
import { fingerprintBytes } from "./fingerprint.ts";

describe("fingerprintBytes", () => {
  it("is stable, 16 hex digits, and tells different bytes apart", () => {
    const a = fingerprintBytes(new Uint8Array([1, 2, 3]));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintBytes(new Uint8Array([1, 2, 3]))).toBe(a);
    expect(fingerprintBytes(new Uint8Array([1, 2, 4]))).not.toBe(a);
    expect(fingerprintBytes(new Uint8Array([3, 2, 1]))).not.toBe(a);
    // Trailing zeros change the length, which is mixed in.
    expect(fingerprintBytes(new Uint8Array([1, 2, 3, 0]))).not.toBe(a);
    expect(fingerprintBytes(new Uint8Array([]))).not.toBe(fingerprintBytes(new Uint8Array([0])));
  });
});
