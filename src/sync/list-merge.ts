// Three-way merge of a mailing list, as sets: the base is the group record (what both sides last
// agreed on), one side is Thunderbird's list, the other BlueMind's group.
//  - Members: one added on either side is in; one removed on either side is out (a removal is a
//    change, keeping the member would undo it); one both sides still hold stays.
//  - Name and description: changed on one side → that side's; changed on both to different values
//    → BlueMind's, and Thunderbird's value is reported (design.md: the server wins a conflict).
// Without a base (a list never synced), nothing can be told removed: the members are the union.
export interface ListContent {
  name: string;
  description: string;
  members: readonly string[];
}

export interface ListMerge {
  merged: ListContent;
  /** The list's fields both sides changed to different values: Thunderbird's value lost. */
  lostLocal: { field: "name" | "description"; local: string; server: string }[];
}

export function mergeMembers(base: readonly string[] | null, local: readonly string[], server: readonly string[]): string[] {
  const inBase = new Set(base ?? []);
  const inLocal = new Set(local);
  const inServer = new Set(server);
  const merged: string[] = [];
  for (const id of [...server, ...local]) {
    if (merged.includes(id)) continue;
    const removedHere = inBase.has(id) && !inLocal.has(id);
    const removedThere = inBase.has(id) && !inServer.has(id);
    if (!removedHere && !removedThere) merged.push(id);
  }
  return merged;
}

export function mergeLists(base: ListContent | null, local: ListContent, server: ListContent): ListMerge {
  const lostLocal: ListMerge["lostLocal"] = [];
  const field = (name: "name" | "description"): string => {
    if (base === null || local[name] === server[name]) return server[name];
    if (local[name] === base[name]) return server[name];
    if (server[name] === base[name]) return local[name];
    lostLocal.push({ field: name, local: local[name], server: server[name] });
    return server[name];
  };
  return {
    merged: { name: field("name"), description: field("description"), members: mergeMembers(base?.members ?? null, local.members, server.members) },
    lostLocal,
  };
}
