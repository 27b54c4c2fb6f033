// Answers the options page's requests (shared/messages.ts) with the app's state.
import { BlueMindError } from "../bluemind/errors.ts";
import type { Answer, PublicSettings, Request, StateAnswer } from "../shared/messages.ts";
import type { ResolvedSettings } from "../shared/settings.ts";
import { messageOf } from "../shared/error-message.ts";
import type { BackgroundApp } from "./app.ts";

function publicSettings(settings: ResolvedSettings): PublicSettings {
  // The API key never leaves the background: the page has no use for it.
  const { apiKey: _apiKey, ...rest } = settings;
  return rest;
}

async function state(app: BackgroundApp): Promise<StateAnswer> {
  return { status: app.status.current, settings: publicSettings(await app.settings.load()) };
}

export async function handleRequest(app: BackgroundApp, request: Request): Promise<Answer<StateAnswer>> {
  try {
    switch (request.type) {
      case "getState":
        break;
      case "syncNow":
        void app.syncNow();
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
      case "saveSettings":
        await app.saveSettings(request);
        break;
    }
    return { ok: true, value: await state(app) };
  } catch (error) {
    return error instanceof BlueMindError ? { ok: false, error: messageOf(error), code: error.code } : { ok: false, error: messageOf(error) };
  }
}
