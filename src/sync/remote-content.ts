// The part of BlueMind a pull reads, as an interface: BlueMindClient satisfies it
// (`client.addressBook(uid)`), and unit tests give scripted answers without a server.
import type { ContainerChangeset, ItemValue, VCard } from "../bluemind/models.ts";
import type { CallOptions } from "../bluemind/transport.ts";

export interface BookContent {
  changeset(since: number, options?: CallOptions): Promise<ContainerChangeset>;
  allUids(options?: CallOptions): Promise<string[]>;
  mget(uids: readonly string[], options?: CallOptions): Promise<ItemValue<VCard>[]>;
  getPhoto(uid: string, options?: CallOptions): Promise<Uint8Array | null>;
}

export interface ContentSource {
  addressBook(containerUid: string): BookContent;
}
