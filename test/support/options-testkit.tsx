// Test support for the options page components (src/options/*.test.tsx): a fake OptionsBackend
// recording what the page sends, state builders, and DOM helpers for happy-dom.
import { render } from "preact";
import { act } from "preact/test-utils";
import en from "../../_locales/en/messages.json" with { type: "json" };
import fr from "../../_locales/fr/messages.json" with { type: "json" };
import type { Answer, PublicSettings, Request, StateAnswer, StatusPush } from "../../src/shared/messages.ts";
import { emptyAccountState, type AccountState, type BookStatus, type StatusSnapshot } from "../../src/shared/status.ts";
import { App } from "../../src/options/app.tsx";
import type { OptionsBackend, Translate } from "../../src/options/backend.ts";

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** messages.json semantics ($NAME$ → placeholder content → $n); a missing key throws, so a
 * component asking for a string nobody translated fails its test. */
export function translatorFor(messages: Messages): Translate {
  return (key, ...substitutions) => {
    const entry = messages[key];
    if (!entry) throw new Error(`missing message "${key}"`);
    return entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (_, name: string) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content ?? "";
      return content.replace(/\$(\d)/g, (_m, n: string) => substitutions[Number(n) - 1] ?? "");
    });
  };
}

export const MESSAGES: Record<"en" | "fr", Messages> = { en, fr };

export function account(change: Partial<AccountState> = {}): AccountState {
  return { ...emptyAccountState(), ...change };
}

export const CONNECTED: Partial<AccountState> = {
  status: "connected",
  serverUrl: "https://bm.example.com",
  login: "jeanne.dupont@example.fr",
  displayName: "Jeanne Dupont",
  userUid: "u-jeanne",
  domainUid: "example.fr",
  lastContact: Date.UTC(2025, 2, 12, 9, 30),
};

export function book(change: Partial<BookStatus> & Pick<BookStatus, "containerUid" | "name">): BookStatus {
  return {
    ownerDisplayName: "Jeanne Dupont",
    ownedByUser: true,
    isDomainDirectory: false,
    sync: true,
    readOnly: false,
    itemCount: 50,
    state: "synced",
    progress: null,
    lastSuccess: null,
    lastError: null,
    ...change,
  };
}

export function settings(change: Partial<PublicSettings> = {}): PublicSettings {
  return { serverUrl: null, login: null, syncIntervalMinutes: 5, publishLocalBooks: true, autocompleteOff: [], managed: [], ...change };
}

export function snapshot(change: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return { account: account(), books: [], syncing: false, lastSyncStarted: null, lastSyncEnded: null, activity: [], ...change };
}

type Reply = Answer<StateAnswer> | Promise<Answer<StateAnswer>>;

/** Answers every request with the current state unless `reply` says otherwise; records every
 * request, in order. */
export class FakeBackend implements OptionsBackend {
  readonly requests: Request[] = [];
  reply: (request: Request) => Reply | undefined = () => undefined;
  t: Translate;
  private readonly listeners = new Set<(push: StatusPush) => void>();

  constructor(
    public state: StateAnswer,
    readonly language: "en" | "fr" = "en",
  ) {
    this.t = translatorFor(MESSAGES[language]);
  }

  sendRequest = async (request: Request): Promise<Answer<StateAnswer>> => {
    this.requests.push(structuredClone(request));
    return (await this.reply(request)) ?? { ok: true, value: this.state };
  };

  onStatusPush = (listener: (push: StatusPush) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The background's status changed (with `change` applied to the current state). */
  async push(change: Partial<StatusSnapshot>): Promise<void> {
    this.state = { ...this.state, status: { ...this.state.status, ...change } };
    await act(() => {
      for (const listener of this.listeners) listener({ type: "status", status: this.state.status });
    });
  }
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets pending promises and Preact's re-renders run. */
export async function settle(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

export async function renderPage(backend: OptionsBackend): Promise<HTMLElement> {
  document.body.innerHTML = "";
  const root = document.createElement("main");
  document.body.append(root);
  await act(() => {
    render(<App backend={backend} />, root);
  });
  await settle();
  return root;
}

export function unmount(root: HTMLElement): void {
  render(null, root);
}

export async function click(element: Element | null): Promise<void> {
  if (!(element instanceof HTMLElement)) throw new Error("nothing to click");
  await act(() => element.click());
  await settle();
}

export async function type(input: Element | null, value: string): Promise<void> {
  if (!(input instanceof HTMLInputElement)) throw new Error("not an input");
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

export async function commit(input: Element | null, value: string): Promise<void> {
  await type(input, value);
  await act(() => {
    input!.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await settle();
}

export async function submit(form: Element | null): Promise<void> {
  if (!(form instanceof HTMLFormElement)) throw new Error("not a form");
  await act(() => {
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
  await settle();
}

export async function pressEscape(element: Element | null): Promise<void> {
  await act(() => {
    element!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
  });
  await settle();
}

export function byLabel(root: ParentNode, text: string): HTMLInputElement {
  for (const label of root.querySelectorAll("label")) {
    if (label.textContent?.trim() === text) {
      const input = label.htmlFor ? root.querySelector(`[id="${label.htmlFor}"]`) : label.querySelector("input");
      if (input instanceof HTMLInputElement) return input;
    }
  }
  throw new Error(`no input labelled "${text}"`);
}

export function buttonNamed(root: ParentNode, text: string): HTMLButtonElement | null {
  return [...root.querySelectorAll("button")].find((b) => b.textContent?.trim() === text) ?? null;
}

export function switchFor(root: ParentNode, label: string): HTMLButtonElement {
  const found = root.querySelector(`[role="switch"][aria-label="${label}"]`);
  if (!(found instanceof HTMLButtonElement)) throw new Error(`no switch "${label}"`);
  return found;
}

export function rowOf(root: ParentNode, containerUid: string): HTMLElement {
  const row = root.querySelector(`[data-container-uid="${containerUid}"]`);
  if (!(row instanceof HTMLElement)) throw new Error(`no row for ${containerUid}`);
  return row;
}

export function alertText(root: ParentNode): string {
  return [...root.querySelectorAll('[role="alert"]')].map((a) => a.textContent ?? "").join(" ").trim();
}
