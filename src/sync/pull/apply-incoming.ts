// Writing what decideIncoming (incoming-card.ts) chose for one pulled card, and keeping the
// queue of local changes in step with it: a merge that left local fields BlueMind lacks keeps the
// contact queued; a deleted contact that comes back from the server drops its queued deletion.
import type { ItemValue, VCard } from "../../bluemind/models.ts";
import type { ActivityLevel } from "../../shared/status.ts";
import { text, type UserText } from "../../shared/user-text.ts";
import { describeFieldConflict } from "../../vcard/index.ts";
import type { ContactWrite } from "./changeset-plan.ts";
import type { ContactWriter } from "./contact-writer.ts";
import type { IncomingAction } from "./incoming-card.ts";
import type { PendingChanges, PullCounts } from "./pull-types.ts";

export interface IncomingStep {
  writer: ContactWriter;
  changes?: PendingChanges;
  counts: PullCounts;
  log(level: ActivityLevel, message: UserText): void;
}

/** Writes what decideIncoming chose; says what happened, for the photo step. */
export async function applyIncoming(action: IncomingAction, contactId: string, item: ItemValue<VCard>, step: IncomingStep): Promise<ContactWrite> {
  switch (action.kind) {
    case "skip":
      step.counts.unchanged++;
      return "skip";
    case "merge": {
      const name = cardName(item);
      for (const conflict of action.conflicts) {
        step.log("warning", text("logFieldConflict", name, describeFieldConflict(conflict)));
      }
      if (action.push) await step.changes?.requeue(contactId, item.uid);
      if (action.vCard === null) {
        step.counts.unchanged++;
        return "skip";
      }
      await step.writer.write(contactId, action.vCard, "update");
      step.counts.updated++;
      return "update";
    }
    default: {
      const result = await step.writer.write(contactId, action.vCard, action.kind === "update" ? "update" : "create");
      step.counts[result === "updated" ? "updated" : "created"]++;
      if (action.kind === "comes-back") {
        await step.changes?.drop(contactId);
        step.log("warning", text("logDeletedContactComesBack", cardName(item)));
      }
      return result === "updated" ? "update" : "create";
    }
  }
}

/** The card's name as the user knows it, for messages. */
export function cardName(item: ItemValue<VCard>): string {
  return item.value.identification?.formatedName?.value?.trim() || item.displayName || item.uid;
}
