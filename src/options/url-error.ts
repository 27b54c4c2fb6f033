// The server-address rules live in shared/server-url.ts (the REST client applies them too); this
// only turns their refusal into a sentence in the page's language.
import type { ServerUrlProblem } from "../shared/server-url.ts";
import { text, type UserText } from "../shared/user-text.ts";

export function describeUrlError(problem: ServerUrlProblem): UserText {
  return text(problem === "INSECURE_URL" ? "urlInsecure" : "urlInvalid");
}
