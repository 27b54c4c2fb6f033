// Wire shapes of the BlueMind REST API (bluemind-api.md). Field names follow the server exactly,
// misspellings included (`formatedName`, `extentedAddress`, `ownerDisplayname`), because the
// server's JSON binding is name-based. The server ignores unknown input fields and may add new
// output fields, so every interface is open to extra properties we do not model.

// The card shapes live in shared/ (the vcard room reads them too); the client's users find them here.
export type {
  GroupMember,
  Parameter,
  TagRef,
  TextValue,
  VCard,
  VCardAddress,
  VCardCommunications,
  VCardEmail,
  VCardExplanatory,
  VCardGender,
  VCardIdentification,
  VCardKind,
  VCardName,
  VCardOrganizational,
  VCardRelated,
  VCardTel,
} from "../shared/bluemind-card.ts";
import type { TagRef, VCard, VCardKind } from "../shared/bluemind-card.ts";

export interface AuthUser {
  uid: string;
  domainUid: string;
  displayName: string;
  value?: {
    login?: string;
    emails?: { address: string; isDefault?: boolean; allAliases?: boolean }[];
  };
  roles: string[];
  settings?: Record<string, string>;
}

export type LoginStatus = "Ok" | "Bad" | "Expired";

export interface LoginResponse {
  status: LoginStatus;
  message: string | null;
  authKey: string | null;
  latd?: string | null;
  authUser: AuthUser | null;
}

/** GET /api/system/installation/_infos (public). `defaultDomain` is null until an administrator
 * sets one (BlueMind's system configuration `default_domain`). */
export interface PublicInfos {
  defaultDomain: string | null;
  softwareVersion: string;
  releaseName: string;
}

export interface APIKey {
  sid: string;
  displayName: string;
  subject: string;
  domainUid: string;
}

export interface ContainerSubscription {
  containerUid: string;
  offlineSync: boolean;
  automount?: boolean;
}

export interface ContainerSubscriptionDescriptor {
  containerUid: string;
  offlineSync: boolean;
  automount: boolean;
  containerType: string;
  owner: string;
  defaultContainer: boolean;
  name: string;
  /** Capital N here, unlike ContainerDescriptor.ownerDisplayname. */
  ownerDisplayName: string;
  ownerDirEntryPath?: string | null;
}

export interface ContainerDescriptor {
  uid: string;
  name: string;
  owner: string;
  type: string;
  defaultContainer: boolean;
  readOnly: boolean;
  domainUid: string;
  /** Lower-case n here, unlike ContainerSubscriptionDescriptor.ownerDisplayName. */
  ownerDisplayname: string;
  settings: Record<string, string>;
  deleted: boolean;
  internalId: number;
  writable: boolean;
  verbs: string[];
  offlineSync: boolean;
  automount: boolean;
}

export interface ItemValue<T> {
  uid: string;
  internalId?: number;
  version: number;
  displayName?: string | null;
  externalId?: string | null;
  createdBy?: string | null;
  updatedBy?: string | null;
  created?: number | null;
  updated?: number | null;
  flags?: string[];
  value: T;
}

export interface VCardInfo {
  kind: VCardKind;
  mail: string | null;
  tel: string | null;
  formatedName: string | null;
  categories?: TagRef[];
  memberCount?: number;
  photo?: boolean;
  source?: string | null;
  hasSecurityKey?: boolean;
}

export interface ContainerChangeset {
  created: string[];
  updated: string[];
  deleted: string[];
  version: number;
}

export interface VCardChanges {
  add?: { uid: string; value: VCard; photo?: string | null }[];
  modify?: { uid: string; value: VCard }[];
  delete?: { uid: string }[];
}

export interface ContainerUpdatesError {
  /** null for a batch-wide failure (MAX_ITEM_COUNT: nothing was applied). */
  uid: string | null;
  errorCode: string;
  message: string;
}

export interface ContainerUpdatesResult {
  added: string[];
  updated: string[];
  removed: string[];
  unhandled: string[];
  errors: ContainerUpdatesError[];
  version: number;
}

export type VCardOrderBy = "FormatedName" | "Pertinance";

export interface VCardQuery {
  query: string;
  from: number;
  size: number;
  orderBy?: VCardOrderBy;
  escapeQuery?: boolean;
}

export interface ListResult<T> {
  total: number;
  values: T[];
}

export interface AddressBookDescriptor {
  name: string;
  owner: string;
  domainUid: string;
  system?: boolean;
  settings?: Record<string, string>;
  orgUnitUid?: string | null;
}
