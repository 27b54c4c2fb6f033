// What the options page needs from the outside world, as one injectable object: the real one
// talks to the background through runtime messaging (messenger-backend.ts), tests pass a fake.
import type { Answer, Request, StateAnswer, StatusPush } from "../shared/messages.ts";
import type { MessageKey } from "../shared/user-text.ts";

/** A localised string by key (messages.json), with positional substitutions ($1, $2…). */
export type Translate = (key: MessageKey, ...substitutions: string[]) => string;

export interface OptionsBackend {
  /** Never rejects: a background that cannot be reached answers `{ok: false, error}`. */
  sendRequest(request: Request): Promise<Answer<StateAnswer>>;
  onStatusPush(listener: (push: StatusPush) => void): () => void;
  t: Translate;
  /** BCP 47 tag used for dates and numbers, the same language Thunderbird's UI uses. */
  language: string;
}
