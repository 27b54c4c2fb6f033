// The server-address rules live in shared/server-url.ts (the REST client applies them too); this
// only turns their refusal into a sentence in the page's language.
import type { ServerUrlProblem } from "../shared/server-url.ts";
import type { I18n } from "./i18n.ts";

export function describeUrlError(problem: ServerUrlProblem, { t }: I18n): string {
  return t(problem === "INSECURE_URL" ? "urlInsecure" : "urlInvalid");
}
