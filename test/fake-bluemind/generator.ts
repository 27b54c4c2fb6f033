// Deterministic test data: realistic BlueMind VCards (accents, non-Latin scripts, several typed
// emails/phones/addresses, tricky notes, birthdays, organisations, categories) and groups whose
// members point at cards of the same book plus one bare external email. Same seed + same book
// uid → same cards, on every machine. 15,000 cards take a few tens of milliseconds.
import type {
  GroupMember,
  ItemValue,
  Parameter,
  VCard,
  VCardAddress,
  VCardEmail,
  VCardTel,
} from "../../src/bluemind/models.ts";
import { CATEGORIES, COMPANIES, CULTURES, DEPARTMENTS, GROUP_NAMES, NOTES, PERSONAL_DOMAINS, TITLES } from "./name-data.ts";
import type { Culture, NamePart } from "./name-data.ts";
import { hashString, mulberry32 } from "./prng.ts";
import type { Rng } from "./prng.ts";

export interface GenerateOptions {
  seed: number;
  /** Total number of cards, groups included. */
  count: number;
  /** Container the cards go to (group members reference it; it also varies the data). */
  bookUid: string;
  /** Domain for work emails of people "of the company" (directory entries). */
  domain: string;
  /** Number of groups among the cards (default 0). */
  groups?: number;
}

export interface CardOptions {
  domain: string;
  bookUid?: string;
}

const DAY = 86_400_000;
const TOTAL_WEIGHT = CULTURES.reduce((s, c) => s + c.weight, 0);

function pickCulture(rng: Rng): Culture {
  let r = rng.next() * TOTAL_WEIGHT;
  for (const c of CULTURES) {
    r -= c.weight;
    if (r < 0) return c;
  }
  return CULTURES[0] as Culture;
}

/** ASCII form for email local parts. */
export function asciiSlug(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[øœæłđ]/g, (c) => ({ ø: "o", œ: "oe", æ: "ae", ł: "l", đ: "d" })[c] ?? c)
    .replace(/[^a-z0-9-]+/g, "");
}

const roman = (p: NamePart): string => p[1] ?? asciiSlug(p[0]);
const type = (...values: string[]): Parameter[] => values.map((value) => ({ label: "TYPE", value }));

