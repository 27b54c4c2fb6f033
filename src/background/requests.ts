// Answers the options page's requests (shared/messages.ts) with the app's state, and the few
// requests of the companion extensions the administrator allows.
import { BlueMindError } from "../bluemind/errors.ts";
import type { Answer, PublicSettings, Request, StateAnswer } from "../shared/messages.ts";
import type { ResolvedSettings } from "../shared/settings.ts";
import { companionStatus, type CompanionStatus } from "../shared/status.ts";
import { describeError } from "../shared/error-message.ts";
import type { BackgroundApp } from "./app.ts";

function publicSettings(settings: ResolvedSettings): PublicSettings {
  // The API key never leaves the background: the page has no use for it.
  const { apiKey: _apiKey, ...rest } = settings;
  return rest;
}

async function state(app: BackgroundApp): Promise<StateAnswer> {
  return { status: app.status.current, settings: publicSettings(await app.settings.load()) };
}

/** A request of the add-on's own options page (runtime-messaging.ts checked the sender). */
export async function handleRequest(app: BackgroundApp, request: Request): Promise<Answer<StateAnswer>> {
  try {
    switch (request.type) {
      case "getState":
        break;
      case "syncNow":
        void app.syncNow();
        break;
      case "stopSync":
        await app.stopSync();
        break;
      case "signIn":
        await app.signIn(request.serverUrl, request.login, request.password);
        break;
      case "signOut":
        await app.signOut(request.removeLocalBooks);
        break;
      case "setSync":
        await app.setSync(request.containerUid, request.sync);
        break;
      case "setAutocomplete":
        await app.setAutocomplete(request.containerUid, request.enabled);
        break;
      case "saveSettings":
        await app.saveSettings(request);
        break;
      case "answerDeletions":
        app.answerDeletions(request.containerUid, request.decision);
        break;
      case "repairBook":
        await app.repairBook(request.containerUid);
        break;
      case "removeCopies":
        app.removeCopies(request.containerUid);
        break;
    }
    return { ok: true, value: await state(app) };
  } catch (error) {
    const message = app.status.redact(describeError(error));
    return error instanceof BlueMindError ? { ok: false, error: message, code: error.code } : { ok: false, error: message };
  }
}

/**
 * A request of another extension (getState or syncNow only, runtime-messaging.ts). Answered only
 * when the administrator's policy lists `senderId` in companionExtensions, and then with the
 * redacted summary; undefined (no answer at all) otherwise.
 */
export async function handleExternalRequest(app: BackgroundApp, request: Request, senderId: string): Promise<Answer<CompanionStatus> | undefined> {
  if (!(await app.settings.companionExtensions()).includes(senderId)) return undefined;
  if (request.type === "syncNow") void app.syncNow();
  else if (request.type !== "getState") return undefined;
  return { ok: true, value: companionStatus(app.status.current) };
}
