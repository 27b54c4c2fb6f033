import { describe, expect, it } from "vitest";
import { MAX_SYNC_INTERVAL_MINUTES, MIN_SYNC_INTERVAL_MINUTES } from "../shared/settings.ts";
import schema from "./managed-schema.json" with { type: "json" };

describe("the managed-storage schema", () => {
  it("bounds the sync interval as the settings do", () => {
    const interval = schema.properties.syncIntervalMinutes;
    expect([interval.minimum, interval.maximum]).toEqual([MIN_SYNC_INTERVAL_MINUTES, MAX_SYNC_INTERVAL_MINUTES]);
  });
});
