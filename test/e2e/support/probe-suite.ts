// The hooks every real-Thunderbird suite needs: one probe for the suite, closed at the end, and
// no Thunderbird left running after a test, whatever its outcome (or, for a suite sharing one
// Thunderbird across its tests, after the suite).
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { ProbeClient } from "../../thunderbird/probe.ts";
import { killAllThunderbirds, type ThunderbirdInstance } from "../../thunderbird/runner.ts";

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

/**
 * The end of a suite whose tests share one Thunderbird: it quits cleanly (exit code 0), nothing
 * is left running, the probe and the fake server are closed.
 */
export async function endSharedSession(session: { tb: ThunderbirdInstance | undefined; probe: ProbeClient | undefined; server: { close(): Promise<void> } | undefined }): Promise<void> {
  if (session.tb !== undefined) expect(await session.tb.quit()).toBe(0);
  await killAllThunderbirds();
  await session.probe?.close();
  await session.server?.close();
}
