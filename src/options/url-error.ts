// The server-address rules live in bluemind/url.ts (shared with the background); this only turns
// their refusal into a sentence in the page's language.
import { ServerUrlError } from "../bluemind/errors.ts";
import { messageOf } from "../shared/error-message.ts";
import type { I18n } from "./i18n.ts";

export function describeUrlError(error: unknown, { t }: I18n): string {
  if (error instanceof ServerUrlError) return t(error.code === "INSECURE_URL" ? "urlInsecure" : "urlInvalid");
  return messageOf(error);
}
