// How BlueMind would name a contact from Thunderbird: for messages about it, and for the member
// entry of a group that lists it.
import { vCardToBlueMind } from "../../vcard/index.ts";

/** Name and default email of a vCard as BlueMind would read them. */
export function cardSummary(vCard: string): { name: string; email: string | null } {
  const converted = vCardToBlueMind(vCard);
  if (!converted.ok) return { name: "a contact", email: null };
  const card = converted.value;
  const emails = card.communications?.emails ?? [];
  const preferred = emails.find((e) => (e.parameters ?? []).some((p) => p.label === "DEFAULT" && p.value === "true")) ?? emails[0];
  const email = preferred?.value?.trim() || null;
  const name = card.identification?.formatedName?.value?.trim() || email || "a contact";
  return { name, email };
}
