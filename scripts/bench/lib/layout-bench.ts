/**
 * Layout benchmark: the same seeded lineage graphs laid out by dagre (tight-tree, and
 * network-simplex where it finishes in reasonable time) and by Threadline's layered layout, timed
 * and scored on the drawing (edge crossings, total edge length), all in one run.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { countCrossings, totalEdgeLength } from "@/lib/lineage/crossings";
import { generateLineageGraph } from "@/scripts/harness/lineage-graph";
import { layoutGraph, type LayoutAlgorithm, type LayoutEdgeInput, type LayoutNodeInput } from "@/lib/lineage/layout";
import { LAYOUT_OPTIONS } from "@/components/lineage/layout-protocol";
import { spread, type Spread } from "../../harness/stats";

export type BenchAlgorithm = Exclude<LayoutAlgorithm, "auto">;

export interface LayoutFigure {
  graph: string;
  /** Set when the layout did not finish within the time cap: the figure is then a lower bound. */
  timedOutAfterMs?: number;
  nodes: number;
  edges: number;
  algorithm: BenchAlgorithm;
  /** Wall-clock time per layout. */
  ms: Spread;
  /** CPU time per layout (user + system): steadier than wall time on a shared, loaded machine. */
  cpuMs: Spread;
  crossings: number;
  edgeLength: number;
  width: number;
  height: number;
}

export interface LayoutPlan {
  sizes: number[];
  /** Repeats per algorithm and size; a size missing from an algorithm's map is skipped. */
  repeats: Record<BenchAlgorithm, Record<number, number>>;
  seed: number;
  /** Wall-clock cap per (graph, algorithm), all repeats included; dagre needs minutes at 10k. */
  capMs: number;
}

/** Lays out one graph with one algorithm `repeats` times (after one untimed warm-up for small graphs). */
export function measureLayout(
  graph: { name: string; nodes: LayoutNodeInput[]; edges: LayoutEdgeInput[] },
  algorithm: BenchAlgorithm,
  repeats: number,
): LayoutFigure {
  const options = { algorithm, rankSep: LAYOUT_OPTIONS.rankSep, nodeSep: LAYOUT_OPTIONS.nodeSep };
  // Warm the JIT on small graphs; a warm-up of dagre at 10k would cost as much as the measurement.
  if (graph.nodes.length <= 1_000) layoutGraph(graph.nodes, graph.edges, options);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let result = layoutGraph(graph.nodes.slice(0, 0), [], options);
  for (let r = 0; r < repeats; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    result = layoutGraph(graph.nodes, graph.edges, options);
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  return {
    graph: graph.name,
    nodes: graph.nodes.length,
    edges: graph.edges.length,
    algorithm,
    ms: spread(times),
    cpuMs: spread(cpuTimes),
    crossings: countCrossings(graph.nodes, graph.edges, result.positions),
    edgeLength: totalEdgeLength(graph.edges, result.positions, graph.nodes),
    width: result.width,
    height: result.height,
  };
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "layout-child.ts");

/**
 * Runs one measurement in a child process (same Node flags, so tsx and the conditions carry over):
 * a fresh heap for every algorithm, and a cap that a slow dagre run cannot blow through.
 */
function measureInChild(size: number, seed: number, algorithm: BenchAlgorithm, repeats: number, capMs: number): Promise<LayoutFigure> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CHILD, String(size), String(seed), algorithm, String(repeats)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), capMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") {
        const nodes = size;
        resolve({
          graph: `genai-${size}`,
          nodes,
          edges: NaN,
          algorithm,
          ms: { median: capMs, min: capMs, max: capMs, n: 0 },
          cpuMs: { median: NaN, min: NaN, max: NaN, n: 0 },
          timedOutAfterMs: capMs,
          crossings: NaN,
          edgeLength: NaN,
          width: NaN,
          height: NaN,
        });
      } else if (code === 0) {
        resolve(JSON.parse(out) as LayoutFigure);
      } else {
        reject(new Error(`layout child for ${algorithm} at ${size} exited with ${code}`));
      }
    });
  });
}

/** The generated entity graphs at every size, each laid out by every algorithm the plan names. */
export async function runLayoutBench(plan: LayoutPlan, log: (line: string) => void): Promise<LayoutFigure[]> {
  const figures: LayoutFigure[] = [];
  const order: BenchAlgorithm[] = ["layered", "dagre", "dagre-network-simplex"];
  for (const size of plan.sizes) {
    for (const algorithm of order) {
      const repeats = plan.repeats[algorithm][size];
      if (!repeats) continue;
      const figure = await measureInChild(size, plan.seed, algorithm, repeats, plan.capMs);
      if (figure.timedOutAfterMs) log(`layout genai-${size} ${algorithm}: did not finish within ${figure.timedOutAfterMs / 1000} s`);
      else log(`layout ${figure.graph} ${algorithm}: ${figure.ms.median.toFixed(1)} ms, ${figure.crossings} crossings`);
      figures.push(figure);
    }
  }
  return figures;
}

/** The graph every algorithm gets for a size. */
export function benchGraph(size: number, seed: number) {
  return { name: `genai-${size}`, ...generateLineageGraph({ nodes: size, seed }) };
}
