/**
 * Test side of the probe extension (probe/background.js): a loopback HTTP endpoint the probe
 * long-polls for commands, plus typed helpers over Thunderbird's public address-book APIs.
 *
 * Usage:
 *   const probe = await ProbeClient.start();
 *   const tb = await startThunderbird({ addons: [probe.addon, addonXpi] });
 *   await probe.waitForReady();
 *   const books = await probe.listBooks();
 *
 * One ProbeClient can serve several Thunderbird starts of the same profile (restart tests):
 * each start says hello again; waitForReady() consumes one hello per call.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { writeZip } from "./zip.ts";

export const PROBE_ID = "probe@bluemind-tb.test";
const PROBE_SOURCE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "probe");
const POLL_HOLD_MS = 20_000;

export interface ProbeBook {
  id: string;
  type: "addressBook";
  name: string;
  readOnly?: boolean;
  remote?: boolean;
}

export interface ProbeContact {
  id: string;
  parentId: string;
  type: "contact";
  readOnly?: boolean;
  remote?: boolean;
  properties: Record<string, string> & { vCard?: string };
}

export interface ProbeMailingList {
  id: string;
  parentId: string;
  type: "mailingList";
  name: string;
  nickName: string;
  description: string;
  readOnly?: boolean;
  remote?: boolean;
}

export interface ProbeEvent {
  /** e.g. "contacts.onCreated", "addressBooks.onDeleted". */
  type: string;
  args: unknown[];
  at: number;
  sessionId: string;
}

export interface ProbeHello {
  sessionId: string;
  browserInfo: { name: string; vendor: string; version: string; buildID: string };
  at: number;
}

export interface ProbeSearchCall {
  bookId: string | null;
  searchString: string;
  query: string | null;
  at: number;
}

export interface QuickSearchOptions {
  parentId?: string;
  includeLocal?: boolean;
  includeRemote?: boolean;
  includeReadOnly?: boolean;
  includeReadWrite?: boolean;
}

interface Command {
  id: number;
  method: string;
  args: unknown[];
}

interface PendingCall {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Build the probe XPI pointing at `url`; returns the XPI bytes. */
export function buildProbeXpi(config: { url: string; token: string }, options: ProbeOptions = {}): Buffer {
  const read = (name: string): Buffer => fs.readFileSync(path.join(PROBE_SOURCE_DIR, name));
  // Read synchronously before background.js registers its listeners (config.json is fetched).
  const probeOptions = { contactEvents: options.contactEvents ?? true, httpCache: options.httpCache ?? true };
  return writeZip([
    { name: "manifest.json", data: read("manifest.json") },
    { name: "options.js", data: `globalThis.PROBE_OPTIONS = ${JSON.stringify(probeOptions)};\n` },
    { name: "background.js", data: read("background.js") },
    { name: "config.json", data: JSON.stringify(config) },
  ]);
}

export interface ProbeOptions {
  /**
   * False: the probe does not listen to contact and mailing-list events (`events` has none of
   * them). For the benches: each listening extension costs Thunderbird a conversion of every
   * created contact on its main thread.
   */
  contactEvents?: boolean;
  /** False: the probe's requests stay out of Thunderbird's HTTP disk cache (for the benches). */
  httpCache?: boolean;
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
}

export class ProbeError extends Error {
  constructor(
    readonly method: string,
    message: string,
  ) {
    super(message);
    this.name = "ProbeError";
  }
}

export class ProbeClient {
  /** Every event the probe forwarded, in arrival order, across Thunderbird restarts. */
  readonly events: ProbeEvent[] = [];
  readonly hellos: ProbeHello[] = [];
  /** Pass this in `startThunderbird({addons})`. */
  readonly addon: { id: string; path: string };

  private readonly queue: Command[] = [];
  private readonly waitingPolls = new Set<http.ServerResponse>();
  private readonly pending = new Map<number, PendingCall>();
  private readonly listeners = new Set<() => void>();
  private consumedHellos = 0;
  private nextId = 1;

  private constructor(
    private readonly server: http.Server,
    private readonly token: string,
    readonly url: string,
    readonly xpiPath: string,
    private readonly ownedXpiDir: string | null,
  ) {
    this.addon = { id: PROBE_ID, path: xpiPath };
  }

