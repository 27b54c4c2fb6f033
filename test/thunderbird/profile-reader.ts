/**
 * Reads what Thunderbird stored in a profile, after it has exited (it locks the files while
 * running): the address books registered in prefs.js (`ldap_2.servers.<key>.*`) and each
 * book's SQLite file — `properties(card, name, value)` with the full vCard under `_vCard`,
 * mailing lists in `lists` / `list_cards`.
 *
 * The two built-in books (`pab`, `history`) are defined by Thunderbird's default prefs, not
 * prefs.js, so their defaults are merged in here. A WAL left by a killed Thunderbird is
 * applied (sqlite-wal.ts), so crash tests see the committed state.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import initSqlJs from "sql.js";
import type { PrefValue } from "./profile.ts";
import { standaloneImage } from "./sqlite-wal.ts";

export interface ProfileContact {
  uid: string;
  /** The stored vCard ("" when the card has none). */
  vCard: string;
  /** Every stored property (DisplayName, PrimaryEmail, LastModifiedDate…), `_vCard` included. */
  properties: Record<string, string>;
}

export interface ProfileMailingList {
  uid: string;
  name: string;
  nickName: string;
  description: string;
  /** Card uids of the members. */
  members: string[];
}

export interface ProfileBook {
  /** The `<key>` of `ldap_2.servers.<key>.*`. */
  key: string;
  name: string;
  fileName: string;
  /** 101 = local SQLite book, 102 = CardDAV (SQLite cache), 0 = LDAP. */
  dirType: number;
  /** The book's id as the MailExtension APIs report it. */
  uid: string | null;
  fileExists: boolean;
  contacts: ProfileContact[];
  lists: ProfileMailingList[];
}

export interface ProfileSnapshot {
  books: ProfileBook[];
  prefs: Map<string, PrefValue>;
}

const BUILT_IN_BOOKS: Record<string, { name: string; fileName: string; dirType: number }> = {
  pab: { name: "Personal Address Book", fileName: "abook.sqlite", dirType: 101 },
  history: { name: "Collected Addresses", fileName: "history.sqlite", dirType: 101 },
};

/** Parse prefs.js / user.js: `user_pref("name", value);` lines, values being JSON literals. */
export function parsePrefs(text: string): Map<string, PrefValue> {
  const prefs = new Map<string, PrefValue>();
  const line = /^\s*user_pref\(\s*("(?:[^"\\]|\\.)*")\s*,\s*(.*?)\s*\);\s*$/gm;
  for (const match of text.matchAll(line)) {
    try {
      prefs.set(JSON.parse(match[1]!) as string, JSON.parse(match[2]!) as PrefValue);
    } catch {
      // A value JSON cannot parse (never seen in practice): skip rather than fail the reader.
    }
  }
  return prefs;
}

let sqlPromise: ReturnType<typeof initSqlJs> | undefined;
function sql(): ReturnType<typeof initSqlJs> {
  sqlPromise ??= initSqlJs();
  return sqlPromise;
}

/** Contacts and lists of one address-book file (plus its -wal, if any). */
export async function readAddressBookFile(file: string): Promise<{ contacts: ProfileContact[]; lists: ProfileMailingList[] }> {
  const walFile = `${file}-wal`;
  const wal = fs.existsSync(walFile) ? fs.readFileSync(walFile) : undefined;
  const SQL = await sql();
  const db = new SQL.Database(standaloneImage(fs.readFileSync(file), wal));
  try {
    const byCard = new Map<string, Record<string, string>>();
    for (const row of db.exec("SELECT card, name, value FROM properties ORDER BY rowid")[0]?.values ?? []) {
      const [card, name, value] = row.map((cell) => (cell === null ? "" : String(cell))) as [string, string, string];
      const properties = byCard.get(card) ?? {};
      properties[name] = value;
      byCard.set(card, properties);
    }
    const contacts = [...byCard].map(([uid, properties]) => ({ uid, vCard: properties._vCard ?? "", properties }));

    const members = new Map<string, string[]>();
    for (const [list, card] of db.exec("SELECT list, card FROM list_cards")[0]?.values ?? []) {
      const key = String(list);
      members.set(key, [...(members.get(key) ?? []), String(card)]);
    }
    const lists = (db.exec("SELECT uid, name, nickName, description FROM lists")[0]?.values ?? []).map(([uid, name, nickName, description]) => ({
      uid: String(uid),
      name: String(name ?? ""),
      nickName: String(nickName ?? ""),
      description: String(description ?? ""),
      members: members.get(String(uid)) ?? [],
    }));
    return { contacts, lists };
  } finally {
    db.close();
  }
}

/** Every address book of the profile with its contacts and lists. Thunderbird must have exited. */
export async function readProfile(profileDir: string): Promise<ProfileSnapshot> {
  const prefsFile = path.join(profileDir, "prefs.js");
  const prefs = fs.existsSync(prefsFile) ? parsePrefs(fs.readFileSync(prefsFile, "utf8")) : new Map<string, PrefValue>();

  const servers = new Map<string, Map<string, PrefValue>>();
  for (const [key, builtIn] of Object.entries(BUILT_IN_BOOKS)) {
    servers.set(key, new Map<string, PrefValue>([["description", builtIn.name], ["filename", builtIn.fileName], ["dirType", builtIn.dirType]]));
  }
  for (const [name, value] of prefs) {
    const match = /^ldap_2\.servers\.([^.]+)\.(.+)$/.exec(name);
    if (!match || match[1] === "default") continue;
    const fields = servers.get(match[1]!) ?? new Map<string, PrefValue>();
    fields.set(match[2]!, value);
    servers.set(match[1]!, fields);
  }

  const books: ProfileBook[] = [];
  for (const [key, fields] of servers) {
    const fileName = fields.get("filename");
    // position 0 marks a book removed from the list; LDAP books have no local file.
    if (typeof fileName !== "string" || !fileName.endsWith(".sqlite") || fields.get("position") === 0) continue;
    const file = path.join(profileDir, fileName);
    const fileExists = fs.existsSync(file);
    const content = fileExists ? await readAddressBookFile(file) : { contacts: [], lists: [] };
    const description = fields.get("description");
    books.push({
      key,
      name: typeof description === "string" && !description.startsWith("chrome://") ? description : (BUILT_IN_BOOKS[key]?.name ?? key),
      fileName,
      dirType: Number(fields.get("dirType") ?? 101),
      uid: typeof fields.get("uid") === "string" ? (fields.get("uid") as string) : null,
      fileExists,
      ...content,
    });
  }
  return { books, prefs };
}

export function findBook(snapshot: ProfileSnapshot, name: string): ProfileBook | undefined {
  return snapshot.books.find((book) => book.name === name);
}

/**
 * Entries of Thunderbird's HTTP disk cache (`<profile>/cache2/entries`, where a `-profile` run
 * keeps it) whose stored key names a URL under `urlPrefix`: each entry file ends with its key,
 * `…:<url>`, after the cached body.
 */
export function httpCacheEntriesFor(profileDir: string, urlPrefix: string): string[] {
  const dir = path.join(profileDir, "cache2", "entries");
  if (!fs.existsSync(dir)) return [];
  const needle = Buffer.from(`:${urlPrefix}`);
  return fs.readdirSync(dir).filter((name) => fs.readFileSync(path.join(dir, name)).includes(needle));
}
