// What a user does with a search-only book in Thunderbird's real windows, scripted through
// chrome-context Marionette (thunderbird-api.md, "Driving the real user interface"): compose a
// message and type a recipient, open the address book and search a book.
import type { MarionetteClient } from "../../thunderbird/marionette.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Switches to the first window of `windowType` ("mail:3pane", "msgcompose"…), waiting for it. */
export async function switchToWindowOfType(marionette: MarionetteClient, windowType: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const handle of await marionette.getWindowHandles()) {
      await marionette.switchToWindow(handle);
      if ((await marionette.getWindowType()) === windowType) return handle;
    }
    if (Date.now() > deadline) throw new Error(`no ${windowType} window after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * From the main window: a local account with one identity (a compose window needs a sender),
 * then a new-message window for that identity.
 */
export async function openComposeWindow(marionette: MarionetteClient, sender: { name: string; email: string }): Promise<void> {
  await marionette.executeScript(
    `const [name, email] = arguments;
     const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
     const server = MailServices.accounts.createIncomingServer("e2e-sender", "localhost", "none");
     const identity = MailServices.accounts.createIdentity();
     identity.fullName = name;
     identity.email = email;
     const account = MailServices.accounts.createAccount();
     account.incomingServer = server;
     account.addIdentity(identity);
     const params = Cc["@mozilla.org/messengercompose/composeparams;1"].createInstance(Ci.nsIMsgComposeParams);
     params.type = Ci.nsIMsgCompType.New;
     params.format = Ci.nsIMsgCompFormat.Default;
     params.identity = identity;
     params.composeFields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
     MailServices.compose.OpenComposeWindowWithParams(null, params);`,
    [sender.name, sender.email],
  );
}

/** In the compose window: waits until the recipient field and its editor are ready. */
export async function waitForComposeReady(marionette: MarionetteClient, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await marionette.executeScript<boolean>(`return Boolean(window.gMsgCompose && document.getElementById("toAddrInput") && window.gLoadingComplete);`))) {
    if (Date.now() > deadline) throw new Error(`the compose window was not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** In the compose window: the `ac-value` of the shown autocompletion entries ("Name <email>"). */
export function autocompleteValues(marionette: MarionetteClient): Promise<string[]> {
  return marionette.executeScript<string[]>(
    // The recipient rows have their own (unnamed) popup: take the items of whichever is open.
    `return [...document.querySelectorAll(".autocomplete-richlistitem")]
       .filter((item) => item.closest("panel")?.state === "open" && !item.hidden && !item.collapsed)
       .map((item) => item.getAttribute("ac-value"));`,
  );
}

/**
 * In the compose window: the entries of the recipient field's autocomplete controller ("Name
 * <email>"), whether or not the popup shows them — a single match the typed text starts with is
 * completed in the field itself, with the popup closed.
 */
export function autocompleteMatches(marionette: MarionetteClient): Promise<string[]> {
  return marionette.executeScript<string[]>(
    `const controller = document.getElementById("toAddrInput").controller;
     const values = [];
     for (let i = 0; i < controller.matchCount; i++) values.push(controller.getValueAt(i));
     return values;`,
  );
}

/** In the compose window: the controller's entries once they stopped changing for `quietMs`, and its search is over. */
export async function settledMatches(marionette: MarionetteClient, quietMs = 800, timeoutMs = 8_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await autocompleteMatches(marionette);
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(100);
    const now = await autocompleteMatches(marionette);
    const searching = await marionette.executeScript<boolean>(`return document.getElementById("toAddrInput").controller.searchStatus === Ci.nsIAutoCompleteController.STATUS_SEARCHING;`);
    if (now.join("\n") !== last.join("\n") || searching) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      break;
    }
  }
  return last;
}

/** In the compose window: the popup's entries once they stopped changing for `quietMs` (Thunderbird updates it as books answer). */
export async function settledAutocomplete(marionette: MarionetteClient, quietMs = 500, timeoutMs = 8_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await autocompleteValues(marionette);
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(100);
    const now = await autocompleteValues(marionette);
    if (now.join("\n") !== last.join("\n")) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs && last.length > 0) {
      break;
    }
  }
  return last;
}

/** In the compose window: empties the recipient field being typed in (select all, delete), closing the popup. */
export async function clearRecipientInput(marionette: MarionetteClient): Promise<void> {
  await marionette.executeScript(
    `const input = document.getElementById("toAddrInput");
     input.focus();
     input.select();
     input.value = "";
     input.dispatchEvent(new Event("input", { bubbles: true }));
     input.closePopup?.();`,
  );
}

