/**
 * npx tsx scripts/bench/tail-lineage.ts --database-url <postgresql://…> (--foci-file <f> | --bench-foci <store.db>)
 *   [--passes 5] [--limit 2000] [--node-options '…'] [--out <requests.json>] [--port <n>]
 *
 * Where the slow requests of GET /api/v1/lineage's big views come from: the same foci asked one at
 * a time in passes, as the benchmark asks them (`measureQueries`), each request taken apart by what
 * happened while it ran, so a slow request can be told to be a costly focus (slow in every pass)
 * or a moment (the collector, PostgreSQL's background work, the machine's other work):
 *
 * - the server's main thread: time on a core and time runnable but waiting for one
 *   (/proc/<pid>/task/<tid>/schedstat, nanoseconds), and its other threads' time on a core (V8's
 *   helpers: parallel scavenges, concurrent marking);
 * - its garbage collections that overlapped the request (V8's `gc` performance entries, read
 *   through the inspector with their times: scavenges and mark-compacts apart);
 * - PostgreSQL: the time on a core, and waiting for one, of the backends serving this database
 *   (the server's pool), and of every other process of the cluster (background writers, autovacuum,
 *   other databases' backends);
 * - the machine: every core's busy time (/proc/stat, 10 ms ticks) less the above, the rest of the
 *   machine's work.
 *
 * `--bench-foci <store.db>` picks the foci as the PostgreSQL scenario does (its seed, 80 candidates
 * from the SQLite source, the first 40 whose neighbourhood fills the budget). Starts `next start`
 * with the benchmark server's settings (scripts/bench/scenarios/server.ts) and `--inspect`.
 * Prints the benchmark's figures (per pass p50 and p95, their median), every focus's spread over
 * the passes, and the tail's requests one by one with their parts; `--out` keeps every request.
 * Needs Node's WebSocket (Node 22, or 20 with NODE_OPTIONS=--experimental-websocket).
 */
import fs from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { connectInspector } from "../harness/inspector";
import { parentPid, processTree, schedstatNs } from "../harness/process";
import { startServer } from "../harness/server";
import { median, percentile, round, summarise } from "../harness/stats";
import { parseDatabaseUrl } from "@/lib/config";
import { postgresStore } from "@/lib/server/store/postgres-store";
import { createClient } from "./lib/http-load";
import { bigNeighbourhoodCandidates, fociFillingBudget, lineagePath, type QueryCase } from "./lib/queries";

const { values: args } = parseArgs({
  options: {
    "database-url": { type: "string" },
    "foci-file": { type: "string" },
    "bench-foci": { type: "string" },
    passes: { type: "string", default: "5" },
    limit: { type: "string", default: "2000" },
    "node-options": { type: "string", default: "" },
    out: { type: "string" },
    port: { type: "string" },
  },
});
const databaseUrl = args["database-url"];
if (!databaseUrl || (!args["foci-file"] && !args["bench-foci"])) throw new Error("usage: tail-lineage.ts --database-url <url> (--foci-file <f> | --bench-foci <store.db>)");
/** The PostgreSQL scenario's big case and seed (scenarios/postgres.ts, run.ts). */
const BIG: QueryCase = { name: "2,000-node neighbourhood", depth: 10, limit: Number(args.limit), direction: "both" };
const BENCH_SEED = 20261124;
const BENCH_FOCI = 40;

/** Nanoseconds on a core and runnable waiting for one, of a thread (/proc/…/schedstat); none once it exited. */
function schedNs(path: string): [run: number, wait: number] {
  const sched = schedstatNs(path);
  return sched ? [sched.runNs, sched.waitNs] : [0, 0];
}

/** Every thread of a process tree: [main threads' run, their wait, the other threads' run], ns. */
function serverSched(root: number): [number, number, number] {
  let others = 0;
  const main: [number, number] = [0, 0];
  for (const pid of processTree(root)) {
    let tids: string[] = [];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const [run, wait] = schedNs(`/proc/${pid}/task/${tid}/schedstat`);
      // A process's main thread runs its JavaScript (the others: V8's helpers, libuv's pool).
      if (tid === String(pid)) {
        main[0] += run;
        main[1] += wait;
      } else others += run;
    }
  }
  return [main[0], main[1], others];
}

/** The machine's busy time so far, ms (every core, /proc/stat's first line, 10 ms ticks). */
function machineBusyMs(): number {
  const [, user, nice, system, , , irq, softirq, steal] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * 10;
}

