// BlueMind's VCard JSON (bluemind-api.md §5): the card shape the REST client carries and the
// vCard converter reads and writes. Here rather than in bluemind/ because two rooms speak it
// (bluemind/ on the wire, vcard/ converting it) and vcard/ may import only shared/. Field names
// follow the server exactly, misspellings included (`formatedName`, `extentedAddress`), because
// the server's JSON binding is name-based; every interface is open to fields we do not model.

export interface Parameter {
  label: string;
  value: string;
}

export interface TextValue {
  value: string | null;
  parameters?: Parameter[];
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
