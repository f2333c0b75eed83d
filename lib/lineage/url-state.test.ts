import { describe, expect, it } from "vitest";
import { granularityOf, recentre, type ExplorerState } from "./url-state";

const state: ExplorerState = {
  node: "dataset:a:b",
  depth: 3,
  direction: "upstream",
  view: "entity",
  selected: "job:a:j",
  expand: [{ id: "job:a:j", direction: "upstream" }],
  more: [{ id: "job:a:j", direction: "downstream", shown: 28 }],
  asOf: "2026-10-25T00:00:00Z",
  limit: 2000,
};

describe("granularityOf and recentre", () => {
  it("puts versions and runs in the version graph and the rest in the entity graph", () => {
    expect(granularityOf("run:1")).toBe("version");
    expect(granularityOf("datasetVersion:a:b:c")).toBe("version");
    expect(granularityOf("dataset:a:b")).toBe("entity");
    expect(granularityOf("job:a:b")).toBe("entity");
  });

  it("starts a fresh view on the new focus, keeping depth, direction, budget and the as-of point", () => {
    expect(recentre(state, "run:42")).toEqual({
      node: "run:42",
      depth: 3,
      direction: "upstream",
      view: "version",
      selected: "run:42",
      expand: [],
      more: [],
      asOf: "2026-10-25T00:00:00Z",
      limit: 2000,
    });
  });
});
