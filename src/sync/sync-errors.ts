// How the engine sorts failures:
//  - fatal to the whole run: the caller cancelled, or BlueMind no longer accepts us (the client has
//    already tried to log in again): every further request would fail the same way;
//  - fatal to one book: anything else escaping a book's pull (a changeset that keeps failing, a
//    Thunderbird book that cannot be created) — the other books still sync;
//  - one card: a card the converter rejects, an _mget value that is not a card, a Thunderbird write
//    refused — recorded for retry and logged, the rest of the book goes on.
import { AuthenticationError, CancelledError } from "../bluemind/errors.ts";
import { text, UserError } from "../shared/user-text.ts";

export class SyncCancelledError extends UserError {
  constructor() {
    super(text("errorSyncCancelled"));
  }
}

export function isRunFatal(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || error instanceof SyncCancelledError || error instanceof CancelledError || error instanceof AuthenticationError;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SyncCancelledError();
}
