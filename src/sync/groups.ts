// BlueMind contact groups → Thunderbird mailing lists (the pure part; pull/list-sync.ts applies it).
//
// - A list holds contacts of its own book only. A member that is a card of the same container
//   becomes that card's contact (by its derived id); a member with only an address — external
//   (containerUid null) or a card of another book, which Thunderbird cannot reference — becomes a
//   contact of the book made for that address (memberContactIdFor), shared by every group that
//   lists the address and removed when no group does any more.
// - A member with a null containerUid but an itemUid is what BlueMind's vCard and CardDAV imports
//   make, and its web application reads it as a card of the group's own book: so it is, when that
//   book has such a card; otherwise it is known by its address like any external member.
// - Thunderbird refuses list names that are empty, hold `, ; " < >` or two spaces in a row (with
//   an unhelpful "An unexpected error occurred"): names are cleaned rather than the group dropped.
import type { GroupMember, ItemValue, VCard } from "../bluemind/models.ts";
import { htmlToText, looksLikeHtml } from "../vcard/index.ts";

const FORBIDDEN_IN_LIST_NAMES = /[,;"<>]/g;
const SPACES = /\s+/g;
export const UNNAMED_LIST = "Group";

export function sanitizeListName(...candidates: (string | null | undefined)[]): string {
  for (const candidate of candidates) {
    if (typeof candidate !== "string") continue;
    const clean = candidate.replace(FORBIDDEN_IN_LIST_NAMES, " ").replace(SPACES, " ").trim();
    if (clean !== "") return clean;
  }
  return UNNAMED_LIST;
}

export interface ListFields {
  name: string;
  description: string;
}

export function listFieldsOf(item: ItemValue<VCard>): ListFields {
  const note = item.value.explanatory?.note;
  const text = typeof note === "string" ? (looksLikeHtml(note) ? htmlToText(note) : note).trim() : "";
  return { name: sanitizeListName(item.value.identification?.formatedName?.value, item.displayName), description: text };
}

export interface BareMember {
  email: string;
  name: string;
}

export interface GroupMembers {
  /** Item uids of members that are cards of this container. */
  sameBook: string[];
  /** Members known only by their address. */
  bare: BareMember[];
  /** Members with neither a card here nor an address: nothing Thunderbird can list. */
  unusable: number;
}

function addressOf(member: GroupMember): string | null {
  const mailto = typeof member.mailto === "string" ? member.mailto.trim().toLowerCase() : "";
  return mailto === "" ? null : mailto;
}

/** `isCardOfBook(itemUid)`: whether the book has that card (for members without a containerUid). */
export function groupMembers(card: VCard, containerUid: string, isCardOfBook: (itemUid: string) => boolean): GroupMembers {
  const members = Array.isArray(card.organizational?.member) ? card.organizational.member : [];
  const sameBook: string[] = [];
  const bare: BareMember[] = [];
  const seenUids = new Set<string>();
  const seenEmails = new Set<string>();
  let unusable = 0;
  for (const member of members) {
    if (typeof member !== "object" || member === null) {
      unusable++;
      continue;
    }
    const itemUid = typeof member.itemUid === "string" && member.itemUid !== "" ? member.itemUid : null;
    if (itemUid !== null && (member.containerUid === containerUid || (member.containerUid === null && isCardOfBook(itemUid)))) {
      if (!seenUids.has(itemUid)) sameBook.push(itemUid);
      seenUids.add(itemUid);
      continue;
    }
    const email = addressOf(member);
    if (email === null) {
      unusable++;
      continue;
    }
    if (!seenEmails.has(email)) bare.push({ email, name: typeof member.commonName === "string" && member.commonName.trim() !== "" ? member.commonName.trim() : email });
    seenEmails.add(email);
  }
  return { sameBook, bare, unusable };
}

/** The BlueMind card the contact of a bare-email member is written from. */
export function bareMemberCard(member: BareMember): VCard {
  return {
    kind: "individual",
    identification: { formatedName: { value: member.name, parameters: [] } },
    communications: { emails: [{ value: member.email, parameters: [] }] },
  };
}

export interface MemberChanges {
  add: string[];
  remove: string[];
}

export function memberChanges(current: readonly string[], desired: readonly string[]): MemberChanges {
  const have = new Set(current);
  const want = new Set(desired);
  return { add: [...want].filter((id) => !have.has(id)), remove: [...have].filter((id) => !want.has(id)) };
}
