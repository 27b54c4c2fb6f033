import { describe, expect, it } from "vitest";
import fr from "../../_locales/fr/messages.json" with { type: "json" };
import { inEnglish, isUserText, legacyText, listOf, lookupIn, renderText, text, UserError } from "./user-text.ts";

const inFrench = (value: Parameters<typeof renderText>[0]) => renderText(value, lookupIn(fr));

describe("renderText", () => {
  it("renders nested texts in the language of the lookup, arguments shown as given", () => {
    const failed = text("logBookSyncFailed", "Clients", text("withServerMessage", text("errorDataRefused", "INVALID_EMAIL"), "Email invalid: 'x'"));
    expect(inEnglish(failed)).toBe("Sync of “Clients” failed: BlueMind refused the data (INVALID_EMAIL): Email invalid: 'x'");
    expect(inFrench(failed)).toBe("La synchronisation de « Clients » a échoué : BlueMind a refusé les données (INVALID_EMAIL) : Email invalid: 'x'");
  });

  it("joins a list of any length as the language separates items", () => {
    const warnings = listOf([text("vcardNoUid"), text("vcardEmpty"), text("dateNotADate", "x")]);
    expect(inEnglish(warnings)).toBe("no Thunderbird UID given; empty vCard; not a date: x");
    expect(inFrench(warnings)).toBe("aucun UID Thunderbird fourni ; vCard vide ; pas une date : x");
  });

  it("shows an argument holding $1 or $NAME$ as typed", () => {
    expect(inEnglish(text("logBookRenamed", "$1 and $NAME$"))).toBe("Address book renamed to “$1 and $NAME$”.");
  });

  it("shows a 0.1.0 sentence as it was written, in any language", () => {
    expect(inFrench(legacyText("Address book “Clients” created."))).toBe("Address book “Clients” created.");
  });
});

describe("isUserText", () => {
  it("accepts a known message id with string or text arguments", () => {
    expect(isUserText(text("logSyncFailed", text("errorDetail", "x")))).toBe(true);
    expect(isUserText(JSON.parse(JSON.stringify(text("logBookRenamed", "Clients"))))).toBe(true);
  });

  it("refuses a plain sentence, an unknown id, a non-string argument and endless nesting", () => {
    let deep = text("errorDetail", "x");
    for (let i = 0; i < 10; i++) deep = text("logSyncFailed", deep);
    for (const value of ["Sync failed: x", null, { key: "noSuchMessage", args: [] }, { key: "logBookRenamed" }, { key: "logBookRenamed", args: [1] }, { key: "toString", args: [] }, deep]) {
      expect(isUserText(value), JSON.stringify(value)).toBe(false);
    }
  });
});

describe("UserError", () => {
  it("carries its text, and its English as the message", () => {
    const error = new UserError(text("errorNotConnected"));
    expect(error.text).toEqual(text("errorNotConnected"));
    expect(error.message).toBe("Not connected to BlueMind.");
    expect(error.name).toBe("UserError");
  });
});
