import { describe, expect, it } from "vitest";
import { mergeLists, mergeMembers } from "./list-merge.ts";

describe("mergeMembers", () => {
  it("keeps an addition from either side", () => {
    expect(mergeMembers(["a"], ["a", "b"], ["a", "c"]).sort()).toEqual(["a", "b", "c"]);
  });

  it("lets a removal on either side win over the base", () => {
    expect(mergeMembers(["a", "b"], ["a"], ["a", "b", "c"]).sort()).toEqual(["a", "c"]);
    expect(mergeMembers(["a", "b"], ["a", "b", "d"], ["b"]).sort()).toEqual(["b", "d"]);
  });

  it("takes the union when there is no base", () => {
    expect(mergeMembers(null, ["a", "b"], ["b", "c"]).sort()).toEqual(["a", "b", "c"]);
  });

  it("keeps a member both sides added, once", () => {
    expect(mergeMembers([], ["x"], ["x"])).toEqual(["x"]);
  });
});

describe("mergeLists", () => {
  const base = { name: "Team", description: "", members: ["a"] };

  it("takes a field from the side that changed it", () => {
    const { merged, lostLocal } = mergeLists(base, { ...base, name: "Team A" }, { ...base, description: "from BlueMind" });
    expect(merged).toEqual({ name: "Team A", description: "from BlueMind", members: ["a"] });
    expect(lostLocal).toEqual([]);
  });

  it("lets BlueMind win a field both changed, and reports Thunderbird's value", () => {
    const { merged, lostLocal } = mergeLists(base, { ...base, name: "Local" }, { ...base, name: "Server" });
    expect(merged.name).toBe("Server");
    expect(lostLocal).toEqual([{ field: "name", local: "Local", server: "Server" }]);
  });
});