/** In the compose window: closes it without the "save this message?" question, so quit is clean. */
export async function discardComposeWindow(marionette: MarionetteClient): Promise<void> {
  await marionette.executeScript(`window.ComposeCanClose = () => true; window.close();`);
}

export interface AddressBookView {
  /** The books pane, in order: name, globe (remote) mark, read-only mark. */
  books: { uid: string; name: string; remote: boolean; readOnly: boolean }[];
  selectedUid: string | null;
  /** Cards shown, "Name <email>". */
  cards: string[];
  /** Ids of the visible list placeholders, e.g. "placeholderSearchOnly". */
  placeholders: string[];
  /** The details pane of the selected card: its heading and the lines of each section shown. */
  details: { name: string; emails: string[]; phones: string[]; other: string[] } | null;
}

const READ_VIEW = `
  const doc = win.document;
  const books = [...doc.querySelectorAll("#books > li[data-uid]")].map((row) => ({
    uid: row.dataset.uid,
    name: row.querySelector(".bookRow-name")?.textContent ?? "",
    remote: row.classList.contains("remote"),
    readOnly: row.classList.contains("readOnly"),
  }));
  const list = win.cardsPane.cardsList;
  const cards = [];
  for (let i = 0; i < list.view.rowCount; i++) {
    const card = list.view.getCardFromRow(i);
    cards.push(card.displayName + " <" + card.primaryEmail + ">");
  }
  const selected = doc.getElementById("books").getRowAtIndex(doc.getElementById("books").selectedIndex);
  const placeholders = [...doc.querySelectorAll("[id^=placeholder]")].filter((node) => !node.hidden).map((node) => node.id);
  const lines = (id) => {
    const section = doc.getElementById(id);
    if (!section || section.hidden) return [];
    return [...section.querySelectorAll("li")].map((item) => item.textContent.replace(/\\s+/g, " ").trim());
  };
  const pane = doc.getElementById("detailsPane");
  const details = pane.hidden || doc.getElementById("viewContact").hidden
    ? null
    : { name: doc.getElementById("viewContactName").textContent, emails: lines("emailAddresses"), phones: lines("phoneNumbers"), other: lines("otherInfo") };
  return { books, selectedUid: selected?.dataset.uid ?? null, cards, placeholders, details };
`;

/** From the main window: opens the address book tab on `bookUid`. */
export async function openAddressBook(marionette: MarionetteClient, bookUid: string): Promise<AddressBookView> {
  return marionette.executeScript<AddressBookView>(
    `return (async () => {
       const win = await toAddressBook(["cmd_displayAddressBook", arguments[0]]);
       await new Promise((resolve) => setTimeout(resolve, 300));
       // Thunderbird 140 has no cmd_displayAddressBook: select the book's row as that command
       // does on 153.
       const booksList = win.document.getElementById("books");
       if (booksList.getRowAtIndex(booksList.selectedIndex)?.dataset.uid !== arguments[0]) {
         booksList.selectedIndex = booksList.getIndexForUID(arguments[0]);
         await new Promise((resolve) => setTimeout(resolve, 300));
       }
       ${READ_VIEW}
     })();`,
    [bookUid],
  );
}

/**
 * In the open address book: types `text` in the search box (as the box's own input handling
 * does) and waits until the shown cards stop changing, then selects the card named `select`
 * (the first one by default) so the details pane shows it.
 */
export async function searchAddressBook(marionette: MarionetteClient, text: string, select?: string, timeoutMs = 10_000): Promise<AddressBookView> {
  return marionette.executeScript<AddressBookView>(
    `return (async () => {
       const [text, select, timeoutMs] = arguments;
       const win = document.getElementById("tabmail").currentTabInfo.browser.contentWindow;
       win.cardsPane.searchInput.overrideSearchTerm(text);
       const deadline = Date.now() + timeoutMs;
       let last = -1;
       for (;;) {
         await new Promise((resolve) => setTimeout(resolve, 300));
         const list = win.cardsPane.cardsList;
         const searching = !win.document.getElementById("placeholderSearching").hidden;
         if (!searching && list.view.rowCount > 0 && list.view.rowCount === last) break;
         last = list.view.rowCount;
         if (Date.now() > deadline) break;
       }
       const view = win.cardsPane.cardsList.view;
       let index = 0;
       for (let i = 0; i < view.rowCount; i++) if (view.getCardFromRow(i).displayName === select) index = i;
       if (view.rowCount > 0) win.cardsPane.cardsList.selectedIndex = index;
       await new Promise((resolve) => setTimeout(resolve, 300));
       ${READ_VIEW}
     })();`,
    [text, select ?? null, timeoutMs],
  );
}