const location = parseDatabaseUrl(databaseUrl);
if (location.kind !== "postgresql") throw new Error("tail-lineage.ts measures a PostgreSQL store");
const monitor = postgresStore(location.connection, { max: 1 });
const database = location.connection.database;
const postmaster = (await monitor.get<{ pid: number }>(`SELECT "pid" FROM pg_stat_activity WHERE "backend_type" = 'checkpointer'`))!.pid;
const clusterRoot = parentPid(postmaster)!;
const ownPid = (await monitor.get<{ pid: number }>(`SELECT pg_backend_pid() AS "pid"`))!.pid;
/** The backends serving this database but this script's own: the server's pool. */
const serverBackends = async () =>
  new Set((await monitor.all<{ pid: number }>(`SELECT "pid" FROM pg_stat_activity WHERE "datname" = ? AND "pid" <> ?`, [database, ownPid])).map((r) => r.pid));
/** [the server's backends' run, their wait, the rest of the cluster's run, its wait], ns. */
function postgresSched(backends: ReadonlySet<number>): [number, number, number, number] {
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (const pid of processTree(clusterRoot)) {
    if (pid === ownPid) continue;
    const [run, wait] = schedNs(`/proc/${pid}/schedstat`);
    const at = backends.has(pid) ? 0 : 2;
    out[at] += run;
    out[at + 1] += wait;
  }
  return out;
}

