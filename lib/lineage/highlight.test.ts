import { describe, expect, it } from "vitest";
import { findHighlightedPaths } from "./highlight";
import { makeGraph } from "@/tests/fixtures/lineage-graphs";

const ids = (graph: { nodes: { id: string }[] }) => graph.nodes.map((n) => n.id);

describe("findHighlightedPaths", () => {
  //  raw -> curate -> corpus -> train -> model -> generate -> batch
  //                   corpus -> stats  (a sibling branch off an ancestor)
  const graph = makeGraph("dataset:ns:model", [
    "dataset:ns:raw>job:ns:curate",
    "job:ns:curate>dataset:ns:corpus",
    "dataset:ns:corpus>job:ns:train",
    "job:ns:train>dataset:ns:model",
    "dataset:ns:model>job:ns:generate",
    "job:ns:generate>dataset:ns:batch",
    "dataset:ns:corpus>job:ns:stats",
  ]);

  it("lights the selection, all its ancestors and all its descendants", () => {
    const { nodeIds } = findHighlightedPaths(ids(graph), graph.edges, "dataset:ns:model");
    expect([...nodeIds].sort()).toEqual(
      [
        "dataset:ns:raw",
        "job:ns:curate",
        "dataset:ns:corpus",
        "job:ns:train",
        "dataset:ns:model",
        "job:ns:generate",
        "dataset:ns:batch",
      ].sort(),
    );
  });

  it("leaves a sibling branch of an ancestor dark, node and edge", () => {
    const { nodeIds, edgeKeys } = findHighlightedPaths(ids(graph), graph.edges, "dataset:ns:model");
    expect(nodeIds.has("job:ns:stats")).toBe(false);
    expect(edgeKeys.has("dataset:ns:corpus->job:ns:stats")).toBe(false);
    expect(edgeKeys.has("dataset:ns:corpus->job:ns:train")).toBe(true);
    expect(edgeKeys.size).toBe(6);
  });

  it("from a sink lights only what it came from, not other branches", () => {
    const fromBatch = findHighlightedPaths(ids(graph), graph.edges, "dataset:ns:batch");
    expect(fromBatch.nodeIds.has("dataset:ns:raw")).toBe(true);
    expect(fromBatch.nodeIds.has("job:ns:stats")).toBe(false);
    const fromStats = findHighlightedPaths(ids(graph), graph.edges, "job:ns:stats");
    expect(fromStats.nodeIds.has("job:ns:train")).toBe(false);
    expect(fromStats.nodeIds.has("dataset:ns:raw")).toBe(true);
  });

  it("terminates on a cycle of the entity graph and lights the whole loop", () => {
    // generate -> synthetic -> finetune -> model -> generate
    const loop = makeGraph("job:ns:generate", [
      "job:ns:generate>dataset:ns:synthetic",
      "dataset:ns:synthetic>job:ns:finetune",
      "job:ns:finetune>dataset:ns:model",
      "dataset:ns:model>job:ns:generate",
    ]);
    const { nodeIds, edgeKeys } = findHighlightedPaths(ids(loop), loop.edges, "dataset:ns:model");
    expect(nodeIds.size).toBe(4);
    expect(edgeKeys.size).toBe(4);
  });

  it("highlights nothing when the selection is not in the view", () => {
    const { nodeIds, edgeKeys } = findHighlightedPaths(ids(graph), graph.edges, "dataset:ns:elsewhere");
    expect(nodeIds.size).toBe(0);
    expect(edgeKeys.size).toBe(0);
  });
});
