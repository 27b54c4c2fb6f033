// A user's BlueMind book holds at most 15,000 items. A `_mupdates` batch whose adds would go past
// that is refused whole, before anything is applied: one MAX_ITEM_COUNT error with a null uid.
// Taken as it comes, that refusal would stop the book's push at the same batch at every sync, and
// no modification or deletion queued behind it would ever go out.
//
// So such a batch is sent once more without its adds. Its modifications and deletions land (they
// never take the book over the limit: BlueMind counts adds minus deletions), and every add comes
// back as refused on its own with BlueMind's message — which the push records like any card
// BlueMind rejects: kept queued, not sent again until the user changes it. A batch refused whole
// again, or one with no add to leave out, is answered as BlueMind answered it.
import type { ContainerUpdatesResult, VCardChanges } from "../../bluemind/models.ts";
import type { CallOptions } from "../../bluemind/transport.ts";

export const ITEM_LIMIT_ERROR = "MAX_ITEM_COUNT";

export interface UpdatesServer {
  mupdates(changes: VCardChanges, options?: CallOptions): Promise<ContainerUpdatesResult>;
}

/** `server.mupdates(changes)`, sent again without the adds when the book's item limit refused it. */
export async function mupdatesWithinItemLimit(server: UpdatesServer, changes: VCardChanges, options?: CallOptions): Promise<ContainerUpdatesResult> {
  const result = await server.mupdates(changes, options);
  const adds = changes.add ?? [];
  const refusal = result.errors.find((e) => e.uid === null && e.errorCode === ITEM_LIMIT_ERROR);
  if (refusal === undefined || adds.length === 0) return result;
  const rest: VCardChanges = { ...changes, add: [] };
  const hasRest = (rest.modify?.length ?? 0) + (rest.delete?.length ?? 0) > 0;
  const retried = hasRest ? await server.mupdates(rest, options) : { added: [], updated: [], removed: [], unhandled: [], errors: [], version: result.version };
  if (retried.errors.some((e) => e.uid === null)) return retried;
  const refusedAdds = adds.map(({ uid }) => ({ uid, errorCode: refusal.errorCode, message: refusal.message }));
  return { ...retried, errors: [...retried.errors, ...refusedAdds] };
}
