// Sync switches are optimistic: the new position shows at once, and goes back if the background
// (BlueMind first, design.md §2) refuses, with the error kept next to that book until the next try.
import { useCallback, useState } from "preact/hooks";
import type { BookStatus } from "../shared/status.ts";
import type { UserText } from "../shared/user-text.ts";
import type { Send } from "./use-options-state.ts";

export interface SyncSwitches {
  /** What the switch shows: the wanted value while a change is on its way, else the book's. */
  shown(book: BookStatus): boolean;
  isPending(containerUid: string): boolean;
  errorOf(containerUid: string): UserText | null;
  change(containerUid: string, sync: boolean): Promise<void>;
}

export function useSyncSwitches(send: Send): SyncSwitches {
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [errors, setErrors] = useState<ReadonlyMap<string, UserText>>(new Map());

  const change = useCallback(
    async (containerUid: string, sync: boolean) => {
      setPending((p) => withEntry(p, containerUid, sync));
      setErrors((e) => withoutEntry(e, containerUid));
      const answer = await send({ type: "setSync", containerUid, sync });
      // The successful answer carries the book with its new flag; dropping the wish shows it.
      setPending((p) => withoutEntry(p, containerUid));
      if (!answer.ok) setErrors((e) => withEntry(e, containerUid, answer.error));
    },
    [send],
  );

  return {
    shown: (book) => pending.get(book.containerUid) ?? book.sync,
    isPending: (uid) => pending.has(uid),
    errorOf: (uid) => errors.get(uid) ?? null,
    change,
  };
}

function withEntry<V>(map: ReadonlyMap<string, V>, key: string, value: V): Map<string, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

function withoutEntry<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}
