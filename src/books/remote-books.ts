// The user's BlueMind address books as the rest of the add-on sees them: one record per
// subscription, joined with its container descriptor (rights, internalId) and named by the rule
// of design.md ("<name> (<owner>)" for a book someone else owns; the directory keeps its name).
import { isReadOnly } from "../bluemind/containers-api.ts";
import type { ContainerDescriptor, ContainerSubscriptionDescriptor } from "../bluemind/models.ts";

export interface RemoteBook {
  containerUid: string;
  /** BlueMind's name, already translated by the server ("Mes contacts"). */
  serverName: string;
  /** What Thunderbird shows. */
  displayName: string;
  ownerUid: string;
  ownerDisplayName: string;
  ownedByUser: boolean;
  isDomainDirectory: boolean;
  sync: boolean;
  readOnly: boolean;
  /** Changes when the container is deleted and re-created under the same uid. */
  internalId: number | null;
}

/** The domain directory's uid is `addressbook_<domainUid>` (bluemind-api.md §8). */
export function isDomainDirectoryUid(containerUid: string): boolean {
  return containerUid.startsWith("addressbook_");
}

export function displayNameOf(serverName: string, ownerDisplayName: string, ownedByUser: boolean, isDirectory: boolean): string {
  if (ownedByUser || isDirectory || !ownerDisplayName) return serverName;
  return `${serverName} (${ownerDisplayName})`;
}

export function describeRemoteBooks(
  subscriptions: readonly ContainerSubscriptionDescriptor[],
  descriptors: readonly ContainerDescriptor[],
  userUid: string,
): RemoteBook[] {
  const byUid = new Map(descriptors.map((d) => [d.uid, d]));
  const books: RemoteBook[] = [];
  for (const sub of subscriptions) {
    if (sub.containerType && sub.containerType !== "addressbook") continue;
    const descriptor = byUid.get(sub.containerUid);
    // A subscription whose container is gone (deleted by its owner) has no descriptor: skip it,
    // its local copy is removed by reconciliation like any unsubscribed book.
    if (!descriptor || descriptor.deleted) continue;
    const ownerUid = sub.owner ?? descriptor.owner;
    const ownerDisplayName = sub.ownerDisplayName ?? descriptor.ownerDisplayname ?? "";
    const ownedByUser = ownerUid === userUid;
    const isDirectory = isDomainDirectoryUid(sub.containerUid);
    const serverName = sub.name || descriptor.name;
    books.push({
      containerUid: sub.containerUid,
      serverName,
      displayName: displayNameOf(serverName, ownerDisplayName, ownedByUser, isDirectory),
      ownerUid,
      ownerDisplayName,
      ownedByUser,
      isDomainDirectory: isDirectory,
      sync: sub.offlineSync === true,
      readOnly: isReadOnly(descriptor),
      internalId: typeof descriptor.internalId === "number" ? descriptor.internalId : null,
    });
  }
  return books;
}
