// POST /api/v1/lineage, one event per request, one client and several; next to the framework's own
// floor (a route that answers at once, same client, same sockets).
import { generateGenAiLineage } from "../lib/genai-lineage";
import { createClient, runLoad } from "../lib/http-load";
import { round } from "../../harness/stats";
import type { PostFigure, Scenario } from "../scenario";

export const postScenario: Scenario = {
  name: "post",
  usesServer: true,
  async run(ctx) {
    const { plan, log } = ctx;
    const baseUrl = ctx.server!.baseUrl;
    // A separate world in its own namespaces, so none of it is a duplicate of the store.
    const total = plan.post.sequential + plan.post.concurrent;
    const bodies: string[] = [];
    for (const event of generateGenAiLineage({ targetEdges: Number.MAX_SAFE_INTEGER, seed: ctx.seed + 7, namespacePrefix: "post-bench/", startTime: "2027-06-01T00:00:00.000Z", pipelines: 40 })) {
      bodies.push(JSON.stringify(event));
      if (bodies.length >= total) break;
    }
    const post = async (concurrency: number, from: number, count: number): Promise<PostFigure> => {
      const client = createClient(baseUrl, concurrency);
      // These events are part of the world, sent in order.
      const result = await runLoad(client, concurrency, count, (i) => client.post("/api/v1/lineage", bodies[from + i]!));
      client.close();
      return { concurrency, events: count, perSecond: result.perSecond, latency: result.latency, statuses: result.statuses };
    };
    const floor = async (concurrency: number): Promise<PostFigure> => {
      const client = createClient(baseUrl, concurrency);
      // Warm the route and the connections first.
      await runLoad(client, concurrency, 200, () => client.get("/api/v1/audit/public-key"));
      const result = await runLoad(client, concurrency, 2_000, () => client.get("/api/v1/audit/public-key"));
      client.close();
      return { concurrency, events: 2_000, perSecond: result.perSecond, latency: result.latency, statuses: result.statuses };
    };
    const floorSequential = await floor(1);
    const floorConcurrent = await floor(plan.post.concurrency);
    log(`floor (minimal route): ${Math.round(floorSequential.perSecond)} req/s one at a time, ${Math.round(floorConcurrent.perSecond)} req/s with ${plan.post.concurrency} clients`);
    const sequential = await post(1, 0, plan.post.sequential);
    log(`POST one at a time: ${Math.round(sequential.perSecond)} events/s, p95 ${sequential.latency.p95.toFixed(2)} ms`);
    const concurrent = await post(plan.post.concurrency, plan.post.sequential, plan.post.concurrent);
    log(`POST ${plan.post.concurrency} clients: ${Math.round(concurrent.perSecond)} events/s, p95 ${concurrent.latency.p95.toFixed(2)} ms, statuses ${JSON.stringify(concurrent.statuses)}`);
    ctx.figures.post = { sequential, concurrent, floor: { sequential: floorSequential, concurrent: floorConcurrent } };
  },
  checks(f, checks) {
    if (!f.post) return;
    checks.atLeast(`ingest POST, ${f.post.concurrent.concurrency} clients`, f.post.concurrent.perSecond, 3_000, "events/s");
    checks.atMost(`ingest POST p95, ${f.post.concurrent.concurrency} clients`, f.post.concurrent.latency.p95, 10, "ms");
    checks.atMost("ingest POST p95, 1 client", f.post.sequential.latency.p95, 10, "ms");
  },
  report(f, out) {
    if (!f.post) return;
    out();
    out("POST /api/v1/lineage, one event per request");
    for (const p of [f.post.sequential, f.post.concurrent]) {
      out(`  ${p.concurrency} client(s): ${Math.round(p.perSecond)} events/s, p50 ${round(p.latency.p50)} ms, p95 ${round(p.latency.p95)} ms, p99 ${round(p.latency.p99)} ms (${p.events} events, ${JSON.stringify(p.statuses)})`);
    }
    for (const p of f.post.floor ? [f.post.floor.sequential, f.post.floor.concurrent] : []) {
      out(`  floor, a minimal route, ${p.concurrency} client(s): ${Math.round(p.perSecond)} requests/s, p50 ${round(p.latency.p50)} ms, p95 ${round(p.latency.p95)} ms`);
    }
  },
};
