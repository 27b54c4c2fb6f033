// What BlueMind's sanitizer and validator do to a VCard on every write (bluemind-api.md §6):
// missing sections filled with the server's defaults, emails lower-cased and trimmed, an empty
// formatedName rebuilt from the name parts, then the company, then the email; then validation
// (`kind must be assigned`, `identification.formatedName should not be empty`, `Email invalid`).
import type { VCard, VCardKind } from "../../src/bluemind/models.ts";
import { invalidParameter, ServerFault } from "./errors.ts";
import { defaultMail } from "./vcard-utils.ts";

const KINDS: readonly VCardKind[] = ["individual", "group", "org", "location"];

// Local part without spaces or '@'; domain made of letter/digit/hyphen labels.
const EMAIL = /^[^\s@]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fill(target: Json, key: string, defaults: Json): Json {
  const current = target[key];
  const obj: Json = isObject(current) ? current : {};
  for (const [k, v] of Object.entries(defaults)) if (!(k in obj)) obj[k] = structuredClone(v);
  target[key] = obj;
  return obj;
}

function fillArray(target: Json, key: string): unknown[] {
  const current = target[key];
  const arr = Array.isArray(current) ? current : [];
  target[key] = arr;
  return arr;
}

/** The shape a real server returns even when the client sent a sparse card. */
function withDefaults(card: Json): void {
  if (!("source" in card)) card.source = null;
  const identification = fill(card, "identification", {
    formatedName: { value: null, parameters: [] },
    name: { familyNames: null, givenNames: null, additionalNames: null, prefixes: null, suffixes: null, parameters: [] },
    nickname: { value: null, parameters: [] },
    photo: false,
    birthday: null,
    anniversary: null,
    gender: { value: null, text: null, parameters: [] },
  });
  fill(identification, "formatedName", { value: null, parameters: [] });
  fillArray(card, "deliveryAddressing");
  const communications = fill(card, "communications", {});
  for (const k of ["tels", "emails", "impps", "langs"]) fillArray(communications, k);
  const organizational = fill(card, "organizational", { title: null, role: null, org: { company: null, division: null, department: null } });
  fillArray(organizational, "member");
  const explanatory = fill(card, "explanatory", { note: null });
  fillArray(explanatory, "urls");
  fillArray(explanatory, "categories");
  fill(card, "related", { spouse: null, manager: null, assistant: null });
  if (!isObject(card.security)) card.security = { keys: [] };
}

function blank(s: unknown): boolean {
  return typeof s !== "string" || s.trim() === "";
}

function rebuildFormatedName(card: VCard): string | null {
  const n = card.identification?.name;
  const parts = [n?.prefixes, n?.givenNames, n?.additionalNames, n?.familyNames, n?.suffixes]
    .filter((p): p is string => !blank(p))
    .map((p) => p.trim());
  if (parts.length > 0) return parts.join(" ");
  const company = card.organizational?.org?.company;
  if (!blank(company)) return (company as string).trim();
  return defaultMail(card);
}

/** Deep-copies, sanitises and validates a card received from a client. Throws ServerFault. */
export function sanitizeCard(input: unknown): VCard {
  if (!isObject(input)) throw invalidParameter("VCard must be an object");
  const raw = structuredClone(input);
  if (raw.kind === null || raw.kind === undefined) throw invalidParameter("kind must be assigned");
  if (!KINDS.includes(raw.kind as VCardKind)) throw invalidParameter(`Unknown kind '${String(raw.kind)}'`);
  withDefaults(raw);
  const card = raw as unknown as VCard;

  const communications = card.communications as NonNullable<VCard["communications"]>;
  communications.emails = (communications.emails ?? [])
    .filter((e) => isObject(e) && typeof e.value === "string" && e.value.trim() !== "")
    .map((e) => ({ ...e, value: e.value.trim().toLowerCase(), parameters: e.parameters ?? [] }));
  for (const m of card.organizational?.member ?? []) {
    if (typeof m.mailto === "string") m.mailto = m.mailto.trim().toLowerCase();
  }

  const fn = (card.identification as NonNullable<VCard["identification"]>).formatedName as { value: string | null };
  if (blank(fn.value)) fn.value = rebuildFormatedName(card);
  if (blank(fn.value)) throw invalidParameter("identification.formatedName should not be empty");

  for (const e of communications.emails) {
    if (!EMAIL.test(e.value)) throw new ServerFault("INVALID_EMAIL", `Email invalid: '${e.value}'`);
  }
  return card;
}
