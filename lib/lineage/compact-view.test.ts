import { describe, expect, it } from "vitest";
import {
  COMPACT_MIN_WIDTH,
  COMPACT_TITLE_PX,
  FULL_FORM_ZOOM,
  LEGIBLE_TEXT_PX,
  compactBoxSize,
  layoutCompact,
  toCompactFlow,
} from "./compact-view";
import { fitZoom, frameView, type FramedBox } from "./framing";
import { NODE_SIZE, handlesOf, type FlowEdge, type FlowNode, type FlowNodeType } from "./flow-mapping";
import { layoutGraph } from "./layout";
import { LAYOUT_OPTIONS } from "@/components/lineage/layout-protocol";

/** A chain dataset -> job -> dataset -> ... of `length` boxes, laid out at full size as the explorer does. */
function chain(length: number) {
  const nodes = Array.from({ length }, (_, i) => ({ id: `n${i}`, type: (i % 2 === 0 ? "dataset" : "job") as FlowNodeType }));
  const edges = nodes.slice(1).map((node, i) => ({ source: nodes[i].id, target: node.id }));
  const layout = layoutGraph(nodes.map((node) => ({ id: node.id, ...NODE_SIZE[node.type] })), edges, LAYOUT_OPTIONS);
  const boxes: FramedBox[] = nodes.map((node) => ({ id: node.id, position: layout.positions[node.id], ...NODE_SIZE[node.type] }));
  return { nodes, edges, boxes };
}

/** The zoom a view's boxes are framed at in a canvas (the explorer's rule). */
const framedZoom = (boxes: FramedBox[], width: number, height: number) => frameView(boxes, { focusId: boxes[0].id, near: [], width, height })!.zoom;

/** 1024×768 with the side panel open: the canvas the explorer leaves. */
const NARROW = { width: 664, height: 620 };

describe("compactBoxSize", () => {
  it("keeps the full form when the whole view fits at a zoom where its titles are legible", () => {
    const { boxes } = chain(3);
    expect(fitZoom(boxes, 1440, 750)).toBeGreaterThanOrEqual(FULL_FORM_ZOOM);
    expect(compactBoxSize(boxes, { width: 1440, height: 750 })).toBeNull();
  });

  it("keeps the full form for views over a dozen boxes: they are framed around their focus instead", () => {
    const { boxes } = chain(13);
    expect(compactBoxSize(boxes, NARROW)).toBeNull();
  });

  it("gives a view whose full form would be illegible boxes that fit it whole at a legible zoom", () => {
    for (const length of [5, 7, 9]) {
      const { nodes, edges, boxes } = chain(length);
      expect(framedZoom(boxes, NARROW.width, NARROW.height) * 14).toBeLessThan(LEGIBLE_TEXT_PX);
      const size = compactBoxSize(boxes, NARROW)!;
      expect(size.width).toBeLessThan(NODE_SIZE.job.width);
      expect(size.width).toBeGreaterThanOrEqual(COMPACT_MIN_WIDTH);
      const compact = layoutCompact(nodes, edges, size);
      const compactBoxes = nodes.map((node) => ({ id: node.id, position: compact.positions[node.id], ...size }));
      expect(framedZoom(compactBoxes, NARROW.width, NARROW.height) * COMPACT_TITLE_PX).toBeGreaterThanOrEqual(LEGIBLE_TEXT_PX);
    }
  });

  it("gives a tall column shorter boxes so it fits the canvas's height", () => {
    const hub = { id: "hub", position: { x: 0, y: 0 }, ...NODE_SIZE.dataset };
    const leaves = Array.from({ length: 11 }, (_, i) => ({ id: `leaf${i}`, position: { x: 400, y: i * 100 }, ...NODE_SIZE.job }));
    const size = compactBoxSize([hub, ...leaves], { width: 664, height: 500 })!;
    expect(size.height * 11).toBeLessThan(500);
  });
});

describe("toCompactFlow", () => {
  it("moves every box to its compact place and size, handles included, and every edge onto its compact route", () => {
    const { nodes, edges } = chain(3);
    const flowNodes = nodes.map(
      (node) =>
        ({ id: node.id, type: node.type, position: { x: 0, y: 0 }, data: {}, width: 1, height: 1, measured: { width: 1, height: 1 }, handles: [], selected: false, ariaLabel: node.id }) as unknown as FlowNode,
    );
    const flowEdges = edges.map((edge) => ({ id: `${edge.source}->${edge.target}`, ...edge, type: "routed", data: {} }) as FlowEdge);
    const size = { width: 120, height: 64 };
    const layout = layoutCompact(nodes, edges, size);
    const result = toCompactFlow({ nodes: flowNodes, edges: flowEdges }, layout, size);
    for (const node of result.nodes) {
      expect(node.position).toEqual(layout.positions[node.id]);
      expect(node.measured).toEqual(size);
      expect(node.handles).toEqual(handlesOf(node.type, size));
      expect(node.data.compact).toEqual(size);
    }
    expect(result.edges.map((edge) => edge.data.points)).toEqual(flowEdges.map((edge) => layout.routes[edge.id]));
  });
});
