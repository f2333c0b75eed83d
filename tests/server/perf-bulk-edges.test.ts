/**
 * BulkEdges draws a big view's edges itself (components/lineage/bulk-edges.tsx): the curves must be
 * React Flow's own, between the handles React Flow would use, with the same classes and arrowheads.
 * (Kept with the other performance tests; it needs no DOM.)
 */
import { getBezierPath, Position } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import { groupEdgePaths } from "@/components/lineage/bulk-edges";
import { handlesOf, toFlowElements } from "@/lib/lineage/flow-mapping";
import { findHighlightedPaths } from "@/lib/lineage/highlight";
import { countHiddenNeighbours } from "@/lib/lineage/neighbours";
import { makeGraph } from "@/tests/fixtures/lineage-graphs";

const IN = "dataset:a:in";
const JOB = "job:a:train";
const OUT = "dataset:a:out";
const graph = makeGraph(JOB, [`${IN}>${JOB}`, `${JOB}>${OUT}`]);
const positions = { [IN]: { x: 0, y: 100 }, [JOB]: { x: 400, y: 0 }, [OUT]: { x: 800, y: 300 } };
const flow = (selectedId: string | null) =>
  toFlowElements(
    { ...graph, more: [] },
    {
      focusId: JOB,
      selectedId,
      highlight: selectedId ? findHighlightedPaths(graph.nodes.map((n) => n.id), graph.edges, selectedId) : null,
      hidden: countHiddenNeighbours(graph),
      positions,
    },
  );

describe("groupEdgePaths", () => {
  it("draws React Flow's bezier from the source's right handle to the target's left handle", async () => {
    const { nodes, edges } = flow(null);
    const [group] = groupEdgePaths(nodes, edges);
    const job = handlesOf("job");
    const dataset = handlesOf("dataset");
    // in -> train: dataset right handle (x + 302 + 6 - 4... as handlesOf says) to job left handle.
    const [expected] = getBezierPath({
      sourceX: 0 + dataset[1]!.x + 6,
      sourceY: 100 + dataset[1]!.y + 3,
      sourcePosition: Position.Right,
      targetX: 400 + job[0]!.x,
      targetY: 0 + job[0]!.y + 3,
      targetPosition: Position.Left,
    });
    expect(group!.lines[0]).toBe(expected);
    expect(group!.lines).toHaveLength(2);
    // The arrow's tip is the target handle's edge: 1.5px edges, a 16-unit marker of a 20-unit box.
    expect(group!.arrows[0]).toBe(`M${398 - 6},${32 - 4.8}L398,32L${398 - 6},${32 + 4.8}Z`);
  });

  it("groups edges by class, so the selected path and the dimmed rest keep their styles", async () => {
    const { nodes, edges } = flow(OUT);
    const groups = groupEdgePaths(nodes, edges);
    const classes = groups.map((g) => g.className).sort();
    expect(classes).toEqual([...new Set(edges.map((e) => e.className ?? ""))].sort());
    expect(groups.reduce((n, g) => n + g.lines.length, 0)).toBe(edges.length);
  });

  it("skips an edge whose end is not drawn", async () => {
    const { nodes, edges } = flow(null);
    expect(groupEdgePaths(nodes.filter((n) => n.id !== OUT), edges)[0]!.lines).toHaveLength(1);
  });
});
