// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import type { Answer, StateAnswer } from "../shared/messages.ts";
import {
  CONNECTED,
  FakeBackend,
  account,
  alertText,
  buttonNamed,
  byLabel,
  click,
  deferred,
  renderPage,
  settings,
  snapshot,
  submit,
  type,
  unmount,
} from "../../test/support/options-testkit.tsx";
import { text } from "../shared/user-text.ts";

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) unmount(root);
  root = null;
});

function disconnectedBackend(): FakeBackend {
  return new FakeBackend({ status: snapshot(), settings: settings() });
}

async function fillSignIn(page: HTMLElement, serverUrl: string, password = "demo") {
  await type(byLabel(page, "Server address"), serverUrl);
  await type(byLabel(page, "Login (user@domain)"), "jeanne.dupont@example.fr");
  await type(byLabel(page, "Password"), password);
}

describe("account box", () => {
  it("disconnected: says so, offers the sign-in form and no Disconnect", async () => {
    root = await renderPage(disconnectedBackend());
    expect(root.querySelector(".state-pill")?.textContent).toBe("Not connected");
    expect(root.querySelector('.state-pill[role="status"]')).not.toBeNull();
    expect(byLabel(root, "Server address").value).toBe("");
    expect(byLabel(root, "Password").type).toBe("password");
    expect(buttonNamed(root, "Connect")).not.toBeNull();
    expect(buttonNamed(root, "Disconnect")).toBeNull();
    expect(root.textContent).toContain("Connect to BlueMind to see your address books.");
  });

  it("after a Disconnect that kept unsent contacts: says in which book", async () => {
    const told = "“Clients” is no longer synced; what BlueMind does not have of it stays in Thunderbird, in the address book “Clients (not saved on BlueMind)”.";
    const message = text("detachedBookMessage", "Clients", "Clients (not saved on BlueMind)");
    root = await renderPage(new FakeBackend({ status: snapshot({ account: account({ message }) }), settings: settings() }));
    expect(root.querySelector(".account .notice")?.textContent).toBe(told);
  });

  it("signs in to the normalised origin, then forgets the password", async () => {
    const backend = disconnectedBackend();
    const answer = deferred<Answer<StateAnswer>>();
    backend.reply = (request) => (request.type === "signIn" ? answer.promise : undefined);
    root = await renderPage(backend);
    await fillSignIn(root, " https://bm.example.com/api/ ");
    await submit(root.querySelector("form"));

    expect(backend.requests).toEqual([
      { type: "getState" },
      { type: "signIn", serverUrl: "https://bm.example.com", login: "jeanne.dupont@example.fr", password: "demo" },
    ]);
    // Connecting: the password is already gone, the form is locked and says what is happening.
    expect(byLabel(root, "Password").value).toBe("");
    expect(root.querySelector("fieldset")?.disabled).toBe(true);
    expect(root.querySelector('button[type="submit"]')?.textContent).toBe("Connecting…");
    await backend.push({ account: account({ status: "connecting", serverUrl: "https://bm.example.com", login: "jeanne.dupont@example.fr" }) });
    expect(root.querySelector(".state-pill")?.textContent).toBe("Connecting…");

    backend.state = { ...backend.state, status: snapshot({ account: account(CONNECTED) }) };
    answer.resolve({ ok: true, value: backend.state });
    await click(root.querySelector(".page-header")); // lets the answer land
    expect(root.querySelector(".state-pill")?.textContent).toBe("Connected");
    expect(root.querySelector("form")).toBeNull();
    expect(root.textContent).toContain("Jeanne Dupont (jeanne.dupont@example.fr)");
    expect(alertText(root)).toBe("");
  });

  it("refuses plain http:// to a remote host without asking anything, but accepts it on loopback", async () => {
    const backend = disconnectedBackend();
    root = await renderPage(backend);
    await fillSignIn(root, "http://bm.example.com");
    await submit(root.querySelector("form"));
    expect(alertText(root)).toContain("uses http://");
    expect(backend.requests).toEqual([{ type: "getState" }]);

    await fillSignIn(root, "http://127.0.0.1:8080");
    await submit(root.querySelector("form"));
    expect(backend.requests.slice(1)).toEqual([
      { type: "signIn", serverUrl: "http://127.0.0.1:8080", login: "jeanne.dupont@example.fr", password: "demo" },
    ]);
  });

  it("bad credentials: shows the background's message in the alert region, once, and keeps the form", async () => {
    const backend = disconnectedBackend();
    const refusal = text("errorWrongPassword", "jeanne.dupont@example.fr");
    const message = "BlueMind refused to sign in jeanne.dupont@example.fr: the login or password is wrong.";
    backend.reply = (request) => {
      if (request.type !== "signIn") return undefined;
      backend.state = { ...backend.state, status: snapshot({ account: account({ status: "needs-sign-in", message: refusal, serverUrl: "https://bm.example.com", login: request.login }) }) };
      return { ok: false, error: refusal };
    };
    root = await renderPage(backend);
    await fillSignIn(root, "https://bm.example.com", "wrong");
    await submit(root.querySelector("form"));
    await backend.push({});
    expect(alertText(root)).toBe(`Sign-in failed. ${message}`);
    expect(root.textContent?.split(message).length).toBe(2);
    expect(byLabel(root, "Password").value).toBe("");
    expect(root.querySelector("fieldset")?.disabled).toBe(false);
    // A first sign-in that failed left nothing to disconnect.
    expect(buttonNamed(root, "Disconnect")).toBeNull();
  });

  it.each([
    ["en", "Server address", "Login (user@domain)", "Password", "Connect", "Sign-in failed. BlueMind cannot tell which domain this login belongs to: enter your address as user@domain."],
    [
      "fr",
      "Adresse du serveur",
      "Identifiant (utilisateur@domaine)",
      "Mot de passe",
      "Se connecter",
      "La connexion a échoué. BlueMind ne peut pas savoir à quel domaine appartient cet identifiant : saisissez votre adresse sous la forme utilisateur@domaine.",
    ],
  ] as const)("a login without @domain the server cannot complete (%s): asks for user@domain in the page's language, once", async (language, serverLabel, loginLabel, passwordLabel, connect, shown) => {
    const message = text("errorLoginNeedsDomain", "jdoe");
    const backend = new FakeBackend({ status: snapshot(), settings: settings() }, language);
    backend.reply = (request) => {
      if (request.type !== "signIn") return undefined;
      backend.state = { ...backend.state, status: snapshot({ account: account({ status: "needs-sign-in", message, serverUrl: request.serverUrl, login: request.login }) }) };
      return { ok: false, error: message, code: "LOGIN_NEEDS_DOMAIN" };
    };
    root = await renderPage(backend);
    await type(byLabel(root, serverLabel), "https://bm.example.com");
    await type(byLabel(root, loginLabel), "jdoe");
    await type(byLabel(root, passwordLabel), "secret");
    await submit(root.querySelector("form"));
    await backend.push({});
    expect(backend.requests.at(-1)).toMatchObject({ type: "signIn", login: "jdoe" });
    expect(alertText(root)).toBe(shown);
    // The background's English sentence (the account's message) is not shown beside it.
    expect(root.textContent).not.toContain('BlueMind cannot tell which domain "jdoe" belongs to: enter your address as user@domain.');
    expect(root.textContent).not.toContain("BlueMind ne peut pas savoir à quel domaine appartient « jdoe »");
    expect(buttonNamed(root, connect)).not.toBeNull();
  });

  it("connecting with a stored key at start-up: says so, with who and where, and no form", async () => {
    const backend = new FakeBackend({
      status: snapshot({ account: account({ status: "connecting", serverUrl: "https://bm.example.com", login: "jeanne.dupont@example.fr" }) }),
      settings: settings({ serverUrl: "https://bm.example.com", login: "jeanne.dupont@example.fr" }),
    });
    root = await renderPage(backend);
    expect(root.querySelector(".state-pill")?.textContent).toBe("Connecting…");
    expect(root.querySelector("form")).toBeNull();
    expect(root.querySelector(".facts")?.textContent).toContain("jeanne.dupont@example.frServerhttps://bm.example.com");
    await backend.push({ account: account({ ...CONNECTED, serverUrl: "https://bm.example.com" }) });
    expect(root.querySelector(".state-pill")?.textContent).toBe("Connected");
    expect(root.querySelector(".facts")?.textContent).toContain("Jeanne Dupont (jeanne.dupont@example.fr)");
  });

  it("a missing hasTbird role is named in the message", async () => {
    const backend = disconnectedBackend();
    const message = text("errorMissingRole", "jeanne.dupont@example.fr", "hasTbird");
    backend.reply = (request) => (request.type === "signIn" ? { ok: false, error: message } : undefined);
    root = await renderPage(backend);
    await fillSignIn(root, "https://bm.example.com");
    await submit(root.querySelector("form"));
    expect(alertText(root)).toContain('"hasTbird" role');
  });

  it("needs sign-in: explains why and prefills the server and login, never a password", async () => {
    const backend = new FakeBackend({
      status: snapshot({ account: account({ ...CONNECTED, status: "needs-sign-in", message: text("errorApiKeyRefused", "jeanne.dupont@example.fr") }) }),
      settings: settings({ serverUrl: "https://bm.example.com", login: "jeanne.dupont@example.fr" }),
    });
    root = await renderPage(backend);
    expect(root.querySelector(".state-pill")?.textContent).toBe("Sign-in needed");
    expect(root.textContent).toContain("no longer accepts the API key");
    expect(byLabel(root, "Server address").value).toBe("https://bm.example.com");
    expect(byLabel(root, "Login (user@domain)").value).toBe("jeanne.dupont@example.fr");
    expect(byLabel(root, "Password").value).toBe("");
    expect(buttonNamed(root, "Disconnect")).not.toBeNull();
  });

  it("connected: Disconnect asks whether to keep the local copies (keep by default), and Cancel gives focus back", async () => {
    const backend = new FakeBackend({ status: snapshot({ account: account(CONNECTED) }), settings: settings({ serverUrl: "https://bm.example.com" }) });
    root = await renderPage(backend);
    expect(root.textContent).toContain("https://bm.example.com");
    const disconnect = buttonNamed(root, "Disconnect")!;
    disconnect.focus();
    await click(disconnect);
    const dialog = document.querySelector("dialog")!;
    expect(dialog.open).toBe(true);
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("Disconnect from BlueMind?");
    const keep = dialog.querySelectorAll<HTMLInputElement>('input[type="radio"]')[0]!;
    expect(keep.checked).toBe(true);
    expect(document.activeElement).toBe(keep);

    await click(buttonNamed(dialog, "Cancel"));
    expect(document.querySelector("dialog")).toBeNull();
    expect(document.activeElement).toBe(disconnect);
    expect(backend.requests.map((r) => r.type)).toEqual(["getState"]);

    await click(disconnect);
    await click(document.querySelector("dialog")!.querySelectorAll<HTMLInputElement>('input[type="radio"]')[1]!);
    await click(buttonNamed(document.querySelector("dialog")!, "Disconnect"));
    expect(backend.requests.at(-1)).toEqual({ type: "signOut", removeLocalBooks: true });
  });

  it("Disconnect keeping the copies sends removeLocalBooks false", async () => {
    const backend = new FakeBackend({ status: snapshot({ account: account(CONNECTED) }), settings: settings() });
    root = await renderPage(backend);
    await click(buttonNamed(root, "Disconnect"));
    await click(buttonNamed(document.querySelector("dialog")!, "Disconnect"));
    expect(backend.requests.at(-1)).toEqual({ type: "signOut", removeLocalBooks: false });
  });

  it("managed by policy: the administrator's server and login are read-only and say who set them", async () => {
    const backend = new FakeBackend({
      status: snapshot({ account: account({ status: "disconnected", serverUrl: "https://bm.corp.example", login: "jeanne@corp.example" }) }),
      settings: settings({ serverUrl: "https://bm.corp.example", login: "jeanne@corp.example", managed: ["serverUrl", "login"] }),
    });
    root = await renderPage(backend);
    const server = byLabel(root, "Server address");
    const login = byLabel(root, "Login (user@domain)");
    expect(server.readOnly).toBe(true);
    expect(login.readOnly).toBe(true);
    expect(byLabel(root, "Password").readOnly).toBe(false);
    expect(document.getElementById(server.getAttribute("aria-describedby")!)?.textContent).toContain("Set by your administrator");
    expect(document.getElementById(login.getAttribute("aria-describedby")!)?.textContent).toContain("Set by your administrator");
    // Typing into a read-only field changes nothing that is sent.
    await type(server, "https://elsewhere.example");
    await type(byLabel(root, "Password"), "pw");
    await submit(root.querySelector("form"));
    expect(backend.requests.at(-1)).toMatchObject({ type: "signIn", serverUrl: "https://bm.corp.example", login: "jeanne@corp.example" });
  });

  it("managed API key: no sign-in form and no Disconnect, only the administrator hint", async () => {
    const backend = new FakeBackend({
      status: snapshot({ account: account(CONNECTED) }),
      settings: settings({ serverUrl: "https://bm.example.com", login: "jeanne.dupont@example.fr", managed: ["serverUrl", "login", "apiKey"] }),
    });
    root = await renderPage(backend);
    expect(buttonNamed(root, "Disconnect")).toBeNull();
    expect(root.querySelector("form")).toBeNull();
    expect(root.textContent).toContain("Set by your administrator — this connection is configured by your administrator.");
  });
});
