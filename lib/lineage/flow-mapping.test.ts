import { describe, expect, it } from "vitest";
import { NODE_SIZE, describeNode, handlesOf, structureKey, toFlowElements, toLayoutInput, type LineageNodeData, type MoreNodeData } from "./flow-mapping";
import { findHighlightedPaths } from "./highlight";
import { countHiddenNeighbours } from "./neighbours";
import { makeGraph, makeNode } from "@/tests/fixtures/lineage-graphs";

const RAW = "dataset:ns:raw";
const TRAIN = "job:ns:train";
const MODEL = "dataset:ns:model";
const EVAL = "job:ns:evaluate";

function view() {
  const graph = makeGraph(MODEL, [`${RAW}>${TRAIN}`, `${TRAIN}>${MODEL}`, `${MODEL}>${EVAL}`]);
  graph.nodes = graph.nodes.map((n) => (n.id === RAW ? { ...n, upstreamCount: 2 } : n));
  return { ...graph, more: [] };
}

const positions = {
  [RAW]: { x: 0, y: 0 },
  [TRAIN]: { x: 300, y: 0 },
  [MODEL]: { x: 600, y: 0 },
  [EVAL]: { x: 900, y: 0 },
};

describe("toFlowElements", () => {
  it("maps each node to its React Flow type, size and laid-out position", () => {
    const v = view();
    const { nodes } = toFlowElements(v, { focusId: MODEL, selectedId: null, highlight: null, hidden: countHiddenNeighbours(v), positions });
    const model = nodes.find((n) => n.id === MODEL)!;
    expect(model.type).toBe("dataset");
    expect(model.position).toEqual({ x: 600, y: 0 });
    expect(model.width).toBe(NODE_SIZE.dataset.width);
    expect(model.measured).toEqual(NODE_SIZE.dataset);
    expect((model.data as LineageNodeData).isFocus).toBe(true);
    expect(nodes.find((n) => n.id === TRAIN)!.type).toBe("job");
  });

  it("maps versions and runs to their own node types", () => {
    const v = {
      focus: "run:1",
      nodes: [makeNode("run:1"), makeNode("datasetVersion:ns:model:v3")],
      edges: [{ source: "run:1", target: "datasetVersion:ns:model:v3" }],
      more: [],
    };
    const { nodes } = toFlowElements(v, {
      focusId: "run:1",
      selectedId: null,
      highlight: null,
      hidden: new Map(),
      positions: { "run:1": { x: 0, y: 0 }, "datasetVersion:ns:model:v3": { x: 300, y: 0 } },
    });
    expect(nodes.map((n) => n.type)).toEqual(["run", "version"]);
  });

  it("carries the hidden-neighbour counts for the +N handles", () => {
    const v = view();
    const { nodes } = toFlowElements(v, { focusId: MODEL, selectedId: null, highlight: null, hidden: countHiddenNeighbours(v), positions });
    const raw = nodes.find((n) => n.id === RAW)!.data as LineageNodeData;
    expect(raw.hiddenUpstream).toBe(2);
    expect(raw.hiddenDownstream).toBe(0);
    expect(nodes.find((n) => n.id === RAW)!.ariaLabel).toContain("2 more upstream");
  });

  it("draws edges in data-flow direction with a closed arrow at the consumer", () => {
    const v = view();
    const { edges } = toFlowElements(v, { focusId: MODEL, selectedId: null, highlight: null, hidden: new Map(), positions });
    expect(edges.map((e) => [e.source, e.target])).toEqual([
      [RAW, TRAIN],
      [TRAIN, MODEL],
      [MODEL, EVAL],
    ]);
    expect(edges.every((e) => e.markerEnd.type === "arrowclosed")).toBe(true);
    expect(new Set(edges.map((e) => e.id)).size).toBe(edges.length);
  });

  it("leaves out nodes the layout has not placed yet, and edges touching them", () => {
    const v = view();
    const { [EVAL]: _dropped, ...partial } = positions;
    const { nodes, edges } = toFlowElements(v, { focusId: MODEL, selectedId: null, highlight: null, hidden: new Map(), positions: partial });
    expect(nodes.map((n) => n.id)).not.toContain(EVAL);
    expect(edges.some((e) => e.target === EVAL)).toBe(false);
  });

  it("marks the selection's paths and dims the rest only while something is selected", () => {
    const v = { ...view(), nodes: [...view().nodes, makeNode("dataset:ns:other")] };
    const withOther = { ...v, edges: [...v.edges, { source: TRAIN, target: "dataset:ns:other" }] };
    const highlight = findHighlightedPaths(withOther.nodes.map((n) => n.id), withOther.edges, MODEL);
    const allPositions = { ...positions, "dataset:ns:other": { x: 600, y: 200 } };
    const { nodes, edges } = toFlowElements(withOther, { focusId: MODEL, selectedId: MODEL, highlight, hidden: new Map(), positions: allPositions });
    const emphasis = Object.fromEntries(nodes.map((n) => [n.id, (n.data as LineageNodeData).emphasis]));
    expect(emphasis[RAW]).toBe("path");
    expect(emphasis[EVAL]).toBe("path");
    expect(emphasis["dataset:ns:other"]).toBe("dim");
    expect(nodes.find((n) => n.id === "dataset:ns:other")!.className).toBe("tl-node-dim");
    expect(nodes.find((n) => n.id === MODEL)!.selected).toBe(true);
    expect(edges.find((e) => e.target === "dataset:ns:other")!.className).toBe("tl-edge-dim");
    expect(edges.find((e) => e.target === MODEL)!.className).toBe("tl-edge-path");

    const plain = toFlowElements(withOther, { focusId: MODEL, selectedId: null, highlight: null, hidden: new Map(), positions: allPositions });
    expect(plain.nodes.every((n) => n.className === undefined)).toBe(true);
    expect(plain.edges.every((e) => e.className === undefined)).toBe(true);
  });

  it("draws a fan-out placeholder with its count, tied to its parent", () => {
    const more = { id: "more:downstream:" + MODEL, parentId: MODEL, direction: "downstream" as const, hiddenCount: 9 };
    const v = { ...view(), more: [more] };
    const { nodes, edges } = toFlowElements(v, {
      focusId: MODEL,
      selectedId: null,
      highlight: null,
      hidden: new Map(),
      positions: { ...positions, [more.id]: { x: 900, y: 120 } },
    });
    const placeholder = nodes.find((n) => n.id === more.id)!;
    expect(placeholder.type).toBe("more");
    expect((placeholder.data as MoreNodeData).more.hiddenCount).toBe(9);
    expect(edges.find((e) => e.target === more.id)?.source).toBe(MODEL);
  });
});

