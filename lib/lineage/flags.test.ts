import { describe, expect, it } from "vitest";
import { csvCell, describeInheritance, impactCsv, isFlagActive, propagateFlags, summariseImpact, type ImpactedNode } from "./flags";

/** Downstream neighbours from an edge list. */
function downstream(edges: [string, string][]) {
  const map = new Map<string, string[]>();
  for (const [s, t] of edges) map.set(s, [...(map.get(s) ?? []), t]);
  return (id: string) => map.get(id) ?? [];
}

const isJob = (id: string) => id.startsWith("job:") || id.startsWith("run:");

describe("propagateFlags", () => {
  it("reaches every node below a diamond once, with the shortest hop count", () => {
    // a -> j1 -> b -> j3 -> d, a -> j2 -> c -> j3 -> d, plus a long way round c -> j4 -> e -> j5 -> d
    const edges: [string, string][] = [
      ["a", "job:1"], ["job:1", "b"], ["a", "job:2"], ["job:2", "c"],
      ["b", "job:3"], ["c", "job:3"], ["job:3", "d"],
      ["c", "job:4"], ["job:4", "e"], ["e", "job:5"], ["job:5", "d"],
    ];
    const result = propagateFlags([{ flagId: "f", node: "a" }], downstream(edges), isJob);
    expect([...result.keys()].sort()).toEqual(["b", "c", "d", "e", "job:1", "job:2", "job:3", "job:4", "job:5"]);
    expect(result.get("d")).toEqual([{ flagId: "f", from: "a", hops: 2, via: "job:3" }]);
    expect(result.get("b")?.[0].hops).toBe(1);
    expect(result.get("job:1")?.[0].hops).toBe(1);
    expect(result.has("a")).toBe(false);
  });

  it("terminates on a cycle of the entity graph (synthetic data fed back into training)", () => {
    // finetune -> model -> generate -> batch -> filter -> synthetic -> finetune
    const edges: [string, string][] = [
      ["corpus", "job:finetune"], ["job:finetune", "model"], ["model", "job:generate"], ["job:generate", "batch"],
      ["batch", "job:filter"], ["job:filter", "synthetic"], ["synthetic", "job:finetune"],
      ["batch", "job:evaluate"], ["job:evaluate", "report"],
    ];
    const result = propagateFlags([{ flagId: "bias", node: "corpus" }], downstream(edges), isJob);
    expect(result.get("model")?.[0].hops).toBe(1);
    expect(result.get("batch")?.[0].hops).toBe(2);
    expect(result.get("synthetic")?.[0].hops).toBe(3);
    expect(result.get("report")?.[0].hops).toBe(3);
    for (const list of result.values()) expect(list).toHaveLength(1);
  });

  it("does not let a flagged node inherit its own flag back round a cycle", () => {
    const edges: [string, string][] = [["model", "job:generate"], ["job:generate", "batch"], ["batch", "job:finetune"], ["job:finetune", "model"]];
    const result = propagateFlags([{ flagId: "f", node: "model" }], downstream(edges), isJob);
    expect(result.has("model")).toBe(false);
    expect(result.get("batch")?.[0].hops).toBe(1);
  });

  it("lists every flag a node inherits, nearest first", () => {
    const edges: [string, string][] = [["a", "run:1"], ["run:1", "b"], ["b", "run:2"], ["run:2", "c"]];
    const result = propagateFlags(
      [
        { flagId: "far", node: "a" },
        { flagId: "near", node: "b" },
      ],
      downstream(edges),
      isJob,
    );
    expect(result.get("c")?.map((x) => [x.flagId, x.hops])).toEqual([["near", 1], ["far", 2]]);
    expect(result.get("b")?.map((x) => x.flagId)).toEqual(["far"]);
  });

  it("says where an inherited flag came from", () => {
    expect(describeInheritance("assays/kinase@d1", 3)).toBe("propagated from assays/kinase@d1, 3 hops up");
    expect(describeInheritance("x", 1)).toBe("propagated from x, 1 hop up");
  });
});

describe("isFlagActive", () => {
  it("is active from its event on, until the event that removed it", () => {
    const flag = { seq: 10, removedSeq: 20 };
    expect(isFlagActive(flag, 9)).toBe(false);
    expect(isFlagActive(flag, 10)).toBe(true);
    expect(isFlagActive(flag, 19)).toBe(true);
    expect(isFlagActive(flag, 20)).toBe(false);
    expect(isFlagActive(flag)).toBe(false);
    expect(isFlagActive({ seq: 10, removedSeq: null })).toBe(true);
  });
});

describe("summariseImpact and impactCsv", () => {
  const node = (id: string, kind: string | null, hops: number, type: ImpactedNode["type"] = "datasetVersion", isFailed = false): ImpactedNode => ({
    id,
    type,
    name: id,
    version: type === "datasetVersion" ? "v" : null,
    kind,
    isFailed,
    hops,
  });
  const summary = summariseImpact([
    node("batch", "output", 3, "datasetVersion", true),
    node("model", "model", 2),
    node("run:ft", "fine_tune", 2, "run"),
    node("corpus", "data", 1),
    node("report", "eval", 3),
  ]);

  it("counts models, outputs, evaluations, data, runs and failures, and lists models and outputs nearest first", () => {
    expect(summary.counts).toEqual({ total: 5, versions: 4, models: 1, outputs: 1, evaluations: 1, data: 1, runs: 1, failed: 1 });
    expect(summary.models.map((n) => n.id)).toEqual(["model"]);
    expect(summary.outputs.map((n) => n.id)).toEqual(["batch", "report"]);
    expect(summary.nodes[0].id).toBe("corpus");
  });

  it("writes one CSV line per affected node after a header", () => {
    const csv = impactCsv({ flagId: "f1", node: "assays", kind: "bias", severity: "high" }, summary);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe("flag_id,flag_kind,severity,flagged_node,node_id,node_type,name,version,kind,hops,is_failed");
    expect(lines[1]).toBe("f1,bias,high,assays,corpus,datasetVersion,corpus,v,data,1,false");
  });

  it("quotes cells with commas or quotes and defuses spreadsheet formulas", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(null)).toBe("");
  });
});
