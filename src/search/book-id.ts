// Identifiers Thunderbird keeps for provider books and their cards. Both are pure functions of
// BlueMind uids, so they are the same after a restart, on another computer, and in tests.
//
// A provider book's id is what Thunderbird files the book under (and what a user's
// "use this book for autocompletion" choice would refer to): it must not change when the
// add-on restarts, or the book would look new each time.

/** FNV-1a, 32 bits, over UTF-16 code units: tiny, fast, well spread for short strings. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * FNV-1a, 64 bits, as 16 hex digits: card uids of a 20,000-person directory must not collide.
 * Computed on two 32-bit halves (the offset basis 0xcbf29ce484222325, the prime 2^40 + 0x1b3):
 * it runs for every card handed to Thunderbird at every key stroke, where BigInt arithmetic was
 * the search's largest cost (profiled with the bench's typing).
 */
function fnv1a64Hex(text: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64: lo·0x1b3 is below 2^41, exact in a double.
    const low = lo * 0x1b3;
    hi = (Math.imul(hi, 0x1b3) + Math.floor(low / 0x1_0000_0000) + (lo << 8)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

/** Readable part of an id: lower-case ASCII letters and digits, runs of anything else as "-". */
function slug(text: string, maxLength: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
}

/**
 * "bm-<readable form of the container uid>-<hash of the whole uid>", e.g.
 * "bm-addressbook-example-com-6b1f0e2a". The readable part helps whoever reads prefs.js or a
 * log; the hash keeps ids distinct when two uids read alike ("a.b" and "a_b").
 */
export function providerBookId(containerUid: string): string {
  const readable = slug(containerUid, 40);
  const hash = fnv1a32(containerUid).toString(16).padStart(8, "0");
  return readable === "" ? `bm-${hash}` : `bm-${readable}-${hash}`;
}

/**
 * The vCard UID of one search result: stable for a (book, item) pair, so Thunderbird sees the
 * same contact on every search, and distinct from the UIDs the sync engine gives synced copies
 * (a book can switch between search-only and synced while Thunderbird still holds results).
 */
export function providerCardUid(bookId: string, itemUid: string): string {
  return `${bookId}-${fnv1a64Hex(itemUid)}`;
}

/**
 * The vCard UID of one more address of a person in autocompletion (results.ts: one card per
 * address there; the default address keeps `providerCardUid`): stable, and distinct per address
 * so that Thunderbird never sees two different cards under one UID.
 */
export function providerAddressCardUid(bookId: string, itemUid: string, email: string): string {
  return `${bookId}-${fnv1a64Hex(`${itemUid}\u0000${email.toLowerCase()}`)}`;
}
