import { describe, expect, it } from "vitest";
import { MAX_SYNC_INTERVAL_MINUTES, MIN_SYNC_INTERVAL_MINUTES, POLICY_KEYS } from "../shared/settings.ts";
import schema from "./managed-schema.json" with { type: "json" };

describe("the managed-storage schema", () => {
  it("bounds the sync interval as the settings do", () => {
    const interval = schema.properties.syncIntervalMinutes;
    expect([interval.minimum, interval.maximum]).toEqual([MIN_SYNC_INTERVAL_MINUTES, MAX_SYNC_INTERVAL_MINUTES]);
  });

  it("describes exactly the keys the add-on reads from the policy", () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...POLICY_KEYS].sort());
    expect(schema.properties.companionExtensions).toMatchObject({ type: "array", items: { type: "string" } });
  });
});
