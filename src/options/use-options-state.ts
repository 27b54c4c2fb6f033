// The page's copy of the background's state: loaded once, replaced by every successful answer and
// kept live by status pushes while the page is open.
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Answer, Request, StateAnswer } from "../shared/messages.ts";
import type { UserText } from "../shared/user-text.ts";
import type { OptionsBackend } from "./backend.ts";

export type Send = (request: Request) => Promise<Answer<StateAnswer>>;

export interface OptionsState {
  state: StateAnswer | null;
  /** Why the first load failed (the page then offers nothing but this message). */
  loadError: UserText | null;
  send: Send;
}

export function useOptionsState(backend: OptionsBackend): OptionsState {
  const [state, setState] = useState<StateAnswer | null>(null);
  const [loadError, setLoadError] = useState<UserText | null>(null);

  const send = useCallback<Send>(
    async (request) => {
      const answer = await backend.sendRequest(request);
      if (answer.ok) setState(answer.value);
      return answer;
    },
    [backend],
  );

  useEffect(() => {
    // Subscribed before asking, so a change that happens while the answer travels is not lost.
    const unsubscribe = backend.onStatusPush((push) => setState((s) => (s ? { ...s, status: push.status } : s)));
    void send({ type: "getState" }).then((answer) => setLoadError(answer.ok ? null : answer.error));
    return unsubscribe;
  }, [backend, send]);

  return { state, loadError, send };
}
