// _mget of one batch, isolating a bad card. The client rejects a whole answer when one of its
// values is not a card (MalformedResponseError, not retried: a complete body is deterministic).
// Refusing the whole batch would block the book for ever on one broken card, so the batch is
// split in halves until the culprit is alone; it is then reported with its uid and the others go
// through. The same split also rides out a one-off garbled body (the halves simply succeed).
// If nothing at all can be read from a batch of several uids, the server is broken rather than a
// card: the error is raised instead, which bounds the cost to about twice the batch size requests.
import { MalformedResponseError } from "../../bluemind/errors.ts";
import type { ItemValue, VCard } from "../../bluemind/models.ts";
import type { BookContent } from "../remote-content.ts";
import { text, type UserText } from "../../shared/user-text.ts";

export const MGET_BATCH_SIZE = 100;

export interface CardFailure {
  uid: string;
  reason: UserText;
}

export interface FetchedBatch {
  cards: ItemValue<VCard>[];
  failures: CardFailure[];
}

export async function fetchCards(source: BookContent, uids: readonly string[], signal?: AbortSignal): Promise<FetchedBatch> {
  const result: FetchedBatch = { cards: [], failures: [] };
  if (uids.length === 0) return result;
  try {
    result.cards = await source.mget(uids, { signal });
    return result;
  } catch (error) {
    if (!(error instanceof MalformedResponseError)) throw error;
    await split(source, uids, signal, result);
    if (uids.length > 1 && result.failures.length === uids.length) throw error;
    return result;
  }
}

async function split(source: BookContent, uids: readonly string[], signal: AbortSignal | undefined, into: FetchedBatch): Promise<void> {
  if (uids.length === 1) {
    into.failures.push(...uids.map((uid) => ({ uid, reason: text("reasonNotACard") })));
    return;
  }
  const middle = Math.ceil(uids.length / 2);
  for (const half of [uids.slice(0, middle), uids.slice(middle)]) {
    try {
      into.cards.push(...(await source.mget(half, { signal })));
    } catch (error) {
      if (!(error instanceof MalformedResponseError)) throw error;
      await split(source, half, signal, into);
    }
  }
}
