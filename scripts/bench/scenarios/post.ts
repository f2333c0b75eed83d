// POST /api/v1/lineage, one event per request, one client and several; next to the framework's own
// floor (a route that answers at once, same client, same sockets).
import os from "node:os";
import { generateGenAiLineage } from "../lib/genai-lineage";
import { createClient, runLoad, type LoadResult } from "../lib/http-load";
import { mainThreadSchedMs, processTreeCpuMs } from "../../harness/process";
import { round } from "../../harness/stats";
import type { PostFigure, Scenario } from "../scenario";

export const postScenario: Scenario = {
  name: "post",
  usesServer: true,
  async run(ctx) {
    const { plan, log } = ctx;
    const baseUrl = ctx.server!.baseUrl;
    const serverPid = ctx.server!.pid;
    /** Runs a load and measures the server's CPU time per request over it, all of it and its main thread's. */
    const measured = async (
      requests: number,
      load: () => Promise<LoadResult>,
    ): Promise<LoadResult & Pick<PostFigure, "serverCpuUs" | "serverMainThreadUs" | "serverMainThreadWaitUs">> => {
      const cpuBefore = serverPid === null ? null : processTreeCpuMs(serverPid);
      const mainBefore = serverPid === null ? null : mainThreadSchedMs(serverPid);
      const result = await load();
      const cpuAfter = serverPid === null ? null : processTreeCpuMs(serverPid);
      const mainAfter = serverPid === null ? null : mainThreadSchedMs(serverPid);
      return {
        ...result,
        ...(cpuBefore !== null && cpuAfter !== null ? { serverCpuUs: round(((cpuAfter - cpuBefore) * 1000) / requests) } : {}),
        ...(mainBefore !== null && mainAfter !== null
          ? {
              serverMainThreadUs: round(((mainAfter.runMs - mainBefore.runMs) * 1000) / requests),
              serverMainThreadWaitUs: round(((mainAfter.waitMs - mainBefore.waitMs) * 1000) / requests),
            }
          : {}),
      };
    };
    // A separate world in its own namespaces, so none of it is a duplicate of the store.
    const total = plan.post.sequential + plan.post.concurrent;
    const bodies: string[] = [];
    for (const event of generateGenAiLineage({ targetEdges: Number.MAX_SAFE_INTEGER, seed: ctx.seed + 7, namespacePrefix: "post-bench/", startTime: "2027-06-01T00:00:00.000Z", pipelines: 40 })) {
      bodies.push(JSON.stringify(event));
      if (bodies.length >= total) break;
    }
    const serverCpu = ({ serverCpuUs, serverMainThreadUs, serverMainThreadWaitUs }: Pick<PostFigure, "serverCpuUs" | "serverMainThreadUs" | "serverMainThreadWaitUs">) => ({
      serverCpuUs,
      serverMainThreadUs,
      serverMainThreadWaitUs,
    });
    const post = async (concurrency: number, from: number, count: number): Promise<PostFigure> => {
      const client = createClient(baseUrl, concurrency);
      // These events are part of the world, sent in order.
      const result = await measured(count, () => runLoad(client, concurrency, count, (i) => client.post("/api/v1/lineage", bodies[from + i]!)));
      client.close();
      return { concurrency, events: count, perSecond: result.perSecond, latency: result.latency, statuses: result.statuses, ...serverCpu(result) };
    };
    const floor = async (concurrency: number): Promise<PostFigure> => {
      const client = createClient(baseUrl, concurrency);
      // Warm the route and the connections first.
      await runLoad(client, concurrency, 200, () => client.get("/api/v1/audit/public-key"));
      const result = await measured(2_000, () => runLoad(client, concurrency, 2_000, () => client.get("/api/v1/audit/public-key")));
      client.close();
      return { concurrency, events: 2_000, perSecond: result.perSecond, latency: result.latency, statuses: result.statuses, ...serverCpu(result) };
    };
    // The floors bracket the POSTs (before and after), and the POSTs are compared with their mean:
    // on a shared machine the load drifts during a run, and a floor taken only before would flatter
    // or punish the POSTs by whatever the load did meanwhile.
    const loadAverage = [os.loadavg()[0]!];
    const floorSequential = await floor(1);
    const floorBefore = await floor(plan.post.concurrency);
    log(`floor (minimal route): ${Math.round(floorSequential.perSecond)} req/s one at a time, ${Math.round(floorBefore.perSecond)} req/s with ${plan.post.concurrency} clients`);
    const sequential = await post(1, 0, plan.post.sequential);
    log(`POST one at a time: ${Math.round(sequential.perSecond)} events/s, p95 ${sequential.latency.p95.toFixed(2)} ms`);
    const concurrent = await post(plan.post.concurrency, plan.post.sequential, plan.post.concurrent);
    log(`POST ${plan.post.concurrency} clients: ${Math.round(concurrent.perSecond)} events/s, p95 ${concurrent.latency.p95.toFixed(2)} ms, statuses ${JSON.stringify(concurrent.statuses)}`);
    const floorAfter = await floor(plan.post.concurrency);
    loadAverage.push(os.loadavg()[0]!);
    log(`floor again, ${plan.post.concurrency} clients: ${Math.round(floorAfter.perSecond)} req/s, p95 ${floorAfter.latency.p95.toFixed(2)} ms`);
    ctx.figures.post = {
      sequential,
      concurrent,
      floor: { sequential: floorSequential, concurrent: floorBefore, concurrentAfter: floorAfter },
      loadAverage: loadAverage.map(round),
    };
  },
  checks(f, checks) {
    if (!f.post) return;
    const { sequential, concurrent, floor } = f.post;
    const clients = concurrent.concurrency;
    checks.atLeast(`ingest POST, ${clients} clients`, concurrent.perSecond, 3_000, "events/s");
    checks.atMost(`ingest POST p95, ${clients} clients`, concurrent.latency.p95, 10, "ms");
    checks.atMost("ingest POST p95, 1 client", sequential.latency.p95, 10, "ms");
    if (!floor) return;
    // Issue 15: the write path measured against the framework's own floor in the same run.
    const load = `load average ${f.post.loadAverage?.join(" → ") ?? "?"}`;
    const brackets = [floor.concurrent, floor.concurrentAfter ?? floor.concurrent];
    const floorPerSecond = (brackets[0]!.perSecond + brackets[1]!.perSecond) / 2;
    const floorP95 = (brackets[0]!.latency.p95 + brackets[1]!.latency.p95) / 2;
    // The floors, the reference the ratios below are taken against: met when every request of them succeeded.
    const failedOf = (...figures: PostFigure[]) => figures.reduce((n, p) => n + p.events - (p.statuses["200"] ?? 0), 0);
    const reference = (name: string, value: number, unit: string, failed: number, note?: string) =>
      checks.add({ name, value: round(value), unit, target: "floor", isMet: failed === 0, note: failed ? `${failed} requests failed` : note });
    reference("floor: minimal route, 1 client", floor.sequential.perSecond, "requests/s", failedOf(floor.sequential));
    reference(`floor: minimal route, ${clients} clients`, floorPerSecond, "requests/s", failedOf(...brackets), `mean of before ${round(brackets[0]!.perSecond)} and after ${round(brackets[1]!.perSecond)}`);
    reference(`floor: minimal route p95, ${clients} clients`, floorP95, "ms", failedOf(...brackets), `mean of before ${round(brackets[0]!.latency.p95)} and after ${round(brackets[1]!.latency.p95)}`);
    // What each request cost the server, which the load moves much less than throughput.
    const meanOf = (pick: (p: PostFigure) => number | undefined) => (brackets.every((b) => pick(b) !== undefined) ? (pick(brackets[0]!)! + pick(brackets[1]!)!) / 2 : undefined);
    const floorCpu = meanOf((p) => p.serverCpuUs);
    const floorMain = meanOf((p) => p.serverMainThreadUs);
    const floorMainWait = meanOf((p) => p.serverMainThreadWaitUs) ?? 0;
    // The main thread runs every request: its CPU, and its wait for a CPU, set the throughput.
    const main =
      concurrent.serverMainThreadUs !== undefined && floorMain !== undefined
        ? `, main thread ${Math.round(concurrent.serverMainThreadUs)} against ${Math.round(floorMain)} (waiting for a CPU ${Math.round(concurrent.serverMainThreadWaitUs ?? 0)} against ${Math.round(floorMainWait)})`
        : "";
    const cpu = concurrent.serverCpuUs !== undefined && floorCpu !== undefined ? `; server CPU ${Math.round(concurrent.serverCpuUs)} µs/event against ${Math.round(floorCpu)} µs/request${main}` : "";
    checks.atLeast(`ingest POST, ${clients} clients / floor`, concurrent.perSecond / floorPerSecond, 0.8, "x", `${round(concurrent.perSecond)} events/s against ${round(floorPerSecond)} requests/s${cpu}; ${load}`);
    checks.atMost(`ingest POST p95, ${clients} clients / floor p95`, concurrent.latency.p95 / floorP95, 2, "x", `${round(concurrent.latency.p95)} ms against ${round(floorP95)} ms; ${load}`);
  },
  report(f, out) {
    if (!f.post) return;
    out();
    out("POST /api/v1/lineage, one event per request");
    const cpu = (p: PostFigure) =>
      (p.serverCpuUs === undefined ? "" : `, server CPU ${Math.round(p.serverCpuUs)} µs/request`) +
      (p.serverMainThreadUs === undefined ? "" : ` (main thread ${Math.round(p.serverMainThreadUs)}, and ${Math.round(p.serverMainThreadWaitUs ?? 0)} waiting for a CPU)`);
    for (const p of [f.post.sequential, f.post.concurrent]) {
      out(`  ${p.concurrency} client(s): ${Math.round(p.perSecond)} events/s, p50 ${round(p.latency.p50)} ms, p95 ${round(p.latency.p95)} ms, p99 ${round(p.latency.p99)} ms${cpu(p)} (${p.events} events, ${JSON.stringify(p.statuses)})`);
    }
    const floor = f.post.floor;
    const floors: [string, PostFigure | undefined][] = floor
      ? [["", floor.sequential], [" (before the POSTs)", floor.concurrent], [" (after the POSTs)", floor.concurrentAfter]]
      : [];
    for (const [when, p] of floors) {
      if (p) out(`  floor, a minimal route, ${p.concurrency} client(s)${when}: ${Math.round(p.perSecond)} requests/s, p50 ${round(p.latency.p50)} ms, p95 ${round(p.latency.p95)} ms${cpu(p)}`);
    }
    if (f.post.loadAverage) out(`  load average (1 min) at the start and the end: ${f.post.loadAverage.join(" → ")}`);
  },
};
