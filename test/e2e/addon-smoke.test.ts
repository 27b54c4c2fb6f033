// The add-on in a real Thunderbird, pre-configured by an enterprise policy, against the fake
// BlueMind server over loopback HTTP: it reads the policy, signs in with the API key with no
// user action, lists the subscriptions within seconds of start, and Thunderbird quits cleanly.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startFakeBlueMind, type FakeBlueMind } from "../fake-bluemind/index.ts";
import { killAllThunderbirds, startThunderbird } from "../thunderbird/runner.ts";
import { describeWithThunderbird } from "../thunderbird/vitest-helpers.ts";
import { builtAddonXpi, policiesFor } from "./support/addon.ts";

async function waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithThunderbird("add-on smoke test in a real Thunderbird", () => {
  let fake: FakeBlueMind;

  beforeAll(async () => {
    fake = await startFakeBlueMind({ dataset: "minimal" });
  });
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(async () => {
    await killAllThunderbirds();
  });

  it("connects with the policy's API key and lists subscriptions within 5 s of start, then quits cleanly", async () => {
    const started = Date.now();
    const apiKey = fake.control.datasetInfo().apiKeys["jdoe@example.com"];
    expect(apiKey).toBeTruthy();
    const tb = await startThunderbird({
      addons: [builtAddonXpi()],
      policies: policiesFor({ serverUrl: fake.url, login: "jdoe@example.com", apiKey: apiKey! }),
    });
    const ready = Date.now();

    const listing = await waitFor(
      () => fake.requests.find((r) => r.method === "GET" && r.path.startsWith("/api/users/example.com/subscriptions/u-jdoe")),
      20_000,
      "the subscription listing",
    );
    // Identified with the key itself: no password login, no anonymous call.
    expect(fake.requests.filter((r) => r.path.startsWith("/api/auth/login"))).toEqual([]);
    expect(fake.requests.every((r) => r.status !== 401 && r.status !== 403)).toBe(true);
    expect(listing.status).toBe(200);
    const firstSyncAfterReadyMs = listing.at - ready;
    const descriptors = await waitFor(
      () => fake.requests.find((r) => r.path === "/api/containers/_manage/_mget"),
      10_000,
      "the container descriptors",
    );
    expect(descriptors.status).toBe(200);

    const exit = await tb.quit();
    const total = Date.now() - started;
    console.log(
      `smoke: Thunderbird ready in ${ready - started} ms, subscriptions listed ${firstSyncAfterReadyMs} ms after ready, whole test ${total} ms`,
    );
    expect(exit).toBe(0);
    expect(firstSyncAfterReadyMs).toBeLessThan(5_000);
    expect(total).toBeLessThan(60_000);
    expect(tb.console.join("\n")).not.toMatch(/Error.*bluemind-address-books/i);
  });
});
