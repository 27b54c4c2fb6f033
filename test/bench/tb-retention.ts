// What Thunderbird keeps in its parent process of every contact the add-on synced, and what it
// costs its garbage and cycle collectors (issue 13: the 50,000-contact freezes are the cycle
// collector). Read in the chrome context through Marionette, from ext-addressBook.js's
// `addressBookCache` (a `var` of the extension API's shared global): its node per contact, and
// whether each card holds its parsed vCard (AddrBookCard's lazy `_vCardProperties`: Thunderbird's
// message header, header-fields.js, reads every new card's emailAddresses, which parses it; a
// build of the add-on without its onCreated listener showed the same count).
import type { ThunderbirdInstance } from "../thunderbird/runner.ts";

export interface Retention {
  /** Contact nodes in ext-addressBook's cache (every contact created while it listens). */
  nodes: number;
  /** Of them, cards holding a parsed vCard. */
  parsed: number;
  /** Forced full GC and CC in the parent, ms (median of three). */
  gcMs: number;
  ccMs: number;
}

const RETENTION_SCRIPT = `const [drop] = arguments;
const { ExtensionParent } = ChromeUtils.importESModule("resource://gre/modules/ExtensionParent.sys.mjs");
const cache = ExtensionParent.apiManager.global.addressBookCache;
if (!cache) throw new Error("no addressBookCache in the extension API global");
let parsed = 0;
// AddrBookCard sets _hasVCard when its lazy _vCardProperties is first read.
for (const node of cache._contacts.values()) if ((node.item.wrappedJSObject ?? node.item)._hasVCard === true) parsed++;
const nodes = cache._contacts.size;
if (drop === "parsed") for (const node of cache._contacts.values()) {
  const card = node.item.wrappedJSObject ?? node.item;
  const own = Object.getOwnPropertyDescriptor(card, "_vCardProperties");
  if (own && "value" in own) delete card._vCardProperties;
}
if (drop === "nodes") cache.flush();
const median = (xs) => xs.sort((a, b) => a - b)[1];
const gc = [], cc = [];
for (let i = 0; i < 3; i++) {
  let t = Cu.now(); Cu.forceGC(); gc.push(Cu.now() - t);
  t = Cu.now(); Cu.forceCC(); cc.push(Cu.now() - t);
}
return { nodes, parsed, gcMs: median(gc), ccMs: median(cc) };`;

/** `drop`: after counting, forget the parsed vCards, or the whole cache (an experiment, not TB's own behaviour). */
export async function retention(tb: ThunderbirdInstance, drop: "none" | "parsed" | "nodes" = "none"): Promise<Retention> {
  const marionette = tb.marionette;
  if (!marionette) throw new Error("no Marionette");
  await marionette.setContext("chrome");
  await marionette.setScriptTimeout(300_000);
  return marionette.executeScript<Retention>(RETENTION_SCRIPT, [drop]);
}

export function formatRetention(r: Retention): string {
  return `forced GC ${r.gcMs.toFixed(0)} ms, forced CC ${r.ccMs.toFixed(0)} ms; ext-addressBook's cache holds ${r.nodes} contacts, ${r.parsed} of them with their vCard parsed`;
}