function digits(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

function phone(rng: Rng, culture: Culture, mobile: boolean): string {
  if (culture.phonePrefix === "+33") {
    const pairs = Array.from({ length: 4 }, () => digits(rng, 2)).join(" ");
    return `+33 ${mobile ? rng.pick(["6", "7"]) : rng.pick(["1", "2", "3", "4", "5", "9"])} ${pairs}`;
  }
  return `${culture.phonePrefix} ${digits(rng, 3)} ${digits(rng, 3)} ${digits(rng, 4)}`;
}

function utcMidnight(rng: Rng, fromYear: number, toYear: number): number {
  const start = Date.UTC(fromYear, 0, 1);
  const days = Math.floor((Date.UTC(toYear, 11, 31) - start) / DAY);
  return start + rng.int(0, days) * DAY;
}

/** One individual card. `index` makes emails and the occasional number distinct. */
export function generateCard(rng: Rng, index: number, opts: CardOptions): ItemValue<VCard> {
  const culture = pickCulture(rng);
  const given = rng.pick(culture.given);
  const family = rng.pick(culture.family);
  const joiner = culture.joiner ?? " ";
  const formatted = culture.familyFirst ? `${family[0]}${joiner}${given[0]}` : `${given[0]}${joiner}${family[0]}`;
  const company = rng.chance(0.6) ? rng.pick(COMPANIES) : null;
  const ofDomain = rng.chance(0.3);
  const local = `${roman(given)}.${roman(family)}`.replace(/^\.|\.$/g, "") || `contact${index}`;
  const suffix = index > 0 && rng.chance(0.5) ? String(index) : "";

  const emails: VCardEmail[] = [];
  const emailCount = rng.chance(0.04) ? 0 : rng.chance(0.6) ? 1 : rng.int(2, 3);
  for (let i = 0; i < emailCount; i++) {
    const work = i === 0 && (company !== null || ofDomain);
    const domain = work ? (ofDomain || !company ? opts.domain : `${company.slug}.example`) : rng.pick(PERSONAL_DOMAINS);
    const value = `${i === 0 ? local : `${roman(given)}${i + 1}`}${suffix}@${domain}`;
    const parameters = type(work ? "work" : i === 0 ? "home" : rng.pick(["home", "other"]));
    // DEFAULT marks the default email; sometimes it is not the first one.
    if ((emailCount > 1 && i === 1 && rng.chance(0.2)) || (i === 0 && rng.chance(0.5))) parameters.push({ label: "DEFAULT", value: "true" });
    emails.push({ value, parameters });
  }
  // At most one DEFAULT.
  let seenDefault = false;
  for (const e of emails) {
    const params = e.parameters ?? [];
    if (params.some((p) => p.label === "DEFAULT")) {
      if (seenDefault) e.parameters = params.filter((p) => p.label !== "DEFAULT");
      seenDefault = true;
    }
  }

  const tels: VCardTel[] = [];
  const telCount = rng.int(0, 3);
  for (let i = 0; i < telCount; i++) {
    const kind = rng.pick([["cell"], ["voice", "work"], ["voice", "home"], ["fax", "work"], ["pager"]] as const);
    tels.push({ value: phone(rng, culture, kind[0] === "cell"), ext: rng.chance(0.05) ? digits(rng, 3) : null, parameters: type(...kind) });
  }

  const addresses: { address: VCardAddress }[] = [];
  const addressCount = rng.chance(0.5) ? (rng.chance(0.3) ? 2 : 1) : 0;
  for (let i = 0; i < addressCount; i++) {
    const city = rng.pick(culture.cities);
    addresses.push({
      address: {
        value: null,
        postOfficeBox: rng.chance(0.05) ? `BP ${digits(rng, 3)}` : null,
        extentedAddress: rng.chance(0.2) ? `Bâtiment ${rng.pick(["A", "B", "C"])}, ${rng.int(1, 9)}e étage` : null,
        streetAddress: `${rng.int(1, 220)} ${rng.pick(culture.streets)}`,
        locality: city.locality,
        region: city.region,
        postalCode: city.postalCode,
        countryName: city.countryName,
        parameters: type(i === 0 && company ? "work" : "home"),
      },
    });
  }

  const note = rng.chance(0.35) ? rng.pick(NOTES).replace("{name}", formatted) : null;
  const categories = rng.chance(0.25)
    ? Array.from(new Set([rng.pick(CATEGORIES), rng.pick(CATEGORIES)])).slice(0, rng.int(1, 2)).map((c) => ({
        itemUid: `tag-${asciiSlug(c.label)}`,
        containerUid: null,
        label: c.label,
        color: c.color,
      }))
    : [];

  const card: VCard = {
    kind: "individual",
    source: null,
    identification: {
      formatedName: { value: formatted, parameters: [] },
      name: {
        familyNames: family[0],
        givenNames: given[0],
        additionalNames: rng.chance(0.05) ? rng.pick(culture.given)[0] : null,
        prefixes: rng.chance(0.05) ? rng.pick(["Dr", "Me", "Pr"]) : null,
        suffixes: rng.chance(0.02) ? rng.pick(["Jr.", "III"]) : null,
        parameters: [],
      },
      nickname: { value: rng.chance(0.1) ? rng.pick(["Jo", "Lulu", "Doc", "Бобби", "小王"]) : null, parameters: [] },
      photo: rng.chance(0.08),
      birthday: rng.chance(0.4) ? utcMidnight(rng, 1950, 2003) : null,
      anniversary: rng.chance(0.05) ? utcMidnight(rng, 1980, 2020) : null,
      gender: { value: null, text: null, parameters: [] },
    },
    deliveryAddressing: addresses,
    communications: {
      tels,
      emails,
      impps: rng.chance(0.1) ? [{ value: `xmpp:${local}@${opts.domain}`, parameters: [] }] : [],
      langs: [],
    },
    organizational: {
      title: company && rng.chance(0.7) ? rng.pick(TITLES) : null,
      role: null,
      org: { company: company?.name ?? null, division: null, department: company && rng.chance(0.5) ? rng.pick(DEPARTMENTS) : null },
      member: [],
    },
    explanatory: {
      urls: company && rng.chance(0.3) ? [{ value: `https://www.${company.slug}.example/`, parameters: type("work") }] : [],
      categories,
      note,
    },
    related: { spouse: null, manager: null, assistant: null },
    security: { keys: [] },
  };
  return { uid: rng.uuid(), version: 0, displayName: formatted, value: card };
}

function defaultEmail(card: VCard): string | null {
  const emails = card.communications?.emails ?? [];
  return (emails.find((e) => e.parameters?.some((p) => p.label === "DEFAULT")) ?? emails[0])?.value ?? null;
}

/** A group of 2–8 cards of `pool` (same book) plus one bare external email. */
export function generateGroup(rng: Rng, index: number, pool: readonly ItemValue<VCard>[], bookUid: string): ItemValue<VCard> {
  const name = index < GROUP_NAMES.length ? (GROUP_NAMES[index] as string) : `${rng.pick(GROUP_NAMES)} ${index + 1}`;
  const members: GroupMember[] = [];
  // Mailing lists are about email: prefer cards that have one.
  const withEmail = pool.filter((c) => defaultEmail(c.value) !== null);
  const candidates = withEmail.length >= 2 ? withEmail : pool;
  const wanted = Math.min(candidates.length, rng.int(2, 8));
  const chosen = new Set<number>();
  for (let tries = 0; chosen.size < wanted && tries < wanted * 4; tries++) chosen.add(rng.int(0, candidates.length - 1));
  for (const i of chosen) {
    const card = candidates[i] as ItemValue<VCard>;
    members.push({ containerUid: bookUid, itemUid: card.uid, commonName: card.displayName ?? null, mailto: defaultEmail(card.value) });
  }
  members.push({ containerUid: null, itemUid: null, commonName: null, mailto: `externe.${index + 1}@example.org` });
  const card: VCard = {
    kind: "group",
    source: null,
    identification: {
      formatedName: { value: name, parameters: [] },
      name: { familyNames: null, givenNames: null, additionalNames: null, prefixes: null, suffixes: null, parameters: [] },
      nickname: { value: null, parameters: [] },
      photo: false,
      birthday: null,
      anniversary: null,
      gender: { value: null, text: null, parameters: [] },
    },
    deliveryAddressing: [],
    communications: { tels: [], emails: [], impps: [], langs: [] },
    organizational: { title: null, role: null, org: { company: null, division: null, department: null }, member: members },
    explanatory: { urls: [], categories: [], note: rng.chance(0.5) ? `Liste « ${name} », mise à jour par le secrétariat.` : null },
    related: { spouse: null, manager: null, assistant: null },
    security: { keys: [] },
  };
  return { uid: rng.uuid(), version: 0, displayName: name, value: card };
}

export function generateCards(opts: GenerateOptions): ItemValue<VCard>[] {
  const rng = mulberry32((opts.seed ^ hashString(opts.bookUid)) >>> 0);
  const groups = Math.min(opts.groups ?? 0, Math.max(0, opts.count - 1));
  const individuals: ItemValue<VCard>[] = [];
  for (let i = 0; i < opts.count - groups; i++) individuals.push(generateCard(rng, i, { domain: opts.domain, bookUid: opts.bookUid }));
  const out = [...individuals];
  for (let g = 0; g < groups; g++) out.push(generateGroup(rng, g, individuals, opts.bookUid));
  return out;
}
