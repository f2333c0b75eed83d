/**
 * npx tsx scripts/bench/profile-post.ts --store <file.db> [--events 8000] [--clients 8] [--cpu-prof <dir>] [--node-options '…'] [--env KEY=VALUE …]
 *
 * Where a running server spends its time and memory under the benchmark's POST load: starts
 * `next start` (scripts/harness/server.ts) on a copy of a SQLite store with the benchmark's settings,
 * sends `--events` one-event POSTs `--clients` at a time (the post scenario's generator and client),
 * and prints throughput, latency and the server's memory: RSS, and through the inspector (the server
 * runs with --inspect on a free port of 127.0.0.1) V8's view of it — heap used and reserved,
 * external and array buffers — before and after a forced garbage collection, so what is live can be
 * told from what V8 merely keeps reserved. With --cpu-prof the inspector's profiler records the POSTs
 * (only them: not the start, not the warm-up) and writes post.cpuprofile into the directory, and the
 * floor's 2,000 requests before them into floor.cpuprofile, so the two compare request for request;
 * summarise them with scripts/bench/profile-summary.ts (`--per 8000`, `--per 2000`). It also counts how
 * the POSTs were grouped (group sizes, from the log's receivedAt). (Node refuses --cpu-prof in NODE_OPTIONS.)
 * For the floor and the POSTs each it prints where the wall time went besides the server's CPU: its
 * main thread's event-loop utilisation, that thread's time on a CPU, waiting for one and asleep,
 * the server's CPU by thread, the clients' own CPU, and for the POSTs how long a write waited for its
 * group to be due, for the commit before it and inside its commit (docs/benchmarks.md, fifth round).
 *
 * Needs the production build (.next) and Node's WebSocket (Node 22, or 20 with
 * NODE_OPTIONS=--experimental-websocket).
 */
import fs from "node:fs";
import os from "node:os";
import Database from "better-sqlite3";
import path from "node:path";
import { connectInspector } from "../harness/inspector";
import { mainThreadSchedMs, processTree, threadCpuMs } from "../harness/process";
import { startServer, sqliteUrl } from "../harness/server";
import { round } from "../harness/stats";
import { generateGenAiLineage } from "./lib/genai-lineage";
import { createClient, runLoad } from "./lib/http-load";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const storeFile = option("store");
if (!storeFile) {
  console.error("Usage: npx tsx scripts/bench/profile-post.ts --store <file.db> [--events N] [--clients N] [--cpu-prof <dir>] [--env KEY=VALUE …]");
  process.exit(2);
}
const events = Number(option("events") ?? 8_000);
const clients = Number(option("clients") ?? 8);
const profileDir = option("cpu-prof");
/** More Node options for the server (V8 heap settings to compare, say). */
const nodeOptions = option("node-options") ?? "";
const extraEnv = Object.fromEntries(
  args.flatMap((a, i) => (args[i - 1] === "--env" ? [a.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])),
);

/**
 * How the POSTs were grouped: the events of one group share one transaction and so one receivedAt
 * (a group's commit takes longer than the millisecond the timestamp resolves), counted here as
 * "size: groups".
 */
