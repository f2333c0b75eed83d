// Layout first: pure CPU, nothing else running. The generated entity graphs laid out by dagre and
// by Threadline's layered layout, timed and scored on the drawing.
import { runLayoutBench, type BenchAlgorithm } from "../lib/layout-bench";
import { round } from "../../harness/stats";
import { pad, type Scenario } from "../scenario";

export const layoutScenario: Scenario = {
  name: "layout",
  async run(ctx) {
    ctx.figures.layout = await runLayoutBench({ ...ctx.plan.layout, seed: ctx.seed }, ctx.log);
  },
  checks(f, checks) {
    if (!f.layout) return;
    const find = (size: number, algorithm: BenchAlgorithm) => f.layout!.find((l) => l.nodes === size && l.algorithm === algorithm);
    for (const [size, limit] of [[1_000, 100], [5_000, 400], [10_000, 1_000]] as const) {
      const l = find(size, "layered");
      if (l) checks.atMost(`layout layered ${size} nodes`, l.ms.median, limit, "ms");
    }
    const ours = find(1_000, "layered");
    const dagre = find(1_000, "dagre");
    if (ours && dagre) checks.atMost("layout crossings at 1k, layered / dagre", ours.crossings / Math.max(1, dagre.crossings), 1.2, "x");
  },
  report(f, out) {
    if (!f.layout) return;
    out();
    out("Layout (generated GenAI entity graphs; median of repeats [min–max])");
    out(pad("graph", 18) + pad("algorithm", 24) + pad("wall ms", 30) + pad("cpu ms", 10) + pad("crossings", 12) + "edge length (px)");
    for (const l of f.layout) {
      const time = l.timedOutAfterMs ? `> ${l.timedOutAfterMs / 1000} s (cap)` : `${round(l.ms.median)} [${round(l.ms.min)}–${round(l.ms.max)}] ×${l.ms.n}`;
      const size = Number.isNaN(l.edges) ? `${l.nodes} n` : `${l.nodes} n/${l.edges} e`;
      out(pad(size, 18) + pad(l.algorithm, 24) + pad(time, 30) + pad(Number.isNaN(l.cpuMs.median) ? "-" : String(round(l.cpuMs.median)), 10) + pad(Number.isNaN(l.crossings) ? "-" : String(l.crossings), 12) + (Number.isNaN(l.edgeLength) ? "-" : Math.round(l.edgeLength)));
    }
  },
};
