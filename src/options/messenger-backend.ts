// The OptionsBackend of the real page: the background over runtime messaging, Thunderbird's
// locale for strings and formats.
import type { Answer, Request, StateAnswer } from "../shared/messages.ts";
import { localized, onStatusPush, sendRequest, uiLanguage } from "../thunderbird/runtime-messaging.ts";
import { describeError } from "../shared/error-message.ts";
import { text } from "../shared/user-text.ts";
import type { OptionsBackend } from "./backend.ts";

export function messengerBackend(): OptionsBackend {
  return {
    async sendRequest(request: Request): Promise<Answer<StateAnswer>> {
      try {
        // undefined when no listener answered (background still starting).
        const answer = await sendRequest(request);
        return answer ?? { ok: false, error: text("pageNoAnswer") };
      } catch (error) {
        return { ok: false, error: describeError(error) };
      }
    },
    onStatusPush,
    // A missing key shows the key rather than an empty label, so it gets noticed and fixed.
    t: (key, ...substitutions) => localized(key, substitutions) || key,
    language: uiLanguage(),
  };
}