function groupSizes(file: string, afterSeq: number): { groups: number; events: number; sizes: Record<number, number> } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM Event WHERE seq > ? GROUP BY receivedAt`).all(afterSeq);
    const sizes: Record<number, number> = {};
    for (const { n } of rows) sizes[n] = (sizes[n] ?? 0) + 1;
    return { groups: rows.length, events: rows.reduce((sum, r) => sum + r.n, 0), sizes };
  } finally {
    db.close();
  }
}

const lastSeq = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT COALESCE(MAX(seq), 0) AS seq FROM Event`).get() as { seq: number }).seq;
  } finally {
    db.close();
  }
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-profile-post-"));
const copy = path.join(work, "server.db");
fs.copyFileSync(storeFile, copy);
if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
const server = await startServer({
  databaseUrl: sqliteUrl(copy),
  env: {
    THREADLINE_AUTH: "off",
    THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0",
    THREADLINE_RATE_LIMIT_PER_SECOND: "0",
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${nodeOptions} --inspect=127.0.0.1:0`.trim(),
    ...extraEnv,
  },
});
const devtools = await connectInspector(() => server.output());
const mb = () => round((server.memory()?.rssBytes ?? 0) / 2 ** 20);

type GroupStats = Record<string, number>;
const groupStats = () => devtools.evaluate<GroupStats | undefined>(`globalThis[Symbol.for("threadline.groupCommitStats")]`);

/**
 * Runs one load of `requests` requests and prints where its wall time went besides the server's
 * CPU: the server's main-thread event-loop utilisation (performance.eventLoopUtilization(), read
 * through the inspector: the share of the time the loop was not idle waiting for I/O or timers), the
 * CPU of the server's main thread and of its other threads, and the CPU of this process, the
 * clients, which shares the cores with the server; for POSTs also how long each write waited for
 * its group to be due, for the commit before it, and inside its own commit (lib/server/group-commit.ts).
 */
async function phase<T extends { wallMs: number }>(name: string, requests: number, load: () => Promise<T>): Promise<T> {
  const pid = server.pid!;
  const threadsBefore = threadCpuMs(pid);
  const schedBefore = mainThreadSchedMs(pid);
  const groupsBefore = (await groupStats()) ?? {};
  const clientBefore = process.cpuUsage();
  await devtools.evaluate("(globalThis.__profileElu = performance.eventLoopUtilization(), 0)");
  const result = await load();
  const elu = await devtools.evaluate<{ idle: number; active: number; utilization: number }>("performance.eventLoopUtilization(globalThis.__profileElu)");
  const client = process.cpuUsage(clientBefore);
  const threadsAfter = threadCpuMs(pid);
  const schedAfter = mainThreadSchedMs(pid);
  const groupsAfter = await groupStats();
  const perRequestUs = (ms: number) => round((ms * 1000) / requests);
  const threads = Object.fromEntries(Object.entries(threadsAfter).map(([n, ms]) => [n, perRequestUs(ms - (threadsBefore[n] ?? 0))]).filter(([, us]) => (us as number) > 0));
  console.log(`${name}: wall ${round(result.wallMs)} ms = ${perRequestUs(result.wallMs)} µs/request; main thread's event loop utilisation ${round(elu.utilization)} (active ${perRequestUs(elu.active)}, idle ${perRequestUs(elu.idle)} µs/request)`);
  console.log(`  server CPU µs/request by thread ${JSON.stringify(threads)}; clients' CPU ${perRequestUs((client.user + client.system) / 1000)} µs/request; load ${os.loadavg().map(round).join(" ")}`);
  if (schedBefore && schedAfter) {
    const run = schedAfter.runMs - schedBefore.runMs;
    const wait = schedAfter.waitMs - schedBefore.waitMs;
    console.log(
      `  main thread µs/request: on a CPU ${perRequestUs(run)}, runnable waiting for a CPU ${perRequestUs(wait)}, sleeping ${perRequestUs(result.wallMs - run - wait)} (of it the event loop idle ${perRequestUs(elu.idle)}); server processes ${processTree(pid).length}`,
    );
  }
  if (groupsAfter && groupsAfter.items! > (groupsBefore.items ?? 0)) {
    const d = (k: string) => groupsAfter[k]! - (groupsBefore[k] ?? 0);
    const items = d("items");
    const perItem = (k: string) => round((d(k) * 1000) / items);
    console.log(
      `  group commit: ${d("groups")} groups for ${items} events; per event µs waiting for its group to be due ${perItem("waitForDueMs")}, for the commit before ${perItem("waitForTurnMs")}, inside its commit ${perItem("inCommitMs")}; commit ${round(d("commitMs") / d("groups"))} ms per group, ${perItem("commitMs")} µs per event`,
    );
  }
  return result;
}
try {
  console.log(`server started: RSS ${mb()} MB`, await devtools.memory());
  const bodies: string[] = [];
  for (const event of generateGenAiLineage({ targetEdges: Number.MAX_SAFE_INTEGER, seed: 99, namespacePrefix: "profile-post/", startTime: "2027-06-01T00:00:00.000Z", pipelines: 40 })) {
    bodies.push(JSON.stringify(event));
    if (bodies.length >= events) break;
  }
  const seqBefore = lastSeq(copy);
  const client = createClient(server.baseUrl, clients);
  // Warm-up: the route's first compilation and the connections, outside the profile.
  await runLoad(client, clients, 200, () => client.get("/api/v1/audit/public-key"));
  // The framework's floor on the same server and sockets, as the benchmark measures it (unprofiled).
  if (profileDir) await devtools.startProfile();
  const floor = await phase("floor", 2_000, () => runLoad(client, clients, 2_000, () => client.get("/api/v1/audit/public-key")));
  if (profileDir) fs.writeFileSync(path.join(profileDir, "floor.cpuprofile"), JSON.stringify(await devtools.stopProfile()));
  console.log(`floor (minimal route), ${clients} clients: ${round(floor.perSecond)} requests/s, p95 ${round(floor.latency.p95)} ms`);
  if (profileDir) await devtools.startProfile();
  const result = await phase("POSTs", events, () => runLoad(client, clients, events, (i) => client.post("/api/v1/lineage", bodies[i]!)));
  client.close();
  if (profileDir) fs.writeFileSync(path.join(profileDir, "post.cpuprofile"), JSON.stringify(await devtools.stopProfile()));
  console.log(
    `${events} POSTs, ${clients} clients: ${round(result.perSecond)} events/s, p50 ${round(result.latency.p50)} ms, p95 ${round(result.latency.p95)} ms, statuses ${JSON.stringify(result.statuses)}; load ${os.loadavg().map(round).join(" ")}`,
  );
  const grouping = groupSizes(copy, seqBefore);
  console.log(`groups: ${grouping.groups} for ${grouping.events} events (${round(grouping.events / grouping.groups)} an average); size: groups ${JSON.stringify(grouping.sizes)}`);
  console.log(`after the POSTs: RSS ${mb()} MB`, await devtools.memory());
  // The server gives back what the burst grew once its writer is idle (lib/server/heap-release.ts).
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  console.log(`1.5 s after the POSTs: RSS ${mb()} MB`, await devtools.memory());
  await devtools.collectGarbage();
  console.log(`after a full GC: RSS ${mb()} MB`, await devtools.memory());
} finally {
  devtools.close();
  await server.stop(30_000);
  fs.rmSync(work, { recursive: true, force: true });
}
if (profileDir) {
  console.log(`profiles: npx tsx scripts/bench/profile-summary.ts ${path.join(profileDir, "post.cpuprofile")} --per ${events}`);
  console.log(`          npx tsx scripts/bench/profile-summary.ts ${path.join(profileDir, "floor.cpuprofile")} --per 2000`);
}
