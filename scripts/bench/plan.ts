/**
 * How much each scenario measures: the quick run (about five minutes once the app is built) and the
 * full one (about 35 minutes here, plus the 10M-edge store's build the first time: over an hour). Scales and repeats only; what is measured lives in scenarios/.
 */
import type { BenchAlgorithm, LayoutPlan } from "./lib/layout-bench";

export interface Plan {
  storeScales: { edges: number; repeats: number }[];
  /** The store the server holds for API queries, browser views and RSS. */
  serverScale: number;
  layout: Omit<LayoutPlan, "seed">;
  query: { perType: number; passes: number; bigFoci: number };
  post: { sequential: number; concurrent: number; concurrency: number };
  browser: { repeats: number };
  /** How long the first audit verification may take before the server is restarted. */
  auditCapMs: number;
  columns: { fieldEdges: number; samples: number };
  provenance: { digests: number };
  /** PostgreSQL: the store copied in and queried, the batched-ingest world, POSTs per server count. */
  postgres: { edges: number; ingestEdges: number; postEvents: number };
  /** The next scale: a store built in place in the store cache, queried over HTTP (scenarios/scale.ts). */
  scale: { edges: number } | null;
}

const LAYOUT_SIZES = [300, 1_000, 5_000, 10_000];

/** Layout repeats per size as [layered, dagre, dagre network-simplex]; a missing count skips the pair. */
function layoutRepeats(bySize: Record<number, [number, number, number?]>): Record<BenchAlgorithm, Record<number, number>> {
  const repeats: Record<BenchAlgorithm, Record<number, number>> = { layered: {}, dagre: {}, "dagre-network-simplex": {} };
  for (const [size, [layered, dagre, networkSimplex]] of Object.entries(bySize)) {
    repeats.layered[Number(size)] = layered;
    repeats.dagre[Number(size)] = dagre;
    if (networkSimplex !== undefined) repeats["dagre-network-simplex"][Number(size)] = networkSimplex;
  }
  return repeats;
}

/** Store sizes in edges, each with its repeats of the batched ingest. */
const storeScales = (repeatsByEdges: Record<number, number>) => Object.entries(repeatsByEdges).map(([edges, repeats]) => ({ edges: Number(edges), repeats }));

export const QUICK_PLAN: Plan = {
  storeScales: storeScales({ 10_000: 3, 100_000: 1 }),
  serverScale: 100_000,
  layout: {
    sizes: LAYOUT_SIZES,
    repeats: layoutRepeats({ 300: [5, 3, 1], 1_000: [5, 2, 1], 5_000: [3, 1], 10_000: [3, 1] }),
    // dagre needs tens of seconds at 5k and minutes at 10k: quick mode records "> cap".
    capMs: 45_000,
  },
  query: { perType: 25, passes: 3, bigFoci: 20 },
  post: { sequential: 1_000, concurrent: 8_000, concurrency: 8 },
  browser: { repeats: 3 },
  auditCapMs: 180_000,
  columns: { fieldEdges: 100_000, samples: 200 },
  provenance: { digests: 100_000 },
  postgres: { edges: 100_000, ingestEdges: 3_000, postEvents: 1_000 },
  scale: null,
};

export const FULL_PLAN: Plan = {
  storeScales: storeScales({ 10_000: 3, 100_000: 3, 1_000_000: 1 }),
  serverScale: 1_000_000,
  layout: {
    sizes: LAYOUT_SIZES,
    repeats: layoutRepeats({ 300: [7, 5, 3], 1_000: [7, 3, 3], 5_000: [5, 2], 10_000: [5, 1] }),
    capMs: 20 * 60_000,
  },
  query: { perType: 50, passes: 5, bigFoci: 40 },
  post: { sequential: 2_000, concurrent: 30_000, concurrency: 8 },
  browser: { repeats: 5 },
  auditCapMs: 600_000,
  columns: { fieldEdges: 1_000_000, samples: 500 },
  provenance: { digests: 1_000_000 },
  postgres: { edges: 1_000_000, ingestEdges: 10_000, postEvents: 3_000 },
  scale: { edges: 10_000_000 },
};
