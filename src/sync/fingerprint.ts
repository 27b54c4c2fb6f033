// Short fingerprints to notice "same as last time" without keeping the data: photo bytes, so an
// unchanged photo is not written to Thunderbird again. Not cryptographic: a collision only costs a
// photo not refreshed until the card next changes.

const OFFSET_A = 0x811c9dc5;
const OFFSET_B = 0x2f4a3c71;
const PRIME = 0x01000193;

function hex(a: number, b: number): string {
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/** 64 bits of two FNV-1a lanes with different offsets, over bytes; the length is mixed in. */
export function fingerprintBytes(bytes: Uint8Array): string {
  let a = OFFSET_A ^ bytes.length;
  let b = OFFSET_B;
  for (const byte of bytes) {
    a = Math.imul(a ^ byte, PRIME);
    b = Math.imul(b ^ byte, PRIME) ^ (b >>> 13);
  }
  return hex(a, b);
}
