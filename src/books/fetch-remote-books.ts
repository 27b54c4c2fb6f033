// One round of "what books does the user have on BlueMind": subscriptions, then the descriptors
// of those containers in one _mget, then their sizes (for the >1,000-contact warning).
import type { BlueMindClient } from "../bluemind/client.ts";
import { describeRemoteBooks, type RemoteBook } from "./remote-books.ts";

export interface RemoteBookWithCount extends RemoteBook {
  itemCount: number | null;
}

export async function fetchRemoteBooks(client: BlueMindClient, userUid: string, signal?: AbortSignal): Promise<RemoteBookWithCount[]> {
  const subscriptions = await client.subscriptions.list({ signal });
  const uids = subscriptions.filter((s) => !s.containerType || s.containerType === "addressbook").map((s) => s.containerUid);
  const descriptors = uids.length > 0 ? await client.containers.mget(uids, { signal }) : [];
  const books = describeRemoteBooks(subscriptions, descriptors, userUid);
  const counts = await Promise.all(
    // A size is advisory: a book whose count fails still syncs.
    books.map((b) => client.containers.itemCount(b.containerUid, { signal }).catch(() => null)),
  );
  return books.map((b, i) => ({ ...b, itemCount: counts[i] ?? null }));
}
