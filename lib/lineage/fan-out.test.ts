import { describe, expect, it } from "vitest";
import { FAN_OUT_PAGE_SIZE, FAN_OUT_PAGE_STEP, foldView, morePlaceholderEdge, morePlaceholderId, pageFanOut, showMoreOf } from "./fan-out";
import { makeGraph } from "@/tests/fixtures/lineage-graphs";

const JOB = "job:ns:generate";
const batches = Array.from({ length: 12 }, (_, i) => `dataset:ns:batch-${String(i).padStart(2, "0")}`);

function fanOutGraph() {
  const graph = makeGraph(JOB, ["dataset:ns:model>" + JOB, ...batches.map((b) => `${JOB}>${b}`)]);
  // batch-11 is the newest, batch-00 the oldest
  graph.nodes = graph.nodes.map((n) => {
    const i = batches.indexOf(n.id);
    return i >= 0 ? { ...n, time: new Date(Date.UTC(2026, 0, 1 + i)).toISOString() } : n;
  });
  return graph;
}

describe("pageFanOut", () => {
  it("shows the newest page of leaves and one placeholder counting the rest", () => {
    const view = pageFanOut(fanOutGraph(), { pageSize: 5 });
    const shown = view.nodes.map((n) => n.id).filter((id) => batches.includes(id));
    expect([...shown].sort()).toEqual(batches.slice(7));
    expect(shown).toHaveLength(5);
    expect(shown).toContain("dataset:ns:batch-11");
    expect(shown).not.toContain("dataset:ns:batch-00");
    expect(view.more).toEqual([
      { id: morePlaceholderId(JOB, "downstream"), parentId: JOB, direction: "downstream", hiddenCount: 7 },
    ]);
    expect(view.edges.every((e) => shown.includes(e.target) || e.target === JOB)).toBe(true);
  });

  it("shows more once the placeholder's page grows, and no placeholder when all fit", () => {
    const id = morePlaceholderId(JOB, "downstream");
    expect(pageFanOut(fanOutGraph(), { pageSize: 5, shown: { [id]: 10 } }).more[0]?.hiddenCount).toBe(2);
    const all = pageFanOut(fanOutGraph(), { pageSize: 5, shown: { [id]: 12 } });
    expect(all.more).toEqual([]);
    expect(all.nodes).toHaveLength(14);
  });

  it("does not hide a single leaf behind a placeholder of the same size", () => {
    expect(pageFanOut(fanOutGraph(), { pageSize: 11 }).more).toEqual([]);
    expect(pageFanOut(fanOutGraph(), { pageSize: 10 }).more[0]?.hiddenCount).toBe(2);
  });

  it("never hides a kept node (the focus or the selection)", () => {
    const keep = new Set(["dataset:ns:batch-00"]);
    const view = pageFanOut(fanOutGraph(), { pageSize: 5, keep });
    expect(view.nodes.map((n) => n.id)).toContain("dataset:ns:batch-00");
    expect(view.more[0]?.hiddenCount).toBe(6);
  });

  it("never pages a node that connects to something else, so no path is cut", () => {
    const graph = fanOutGraph();
    graph.edges.push({ source: "dataset:ns:batch-00", target: "job:ns:evaluate" });
    graph.nodes.push({ ...graph.nodes[0], id: "job:ns:evaluate", type: "job", name: "evaluate" });
    const view = pageFanOut(graph, { pageSize: 5 });
    expect(view.nodes.map((n) => n.id)).toContain("dataset:ns:batch-00");
    expect(view.nodes.map((n) => n.id)).toContain("job:ns:evaluate");
  });

  it("ties an upstream placeholder into its parent and a downstream one out of it", () => {
    const base = { id: "x", parentId: JOB, hiddenCount: 3 };
    expect(morePlaceholderEdge({ ...base, direction: "downstream" })).toEqual({ source: JOB, target: "x" });
    expect(morePlaceholderEdge({ ...base, direction: "upstream" })).toEqual({ source: "x", target: JOB });
  });
});

describe("foldView and showMoreOf", () => {
  it("folds a view as the explorer draws it: the first page, the focus and selection kept, and one more page per click", () => {
    const graph = fanOutGraph();
    // The oldest batch would be on no page of its own; selected, it stays.
    const selected = batches[0]!;
    const first = foldView(graph, [], selected);
    expect(first.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([JOB, selected, ...batches.slice(4)]));
    expect(first.more[0]?.hiddenCount).toBe(3);
    const placeholder = first.more[0]!;
    const pages = showMoreOf([], placeholder);
    expect(pages).toEqual([{ id: placeholder.parentId, direction: placeholder.direction, shown: FAN_OUT_PAGE_SIZE + FAN_OUT_PAGE_STEP }]);
    expect(showMoreOf(pages, placeholder)).toEqual([{ id: placeholder.parentId, direction: placeholder.direction, shown: FAN_OUT_PAGE_SIZE + 2 * FAN_OUT_PAGE_STEP }]);
    expect(foldView(graph, pages, selected)).toMatchObject({ nodes: graph.nodes, more: [] });
  });
});
