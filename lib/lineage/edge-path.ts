/**
 * Edges drawn along their layout routes (LayoutResult.routes), shared by every drawing of a
 * lineage graph (the explorer, investigations, shares and exports), so they all agree on where an
 * edge runs.
 *
 * A route is a list of points. Two consecutive points at the same height are joined by a straight
 * line (an edge crossing a column through the slot the layout kept for it); two at different
 * heights by a cubic S-curve whose ends are horizontal, with both control points halfway across,
 * so the curve stays between the two x coordinates (in the gap between columns, where no box is).
 */
import type { Point } from "./layout";

/** Consecutive points closer than this are one point (a zero-length piece would turn the arrowhead). */
const SAME_POINT = 0.5;

/** The route without repeated points. */
function distinctPoints(points: readonly Point[]): Point[] {
  const result: Point[] = [];
  for (const point of points) {
    const last = result[result.length - 1];
    if (!last || Math.abs(last.x - point.x) > SAME_POINT || Math.abs(last.y - point.y) > SAME_POINT) result.push(point);
  }
  return result;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** The SVG path data of a route (see the module comment); empty for fewer than two points. */
export function routedEdgePath(points: readonly Point[]): string {
  const route = distinctPoints(points);
  if (route.length < 2) return "";
  let d = `M${round(route[0].x)},${round(route[0].y)}`;
  for (let i = 1; i < route.length; i++) {
    const a = route[i - 1];
    const b = route[i];
    if (Math.abs(a.y - b.y) <= SAME_POINT) {
      d += ` L${round(b.x)},${round(b.y)}`;
    } else {
      const half = (b.x - a.x) / 2;
      d += ` C${round(a.x + half)},${round(a.y)} ${round(b.x - half)},${round(b.y)} ${round(b.x)},${round(b.y)}`;
    }
  }
  return d;
}

/**
 * Points along the drawn route, at most `step` apart along x (and at every corner): what a test
 * checks against the boxes of the graph, and what an exporter can hit-test.
 */
export function sampleRoute(points: readonly Point[], step = 4): Point[] {
  const route = distinctPoints(points);
  if (route.length === 0) return [];
  const samples: Point[] = [route[0]];
  for (let i = 1; i < route.length; i++) {
    const a = route[i - 1];
    const b = route[i];
    const count = Math.max(1, Math.ceil(Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) / step));
    const isStraight = Math.abs(a.y - b.y) <= SAME_POINT;
    for (let k = 1; k <= count; k++) {
      const t = k / count;
      if (isStraight) {
        samples.push({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
      } else {
        // Cubic Bezier with control points (a.x + h, a.y) and (b.x - h, b.y), h = (b.x - a.x) / 2.
        const u = 1 - t;
        const h = (b.x - a.x) / 2;
        const cx1 = a.x + h;
        const cx2 = b.x - h;
        samples.push({
          x: u * u * u * a.x + 3 * u * u * t * cx1 + 3 * u * t * t * cx2 + t * t * t * b.x,
          y: u * u * u * a.y + 3 * u * u * t * a.y + 3 * u * t * t * b.y + t * t * t * b.y,
        });
      }
    }
  }
  return samples;
}

/** The middle of a route (by index of its samples): where a label or a hit target can sit. */
export function routeMidpoint(points: readonly Point[]): Point | null {
  const samples = sampleRoute(points, 8);
  return samples.length === 0 ? null : samples[Math.floor(samples.length / 2)];
}
