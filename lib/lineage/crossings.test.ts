import { describe, expect, it } from "vitest";
import { countCrossings, totalEdgeLength } from "./crossings";

// Four 100x40 boxes: a and b in a left column, c and d in a right one. Handles sit at the middle
// of the right side (sources) and the left side (targets): a at y 20, b at y 120.
const nodes = ["a", "b", "c", "d"].map((id) => ({ id, width: 100, height: 40 }));
const positions = { a: { x: 0, y: 0 }, b: { x: 0, y: 100 }, c: { x: 300, y: 0 }, d: { x: 300, y: 100 } };
const edge = (source: string, target: string) => ({ source, target });

describe("countCrossings", () => {
  it("counts an X as one crossing", () => {
    expect(countCrossings(nodes, [edge("a", "d"), edge("b", "c")], positions)).toBe(1);
  });

  it("counts parallel edges as no crossing", () => {
    expect(countCrossings(nodes, [edge("a", "c"), edge("b", "d")], positions)).toBe(0);
  });

  it("does not count edges that meet at a shared handle", () => {
    const withE = [...nodes, { id: "e", width: 100, height: 40 }];
    const at = { ...positions, e: { x: 300, y: 200 } };
    // The one crossing is b -> d under a -> e; edges meeting at a's or d's handle add none.
    expect(countCrossings(withE, [edge("a", "c"), edge("a", "d"), edge("a", "e"), edge("b", "d")], at)).toBe(1);
    expect(countCrossings(withE, [edge("a", "c"), edge("a", "d"), edge("a", "e")], at)).toBe(0);
    expect(countCrossings(withE, [edge("a", "d"), edge("b", "d")], at)).toBe(0);
  });

  it("counts a long edge's straight line against the edges it passes over", () => {
    const wide = [...nodes, { id: "e", width: 100, height: 40 }, { id: "f", width: 100, height: 40 }];
    const at = { ...positions, e: { x: 600, y: 100 }, f: { x: 600, y: -100 } };
    // a -> e runs straight from (100, 20) past the c/d column to (600, 120); c -> f climbs away
    // above it, from (400, 20) to (600, -80): no crossing. b -> c, (100, 120) to (300, 20), does.
    expect(countCrossings(wide, [edge("a", "e"), edge("c", "f")], at)).toBe(0);
    expect(countCrossings(wide, [edge("a", "e"), edge("b", "c")], at)).toBe(1);
  });

  it("counts every pair: three edges fanning across each other give three", () => {
    const six = ["s1", "s2", "s3", "t1", "t2", "t3"].map((id) => ({ id, width: 10, height: 10 }));
    const at = {
      s1: { x: 0, y: 0 },
      s2: { x: 0, y: 50 },
      s3: { x: 0, y: 100 },
      t1: { x: 100, y: 0 },
      t2: { x: 100, y: 40 },
      t3: { x: 100, y: 100 },
    };
    expect(countCrossings(six, [edge("s1", "t3"), edge("s2", "t2"), edge("s3", "t1")], at)).toBe(3);
  });

  it("ignores unknown endpoints, self-loops and duplicate edges", () => {
    const edges = [edge("a", "d"), edge("b", "c"), edge("b", "c"), edge("a", "a"), edge("a", "zz"), edge("zz", "c")];
    expect(countCrossings(nodes, edges, positions)).toBe(1);
  });
});

describe("totalEdgeLength", () => {
  it("measures each edge from the source's right handle to the target's left handle", () => {
    // a -> c: (100, 20) to (300, 20) = 200; a -> d: (100, 20) to (300, 120) = hypot(200, 100)
    expect(totalEdgeLength([edge("a", "c"), edge("a", "d")], positions, nodes)).toBeCloseTo(200 + Math.hypot(200, 100), 9);
  });

  it("measures between top-left corners when sizes are not given", () => {
    expect(totalEdgeLength([edge("a", "c")], positions)).toBe(300);
  });

  it("counts a duplicate edge once and ignores unknown endpoints", () => {
    expect(totalEdgeLength([edge("a", "c"), edge("a", "c"), edge("a", "zz")], positions, nodes)).toBe(200);
  });
});