describe("toLayoutInput and structureKey", () => {
  it("gives the layout every box with its type's size, placeholders included", () => {
    const v = view();
    const more = { id: "more:upstream:" + RAW, parentId: RAW, direction: "upstream" as const, hiddenCount: 4 };
    const input = toLayoutInput(v.nodes, v.edges, [more]);
    expect(input.nodes.find((n) => n.id === TRAIN)).toEqual({ id: TRAIN, ...NODE_SIZE.job });
    expect(input.nodes.find((n) => n.id === more.id)).toEqual({ id: more.id, ...NODE_SIZE.more });
    expect(input.edges).toContainEqual({ source: more.id, target: RAW });
  });

  it("is the same key whatever the order of nodes and edges, and changes with the structure", () => {
    const v = view();
    const a = structureKey(toLayoutInput(v.nodes, v.edges));
    const b = structureKey(toLayoutInput([...v.nodes].reverse(), [...v.edges].reverse()));
    expect(a).toBe(b);
    const c = structureKey(toLayoutInput(v.nodes, v.edges.slice(1)));
    expect(c).not.toBe(a);
  });
});

describe("describeNode", () => {
  it("names the node and what is special about it", () => {
    const text = describeNode(makeNode("datasetVersion:ns:batch:7", { version: "7", isFailed: true, isSynthetic: true }), 0, 3);
    expect(text).toBe("Dataset version batch:7 version 7, kind data, failed, synthetic, 3 more downstream");
  });
});

describe("handlesOf", () => {
  it("puts a 6px target handle on the middle of the left side and a source handle on the right, inside a lineage box's 1px border", () => {
    expect(handlesOf("version")).toEqual([
      { type: "target", position: "left", x: -2, y: 33, width: 6, height: 6 },
      { type: "source", position: "right", x: 300, y: 33, width: 6, height: 6 },
    ]);
    expect(handlesOf("run")[1]).toEqual({ type: "source", position: "right", x: 268, y: 29, width: 6, height: 6 });
  });

  it("puts the placeholder's handles on its outer edge, and gives every flow node its type's handles", () => {
    expect(handlesOf("more").map((h) => [h.x, h.y])).toEqual([[-3, 17], [165, 17]]);
    const graph = makeGraph("dataset:a:in", ["dataset:a:in>job:a:j"]);
    const positions = { "dataset:a:in": { x: 0, y: 0 }, "job:a:j": { x: 400, y: 0 } };
    const { nodes } = toFlowElements({ ...graph, more: [] }, { focusId: graph.focus, selectedId: null, highlight: null, hidden: countHiddenNeighbours(graph), positions });
    for (const node of nodes) expect(node.handles).toEqual(handlesOf(node.type));
  });
});
