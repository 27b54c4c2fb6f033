// Read-only helpers over BlueMind's VCard JSON: default email, display name, the VCardInfo
// summary returned by searches.
import type { VCard, VCardInfo } from "../../src/bluemind/models.ts";

/** The email marked DEFAULT=true, else the first one (BlueMind's VCard.defaultMail()). */
export function defaultMail(card: VCard): string | null {
  const emails = card.communications?.emails ?? [];
  const marked = emails.find((e) => e.parameters?.some((p) => p.label === "DEFAULT" && p.value === "true"));
  return (marked ?? emails[0])?.value ?? null;
}

export function formatedNameOf(card: VCard): string | null {
  return card.identification?.formatedName?.value ?? null;
}

export function toVCardInfo(card: VCard): VCardInfo {
  const security = card.security;
  return {
    kind: card.kind,
    mail: defaultMail(card),
    tel: card.communications?.tels?.[0]?.value ?? null,
    formatedName: formatedNameOf(card),
    categories: card.explanatory?.categories ?? [],
    memberCount: card.organizational?.member?.length ?? 0,
    photo: card.identification?.photo ?? false,
    source: card.source ?? null,
    hasSecurityKey: Boolean(security && ((security.keys?.length ?? 0) > 0 || security.key)),
  };
}