  /** Open the loopback endpoint and build the XPI that points at it. */
  static async start(options: { xpiDir?: string } & ProbeOptions = {}): Promise<ProbeClient> {
    const token = randomBytes(16).toString("hex");
    // The client needs the server's port, the server needs the client: late-bound.
    const bound: { client?: ProbeClient } = {};
    const server = http.createServer((request, response) => {
      const client = bound.client;
      if (!client) {
        response.writeHead(503).end();
        return;
      }
      client.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500);
        response.end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const ownedXpiDir = options.xpiDir ? null : fs.mkdtempSync(path.join(os.tmpdir(), "tb-probe-"));
    const xpiDir = options.xpiDir ?? (ownedXpiDir as string);
    const xpiPath = path.join(xpiDir, `probe-${port}.xpi`);
    fs.writeFileSync(xpiPath, buildProbeXpi({ url, token }, options));
    bound.client = new ProbeClient(server, token, url, xpiPath, ownedXpiDir);
    return bound.client;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolve when `check` returns something other than undefined, re-checked on every probe message. */
  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        const value = check();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`probe: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const requestUrl = new URL(request.url ?? "/", this.url);
    response.setHeader("access-control-allow-origin", "*");
    if (request.method === "OPTIONS") {
      response.writeHead(204, { "access-control-allow-headers": "content-type", "access-control-allow-methods": "GET, POST" }).end();
      return;
    }
    if (requestUrl.searchParams.get("token") !== this.token) {
      response.writeHead(403).end();
      return;
    }
    switch (`${request.method} ${requestUrl.pathname}`) {
      case "GET /poll":
        this.holdPoll(response);
        return;
      case "POST /hello":
        this.hellos.push((await readJson(request)) as ProbeHello);
        break;
      case "POST /events":
        this.events.push(...((await readJson(request)) as ProbeEvent[]));
        break;
      case "POST /result": {
        const result = (await readJson(request)) as { id: number; ok: boolean; value?: unknown; error?: string };
        const call = this.pending.get(result.id);
        if (call) {
          this.pending.delete(result.id);
          clearTimeout(call.timer);
          if (result.ok) call.resolve(result.value);
          else call.reject(new ProbeError(call.method, result.error ?? "unknown error"));
        }
        break;
      }
      default:
        response.writeHead(404).end();
        return;
    }
    response.writeHead(204).end();
    this.notify();
  }

  private holdPoll(response: http.ServerResponse): void {
    if (this.queue.length > 0) {
      this.sendCommands(response);
      return;
    }
    this.waitingPolls.add(response);
    const timer = setTimeout(() => {
      if (this.waitingPolls.delete(response)) response.writeHead(204).end();
    }, POLL_HOLD_MS);
    response.on("close", () => {
      clearTimeout(timer);
      this.waitingPolls.delete(response);
    });
  }

  private sendCommands(response: http.ServerResponse): void {
    const commands = this.queue.splice(0);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(commands));
  }

  private dispatch(): void {
    const [poll] = this.waitingPolls;
    if (!poll || this.queue.length === 0) return;
    this.waitingPolls.delete(poll);
    this.sendCommands(poll);
  }

  /**
   * Call `messenger.<method>(...args)` in Thunderbird, e.g. call("contacts.list", bookId).
   * Rejects with a ProbeError carrying Thunderbird's message when the API throws.
   */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    return this.callWithTimeout<T>(30_000, method, ...args);
  }

  callWithTimeout<T = unknown>(timeoutMs: number, method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const index = this.queue.findIndex((command) => command.id === id);
        if (index >= 0) this.queue.splice(index, 1);
        reject(new ProbeError(method, `probe call ${method} timed out after ${timeoutMs} ms (is Thunderbird running with the probe?)`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, timer });
      this.queue.push({ id, method, args });
      this.dispatch();
    });
  }

  /**
   * Wait for the next Thunderbird start's probe to say hello. Each call consumes one hello, so
   * call it once after each startThunderbird().
   */
  async waitForReady(timeoutMs = 60_000): Promise<ProbeHello> {
    const index = this.consumedHellos;
    const hello = await this.until(() => this.hellos[index], timeoutMs, "the probe's hello (is the probe installed?)");
    this.consumedHellos = index + 1;
    return hello;
  }

  /** First event (already received or future) of `type` that satisfies `predicate`. */
  waitForEvent(type: string, predicate: (event: ProbeEvent) => boolean = () => true, timeoutMs = 30_000): Promise<ProbeEvent> {
    return this.until(() => this.events.find((event) => event.type === type && predicate(event)), timeoutMs, `event ${type}`);
  }

  eventsOfType(type: string): ProbeEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  clearEvents(): void {
    this.events.length = 0;
  }

  /** Poll `check` until it returns a value other than undefined/null/false. */
  async waitFor<T>(check: () => Promise<T | undefined | null | false>, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() >= deadline) throw new Error(`probe: timed out after ${timeoutMs} ms waiting for ${options.what ?? "condition"}`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
    }
  }

  // --- Address books -----------------------------------------------------------------------

  listBooks(): Promise<ProbeBook[]> {
    return this.call("addressBooks.list");
  }

  createBook(name: string): Promise<string> {
    return this.call("addressBooks.create", { name });
  }

  renameBook(id: string, name: string): Promise<void> {
    return this.call("addressBooks.update", id, { name });
  }

  deleteBook(id: string): Promise<void> {
    return this.call("addressBooks.delete", id);
  }

  waitForBook(name: string | RegExp, timeoutMs = 30_000): Promise<ProbeBook> {
    const matches = (book: ProbeBook): boolean => (typeof name === "string" ? book.name === name : name.test(book.name));
    return this.waitFor(async () => (await this.listBooks()).find(matches), { timeoutMs, what: `address book ${String(name)}` });
  }

  waitForBookGone(name: string, timeoutMs = 30_000): Promise<true> {
    return this.waitFor(async () => !(await this.listBooks()).some((book) => book.name === name), {
      timeoutMs,
      what: `address book ${name} to disappear`,
    });
  }

  // --- Contacts ----------------------------------------------------------------------------

  listContacts(bookId: string): Promise<ProbeContact[]> {
    return this.call("contacts.list", bookId);
  }

  getContact(id: string): Promise<ProbeContact> {
    return this.call("contacts.get", id);
  }

  /** The contact's id is the vCard's UID when it has one. */
  createContact(bookId: string, vCard: string): Promise<string> {
    return this.call("contacts.create", bookId, { vCard });
  }

  updateContact(id: string, vCard: string): Promise<void> {
    return this.call("contacts.update", id, { vCard });
  }

  /** contacts.setPhoto, as the contact editor does when the user picks a picture. */
  setPhoto(id: string, bytes: Uint8Array, type: string): Promise<null> {
    return this.call("probe.setPhoto", id, Buffer.from(bytes).toString("base64"), type);
  }

  /** contacts.getPhoto: what Thunderbird shows for the contact (null without a photo). */
  async getPhoto(id: string): Promise<{ type: string; bytes: Buffer } | null> {
    const photo = await this.call<{ type: string; base64: string } | null>("probe.getPhoto", id);
    return photo === null ? null : { type: photo.type, bytes: Buffer.from(photo.base64, "base64") };
  }

  deleteContact(id: string): Promise<void> {
    return this.call("contacts.delete", id);
  }

  /** What compose autocompletion sees: local books and provider (search-only) books. */
  quickSearch(searchString: string, options: QuickSearchOptions = {}): Promise<ProbeContact[]> {
    const { parentId, ...flags } = options;
    const query = { searchString, ...flags };
    return parentId === undefined ? this.call("contacts.quickSearch", query) : this.call("contacts.quickSearch", parentId, query);
  }

  waitForContactCount(bookId: string, count: number, timeoutMs = 30_000): Promise<ProbeContact[]> {
    return this.waitFor(
      async () => {
        const contacts = await this.listContacts(bookId);
        return contacts.length === count ? contacts : undefined;
      },
      { timeoutMs, what: `${count} contacts in ${bookId}` },
    );
  }

  // --- Mailing lists -----------------------------------------------------------------------

  listMailingLists(bookId: string): Promise<ProbeMailingList[]> {
    return this.call("mailingLists.list", bookId);
  }

  createList(bookId: string, name: string, extra: { nickName?: string; description?: string } = {}): Promise<string> {
    return this.call("mailingLists.create", bookId, { name, ...extra });
  }

  deleteList(listId: string): Promise<void> {
    return this.call("mailingLists.delete", listId);
  }

  listMembers(listId: string): Promise<ProbeContact[]> {
    return this.call("mailingLists.listMembers", listId);
  }

  /** Thunderbird silently ignores contacts without a primary email. */
  addMember(listId: string, contactId: string): Promise<void> {
    return this.call("mailingLists.addMember", listId, contactId);
  }

  removeMember(listId: string, contactId: string): Promise<void> {
    return this.call("mailingLists.removeMember", listId, contactId);
  }

  // --- Add-ons -----------------------------------------------------------------------------

  /**
   * A provider (search-only) book of the probe: it answers every search with these vCards and
   * records what its listener received (probe/background.js).
   */
  registerSearchBook(id: string, name: string, vCards: string[], isCompleteResult = true): Promise<string> {
    return this.call<string>("probe.registerSearchBook", id, name, vCards, isCompleteResult);
  }

  unregisterSearchBook(id: string): Promise<boolean> {
    return this.call<boolean>("probe.unregisterSearchBook", id);
  }

  /** What the listener of a probe search book received, in order. `"<undefined>"` stands for undefined. */
  searchCalls(id: string): Promise<ProbeSearchCall[]> {
    return this.call<ProbeSearchCall[]>("probe.searchCalls", id);
  }

  listAddons(): Promise<Array<{ id: string; name: string; version: string; enabled: boolean; type: string }>> {
    return this.call("management.getAll");
  }

  /** Stop the endpoint, fail pending calls, delete the XPI. */
  async close(): Promise<void> {
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(new ProbeError(call.method, "probe client closed"));
    }
    this.pending.clear();
    for (const poll of this.waitingPolls) poll.destroy();
    this.waitingPolls.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.ownedXpiDir ?? this.xpiPath, { recursive: true, force: true });
  }
}
