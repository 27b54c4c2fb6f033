// The hooks every real-Thunderbird suite needs: one probe for the suite, closed at the end, and
// no Thunderbird left running after a test, whatever its outcome.
import { afterAll, afterEach, beforeAll } from "vitest";
import { ProbeClient } from "../../thunderbird/probe.ts";
import { killAllThunderbirds } from "../../thunderbird/runner.ts";

export function useProbe(receive: (probe: ProbeClient) => void): void {
  let probe: ProbeClient | null = null;
  beforeAll(async () => {
    probe = await ProbeClient.start();
    receive(probe);
  });
  afterAll(async () => {
    await probe?.close();
  });
  afterEach(async () => {
    await killAllThunderbirds();
  });
}
