// The lineage API on the server-scale store, one request at a time: 1, 3 and 10 hops around sampled
// foci, and 2,000-node neighbourhoods.
import { createClient } from "../lib/http-load";
import { bigNeighbourhoodCandidates, fociFillingBudget, measureQueries, sampleFoci, type QueryCase, type QueryFigure } from "../lib/queries";
import { round } from "../../harness/stats";
import { pad, type BenchContext, type Scenario } from "../scenario";
import type { ServerProcess } from "../../harness/server";

const CASES: QueryCase[] = [
  { name: "1 hop", depth: 1, limit: 500, direction: "both" },
  { name: "3 hops", depth: 3, limit: 500, direction: "both" },
  { name: "10 hops", depth: 10, limit: 500, direction: "both" },
];
export const BIG: QueryCase = { name: "2,000-node neighbourhood", depth: 10, limit: 2_000, direction: "both" };

/**
 * The lineage cases against a server holding `databaseFile`: foci sampled from the file (read only),
 * each case over them `plan.query.passes` times, then the 2,000-node neighbourhoods.
 */
export async function measureLineageApi(ctx: BenchContext, server: ServerProcess, databaseFile: string, label = ""): Promise<QueryFigure[]> {
  const { plan, seed } = ctx;
  const client = createClient(server.baseUrl, 1);
  try {
    const measure = async (c: QueryCase, foci: string[]) => {
      const figure = await measureQueries(client, foci, c, plan.query.passes);
      ctx.log(`api${label} ${c.name}: p50 ${figure.p50.median.toFixed(2)} ms, p95 ${figure.p95.median.toFixed(2)} ms over ${figure.foci} foci`);
      return figure;
    };
    // Every focus is picked from the file before the first request: on a store of millions of edges
    // the busiest nodes take longer to find than the server keeps an idle connection open.
    const foci = sampleFoci(databaseFile, plan.query.perType, seed);
    const candidates = bigNeighbourhoodCandidates(databaseFile, plan.query.bigFoci * 2, seed + 1);
    const cases: QueryFigure[] = [];
    for (const c of CASES) cases.push(await measure(c, foci));
    const bigFoci = await fociFillingBudget(client, candidates, BIG, plan.query.bigFoci);
    cases.push(await measure(BIG, bigFoci));
    return cases;
  } finally {
    client.close();
  }
}

export const apiScenario: Scenario = {
  name: "api",
  usesServer: true,
  async run(ctx) {
    const server = ctx.server!;
    const cases = await measureLineageApi(ctx, server, ctx.serverFile);
    ctx.figures.api = { storeEdges: ctx.plan.serverScale, cases };
    ctx.figures.server!.afterQueries = server.memory() ?? undefined;
  },
  checks(f, checks) {
    if (!f.api) return;
    const edges = `${f.api.storeEdges / 1000}k edges`;
    const by = (name: string) => f.api!.cases.find((c) => c.name === name);
    const three = by("3 hops");
    if (three) checks.atMost(`API 3 hops p95 (${edges})`, three.p95.median, 10, "ms");
    const big = by(BIG.name);
    if (big) checks.atMost(`API 2,000-node neighbourhood p95 (${edges})`, big.p95.median, 50, "ms");
  },
  report(f, out) {
    if (!f.api) return;
    out();
    out(`Lineage API at ${f.api.storeEdges} edges (one request at a time; median over passes [min–max])`);
    for (const c of f.api.cases) {
      out(`  ${pad(c.name, 26)} p50 ${round(c.p50.median)} ms [${round(c.p50.min)}–${round(c.p50.max)}]  p95 ${round(c.p95.median)} ms [${round(c.p95.min)}–${round(c.p95.max)}]  ${c.foci} foci, ${Math.round(c.meanNodes)} nodes/answer, ${Math.round(c.truncatedShare * 100)} % truncated`);
    }
  },
};
