// A request a book's row sends (an answer to held deletions, a repair): busy while it travels,
// the background's refusal shown under the row.
import { useState } from "preact/hooks";
import type { Request } from "../shared/messages.ts";
import type { UserText } from "../shared/user-text.ts";
import type { Send } from "./use-options-state.ts";

export interface BookRequest {
  busy: boolean;
  error: UserText | null;
  send(request: Request): Promise<void>;
}

export function useBookRequest(send: Send): BookRequest {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UserText | null>(null);
  return {
    busy,
    error,
    async send(request) {
      setBusy(true);
      const answer = await send(request);
      setBusy(false);
      setError(answer.ok ? null : answer.error);
    },
  };
}
