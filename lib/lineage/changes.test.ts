import { describe, expect, it } from "vitest";
import { diffParameters, diffSets } from "./changes";

describe("diffParameters", () => {
  it("reports a changed value as old -> new", () => {
    expect(diffParameters([{ key: "learning_rate", value: "3e-5" }], [{ key: "learning_rate", value: "1e-5" }])).toEqual([
      { key: "learning_rate", from: "3e-5", to: "1e-5" },
    ]);
  });

  it("reports added and removed parameters with null on the missing side", () => {
    expect(diffParameters([{ key: "seed", value: "1" }], [{ key: "lora_rank", value: "8" }])).toEqual([
      { key: "lora_rank", from: null, to: "8" },
      { key: "seed", from: "1", to: null },
    ]);
  });

  it("is empty when nothing changed, whatever the order", () => {
    const a = [{ key: "a", value: "1" }, { key: "b", value: "2" }];
    expect(diffParameters(a, [...a].reverse())).toEqual([]);
  });
});

describe("diffSets", () => {
  it("lists what was added and what was removed", () => {
    expect(diffSets(["x", "y"], ["y", "z"])).toEqual({ added: ["z"], removed: ["x"] });
  });
});
