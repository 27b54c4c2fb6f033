// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import type { Answer, StateAnswer } from "../shared/messages.ts";
import { text } from "../shared/user-text.ts";
import { CONNECTED, FakeBackend, account, alertText, book, click, deferred, renderPage, rowOf, settings, settle, snapshot, switchFor, unmount } from "../../test/support/options-testkit.tsx";

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) unmount(root);
  root = null;
});

const SYNCED = book({ containerUid: "book:Contacts_u-jeanne", name: "Mes contacts" });
const DIRECTORY = book({ containerUid: "addressbook_example.fr", name: "Annuaire", ownerDisplayName: "example.fr", ownedByUser: false, isDomainDirectory: true, readOnly: true, itemCount: 800, sync: false, state: "search-only" });

function backendWith(autocompleteOff: string[] = [], language: "en" | "fr" = "en"): FakeBackend {
  return new FakeBackend({ status: snapshot({ account: account(CONNECTED), books: [SYNCED, DIRECTORY] }), settings: settings({ autocompleteOff }) }, language);
}

/** The background's success answer: the settings with the book in or out of autocompletion. */
function applied(backend: FakeBackend, containerUid: string, enabled: boolean): Answer<StateAnswer> {
  const off = new Set(backend.state.settings.autocompleteOff);
  if (enabled) off.delete(containerUid);
  else off.add(containerUid);
  backend.state = { ...backend.state, settings: { ...backend.state.settings, autocompleteOff: [...off] } };
  return { ok: true, value: backend.state };
}

describe("the per-book autocompletion switch", () => {
  it("is shown on search-only books only, on by default, with its explanation", async () => {
    root = await renderPage(backendWith());
    const directorySwitch = switchFor(rowOf(root, DIRECTORY.containerUid), "Use Annuaire in autocompletion");
    expect(directorySwitch.getAttribute("aria-checked")).toBe("true");
    expect(rowOf(root, DIRECTORY.containerUid).textContent).toContain("Use in autocompletion");
    expect(rowOf(root, DIRECTORY.containerUid).textContent).toContain("Searching the address book finds them either way.");
    expect(rowOf(root, SYNCED.containerUid).querySelector(".book-autocomplete")).toBeNull();
  });

  it("shows the stored choice, and sends the change to the background", async () => {
    const backend = backendWith([DIRECTORY.containerUid]);
    backend.reply = (request) => (request.type === "setAutocomplete" ? applied(backend, request.containerUid, request.enabled) : undefined);
    root = await renderPage(backend);
    const toggle = (): HTMLButtonElement => switchFor(rowOf(root!, DIRECTORY.containerUid), "Use Annuaire in autocompletion");
    expect(toggle().getAttribute("aria-checked")).toBe("false");
    await click(toggle());
    expect(backend.requests.at(-1)).toEqual({ type: "setAutocomplete", containerUid: DIRECTORY.containerUid, enabled: true });
    expect(toggle().getAttribute("aria-checked")).toBe("true");
    await click(toggle());
    expect(backend.requests.at(-1)).toEqual({ type: "setAutocomplete", containerUid: DIRECTORY.containerUid, enabled: false });
    expect(toggle().getAttribute("aria-checked")).toBe("false");
  });

  it("shows the wanted position while the change travels, and goes back with the error if it fails", async () => {
    const backend = backendWith();
    const answer = deferred<Answer<StateAnswer>>();
    backend.reply = (request) => (request.type === "setAutocomplete" ? answer.promise : undefined);
    root = await renderPage(backend);
    const toggle = (): HTMLButtonElement => switchFor(rowOf(root!, DIRECTORY.containerUid), "Use Annuaire in autocompletion");
    await click(toggle());
    expect(toggle().getAttribute("aria-checked")).toBe("false");
    expect(toggle().getAttribute("aria-busy")).toBe("true");
    answer.resolve({ ok: false, error: text("errorNotConnected") });
    await settle();
    expect(toggle().getAttribute("aria-checked")).toBe("true");
    expect(alertText(root)).toContain("The change was not saved");
  });

  it("speaks French in a French Thunderbird", async () => {
    root = await renderPage(backendWith([], "fr"));
    expect(switchFor(rowOf(root, DIRECTORY.containerUid), "Utiliser Annuaire pour l'autocomplétion").getAttribute("aria-checked")).toBe("true");
    expect(rowOf(root, DIRECTORY.containerUid).textContent).toContain("Utiliser pour l'autocomplétion");
  });
});
