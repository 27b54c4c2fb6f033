// Wire shapes of the BlueMind REST API (bluemind-api.md). Field names follow the server exactly,
// misspellings included (`formatedName`, `extentedAddress`, `ownerDisplayname`), because the
// server's JSON binding is name-based. The server ignores unknown input fields and may add new
// output fields, so every interface is open to extra properties we do not model.

export interface Parameter {
  label: string;
  value: string;
}

export interface TextValue {
  value: string | null;
  parameters?: Parameter[];
}

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

export interface ItemContainerValue<T> extends ItemValue<T> {
  containerUid: string;
}

export type VCardKind = "individual" | "group" | "org" | "location";

export interface VCardName {
  familyNames?: string | null;
  givenNames?: string | null;
  additionalNames?: string | null;
  prefixes?: string | null;
  suffixes?: string | null;
  parameters?: Parameter[];
}

export interface VCardGender {
  value: string | null;
  text?: string | null;
  parameters?: Parameter[];
}

export interface VCardIdentification {
  formatedName?: TextValue;
  name?: VCardName;
  nickname?: TextValue;
  photo?: boolean;
  /** Epoch milliseconds at UTC midnight. */
  birthday?: number | null;
  anniversary?: number | null;
  gender?: VCardGender;
}

export interface VCardAddress {
  label?: string | null;
  value?: string | null;
  postOfficeBox?: string | null;
  /** Spelled this way by BlueMind. */
  extentedAddress?: string | null;
  streetAddress?: string | null;
  locality?: string | null;
  region?: string | null;
  postalCode?: string | null;
  countryName?: string | null;
  parameters?: Parameter[];
}

export interface VCardTel {
  value: string;
  ext?: string | null;
  parameters?: Parameter[];
}

export interface VCardEmail {
  value: string;
  parameters?: Parameter[];
}

export interface VCardCommunications {
  tels?: VCardTel[];
  emails?: VCardEmail[];
  impps?: TextValue[];
  langs?: TextValue[];
}

export interface GroupMember {
  containerUid: string | null;
  itemUid: string | null;
  commonName: string | null;
  mailto: string | null;
}

export interface VCardOrganizational {
  title?: string | null;
  role?: string | null;
  org?: { company?: string | null; division?: string | null; department?: string | null } | null;
  member?: GroupMember[];
}

export interface TagRef {
  itemUid?: string | null;
  containerUid?: string | null;
  label?: string | null;
  color?: string | null;
}

export interface VCardExplanatory {
  urls?: TextValue[];
  categories?: TagRef[];
  note?: string | null;
}

export interface VCardRelated {
  spouse?: string | null;
  manager?: string | null;
  assistant?: string | null;
}

export interface VCard {
  kind: VCardKind;
  source?: string | null;
  identification?: VCardIdentification;
  deliveryAddressing?: { address: VCardAddress }[];
  communications?: VCardCommunications;
  organizational?: VCardOrganizational;
  explanatory?: VCardExplanatory;
  related?: VCardRelated;
  /** `{keys: [...]}` on BlueMind ≥ 2023-04, `{key: {...}}` before. Kept opaque and passed through. */
  security?: { keys?: unknown[]; key?: unknown } | null;
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

export interface ServerFaultBody {
  errorCode?: string;
  errorType?: string;
  message?: string;
}
