// The "Use in autocompletion" switches of search-only books: stored by the background in the
// settings (`autocompleteOff`), so the page shows what the last answer's settings say, with the
// wanted position while a change is on its way and the error beside the book if it failed.
import { useCallback, useState } from "preact/hooks";
import type { PublicSettings } from "../shared/messages.ts";
import type { UserText } from "../shared/user-text.ts";
import type { Send } from "./use-options-state.ts";

export interface AutocompleteSwitches {
  shown(containerUid: string): boolean;
  isPending(containerUid: string): boolean;
  errorOf(containerUid: string): UserText | null;
  change(containerUid: string, enabled: boolean): Promise<void>;
}

export function useAutocompleteSwitches(send: Send, settings: PublicSettings | null): AutocompleteSwitches {
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [errors, setErrors] = useState<ReadonlyMap<string, UserText>>(new Map());

  const change = useCallback(
    async (containerUid: string, enabled: boolean) => {
      setPending((p) => new Map(p).set(containerUid, enabled));
      setErrors((e) => without(e, containerUid));
      const answer = await send({ type: "setAutocomplete", containerUid, enabled });
      setPending((p) => without(p, containerUid));
      if (!answer.ok) setErrors((e) => new Map(e).set(containerUid, answer.error));
    },
    [send],
  );

  return {
    shown: (uid) => pending.get(uid) ?? !(settings?.autocompleteOff ?? []).includes(uid),
    isPending: (uid) => pending.has(uid),
    errorOf: (uid) => errors.get(uid) ?? null,
    change,
  };
}

function without<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}