const server = await startServer({
  databaseUrl,
  port: args.port ? Number(args.port) : undefined,
  env: {
    THREADLINE_AUTH: "off",
    THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0",
    THREADLINE_RATE_LIMIT_PER_SECOND: "0",
    THREADLINE_EXPENSIVE_READS: "64",
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${args["node-options"]} --inspect=127.0.0.1:0`.trim(),
  },
});
const devtools = await connectInspector(() => server.output());
const client = createClient(server.baseUrl, 1);

interface RequestParts {
  focus: string;
  pass: number;
  ms: number;
  /** The server's main thread on a core, and waiting for one; its other threads on a core. */
  mainMs: number;
  mainWaitMs: number;
  helpersMs: number;
  /** Collections that overlapped the request: their pauses' sum and count. */
  scavengeMs: number;
  scavenges: number;
  markCompactMs: number;
  markCompacts: number;
  /** PostgreSQL: the server's backends on a core and waiting; the rest of the cluster. */
  backendsMs: number;
  backendsWaitMs: number;
  clusterMs: number;
  clusterWaitMs: number;
  /** The machine's busy time besides the server and PostgreSQL (this client included), 10 ms ticks. */
  elsewhereMs: number;
}

try {
  let foci: string[];
  if (args["bench-foci"]) {
    const candidates = bigNeighbourhoodCandidates(args["bench-foci"], BENCH_FOCI * 2, BENCH_SEED + 1);
    foci = await fociFillingBudget(client, candidates, BIG, BENCH_FOCI);
  } else {
    foci = JSON.parse(fs.readFileSync(args["foci-file"]!, "utf8")) as string[];
  }
  // The warm-up pass (measureQueries's), then every collection from here on with its time.
  for (const f of foci) await client.get(lineagePath(f, BIG));
  await devtools.evaluate(`(() => {
    const entries = (globalThis.__tailGc = []);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) entries.push([performance.timeOrigin + e.startTime, e.duration, e.detail?.kind === 1 ? 1 : 0]);
    }).observe({ entryTypes: ["gc"] });
    return 0;
  })()`);
  const loadBefore = os.loadavg();
  const serverPid = server.pid!;
  const windows: { start: number; end: number }[] = [];
  const requests: RequestParts[] = [];
  for (let pass = 0; pass < Number(args.passes); pass++) {
    const backends = await serverBackends();
    for (const focus of foci) {
      const s0 = serverSched(serverPid);
      const p0 = postgresSched(backends);
      const m0 = machineBusyMs();
      const start = performance.timeOrigin + performance.now();
      const res = await client.get(lineagePath(focus, BIG));
      const end = performance.timeOrigin + performance.now();
      const m1 = machineBusyMs();
      const p1 = postgresSched(backends);
      const s1 = serverSched(serverPid);
      if (res.status !== 200) throw new Error(`answered ${res.status} for ${focus}`);
      const ns = (a: number, b: number) => (b - a) / 1e6;
      const parts: RequestParts = {
        focus,
        pass,
        ms: res.ms,
        mainMs: ns(s0[0], s1[0]),
        mainWaitMs: ns(s0[1], s1[1]),
        helpersMs: ns(s0[2], s1[2]),
        scavengeMs: 0,
        scavenges: 0,
        markCompactMs: 0,
        markCompacts: 0,
        backendsMs: ns(p0[0], p1[0]),
        backendsWaitMs: ns(p0[1], p1[1]),
        clusterMs: ns(p0[2], p1[2]),
        clusterWaitMs: ns(p0[3], p1[3]),
        elsewhereMs: 0,
      };
      parts.elsewhereMs = Math.max(0, m1 - m0 - parts.mainMs - parts.helpersMs - parts.backendsMs - parts.clusterMs);
      requests.push(parts);
      windows.push({ start, end });
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  const gc = (await devtools.evaluate<[number, number, number][]>("globalThis.__tailGc"))!;
  for (const [at, duration, isScavenge] of gc) {
    const i = windows.findIndex((w) => at < w.end && at + duration > w.start);
    if (i < 0) continue;
    const r = requests[i]!;
    if (isScavenge) {
      r.scavenges++;
      r.scavengeMs += duration;
    } else {
      r.markCompacts++;
      r.markCompactMs += duration;
    }
  }

  // The benchmark's figures: each pass's p50 and p95 over the foci, and their medians.
  const passes = [...Array(Number(args.passes)).keys()].map((p) => summarise(requests.filter((r) => r.pass === p).map((r) => r.ms)));
  console.log(`${foci.length} foci × ${passes.length} passes; load ${loadBefore.map(round).join(" ")} → ${os.loadavg().map(round).join(" ")}`);
  console.log(`per pass p50 ${passes.map((s) => round(s.p50)).join(" / ")} ms, p95 ${passes.map((s) => round(s.p95)).join(" / ")} ms; median p50 ${round(median(passes.map((s) => s.p50)))}, p95 ${round(median(passes.map((s) => s.p95)))} ms`);

  // Each focus's spread: a costly focus is slow in every pass.
  const byFocus = foci.map((focus) => {
    const ms = requests.filter((r) => r.focus === focus).map((r) => r.ms);
    const own = requests.filter((r) => r.focus === focus);
    return { focus, min: Math.min(...ms), median: median(ms), max: Math.max(...ms), main: median(own.map((r) => r.mainMs)), backends: median(own.map((r) => r.backendsMs)) };
  });
  byFocus.sort((a, b) => b.median - a.median);
  console.log("\nfoci by their median (ms over the passes; the server's main thread and the backends on a core, medians):");
  for (const f of byFocus) console.log(`  ${round(f.median)}  [${round(f.min)}–${round(f.max)}]  main ${round(f.main)}  backends ${round(f.backends)}  ${f.focus.slice(0, 70)}`);

  // The tail: what each pass's p95 is made of (its slowest requests), against the focus's median.
  const medianOf = new Map(byFocus.map((f) => [f.focus, f.median]));
  const tailN = Math.max(1, Math.ceil(foci.length * 0.05) + 1);
  const tail = [...Array(passes.length).keys()].flatMap((p) =>
    requests
      .filter((r) => r.pass === p)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, tailN),
  );
  const cols = ["ms", "mainMs", "mainWaitMs", "helpersMs", "scavengeMs", "markCompactMs", "backendsMs", "backendsWaitMs", "clusterMs", "clusterWaitMs", "elsewhereMs"] as const;
  console.log(`\neach pass's ${tailN} slowest requests (focus median, then this request's parts in ms):`);
  console.log(`  pass  median  ${cols.join("  ")}  focus`);
  for (const r of tail) console.log(`  ${r.pass}  ${round(medianOf.get(r.focus)!)}  ${cols.map((c) => round(r[c])).join("  ")}  ${r.focus.slice(0, 50)}`);
  const mean = (list: RequestParts[], c: (typeof cols)[number]) => list.reduce((a, r) => a + r[c], 0) / list.length;
  const rest = requests.filter((r) => !tail.includes(r));
  console.log(`\nmeans, the tail's ${tail.length} against the other ${rest.length} requests:`);
  for (const c of cols) console.log(`  ${c.padEnd(15)} ${round(mean(tail, c)).toString().padStart(7)}  ${round(mean(rest, c)).toString().padStart(7)}`);
  const excess = tail.map((r) => r.ms - medianOf.get(r.focus)!);
  console.log(`the tail above its foci's medians: median ${round(median(excess))} ms, p90 ${round(percentile(excess, 90))} ms`);
  console.log(`RSS ${round((server.rssBytes() ?? 0) / 2 ** 20)} MB`);
  if (args.out) fs.writeFileSync(args.out, JSON.stringify({ foci, requests }, null, 1));
} finally {
  client.close();
  devtools.close();
  await server.stop(30_000);
  await monitor.close();
}
