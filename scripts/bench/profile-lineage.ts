/**
 * npx tsx scripts/bench/profile-lineage.ts --database-url <url> --foci-file <f> [--rounds 4] [--limit 2000]
 *   [--node-options '--max-semi-space-size=16'] [--cpu-prof <dir>]
 *
 * Where a production server's time goes on GET /api/v1/lineage's big views: starts `next start`
 * (scripts/harness/server.ts, the settings `npm start` gives it, then `--node-options`) on a store,
 * asks the foci one at a time (a warm-up pass, then `--rounds` passes) and prints the latency, the
 * server's CPU per request (by thread: "main" runs the JavaScript), its garbage collections per
 * request (scavenges of the young generation and mark-compacts apart: count, pause time, longest
 * pause; V8's `gc` performance entries, read through the inspector) and its RSS after the passes. With --cpu-prof the timed passes are profiled into
 * <dir>/lineage.cpuprofile (summarise with scripts/bench/profile-summary.ts --per <requests>); with
 * --heap-prof every allocation of the timed passes is sampled (garbage included) into
 * <dir>/lineage.heapprofile, and the functions that allocate most are printed per request.
 * The foci file is the one `npm run -s bench:walk -- … --foci-file <f>` writes. Needs the production
 * build and Node's WebSocket (Node 22, or 20 with NODE_OPTIONS=--experimental-websocket).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { connectInspector } from "../harness/inspector";
import { threadCpuMs } from "../harness/process";
import { startServer } from "../harness/server";
import { round, summarise } from "../harness/stats";
import { createClient } from "./lib/http-load";

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** The functions that allocated most (bytes sampled, summed over every stack), per request. */
function printAllocations(head: HeapNode, requests: number): void {
  const byFrame = new Map<string, number>();
  let total = 0;
  const visit = (node: HeapNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const frame = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(\.next|node_modules)\//, "$1/")}:${lineNumber + 1}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(visit);
  };
  visit(head);
  console.log(`allocated ${round(total / requests / 2 ** 20)} MB a request (sampled); the most by function, KB a request:`);
  for (const [frame, bytes] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${round(bytes / requests / 1024).toString().padStart(7)}  ${frame}`);
}

const { values: args } = parseArgs({
  options: {
    "database-url": { type: "string" },
    "foci-file": { type: "string" },
    rounds: { type: "string", default: "4" },
    depth: { type: "string", default: "10" },
    limit: { type: "string", default: "2000" },
    "node-options": { type: "string", default: "" },
    "cpu-prof": { type: "string" },
    "heap-prof": { type: "string" },
    port: { type: "string" },
  },
});
if (!args["database-url"] || !args["foci-file"]) throw new Error("usage: profile-lineage.ts --database-url <url> --foci-file <file>");
const foci = JSON.parse(fs.readFileSync(args["foci-file"], "utf8")) as string[];
const server = await startServer({
  databaseUrl: args["database-url"],
  port: args.port ? Number(args.port) : undefined,
  env: {
    THREADLINE_AUTH: "off",
    THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0",
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${args["node-options"]} --inspect=127.0.0.1:0`.trim(),
  },
});
const devtools = await connectInspector(() => server.output());
const client = createClient(server.baseUrl, 1);
const path_ = (node: string) => `/api/v1/lineage?${new URLSearchParams({ node, depth: args.depth!, direction: "both", limit: args.limit! })}`;
try {
  for (const f of foci) await client.get(path_(f));
  // Every garbage collection from here on: count, summed and longest pause (ms).
  await devtools.evaluate(`(() => {
    const gc = (globalThis.__profileGc = { scavenges: 0, scavengeMs: 0, scavengeMax: 0, others: 0, otherMs: 0, otherMax: 0 });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        // kind 1: a scavenge of the young generation; else a mark-compact (full, or its incremental steps).
        if (e.detail?.kind === 1) { gc.scavenges++; gc.scavengeMs += e.duration; gc.scavengeMax = Math.max(gc.scavengeMax, e.duration); }
        else { gc.others++; gc.otherMs += e.duration; gc.otherMax = Math.max(gc.otherMax, e.duration); }
      }
    }).observe({ entryTypes: ["gc"] });
    return 0;
  })()`);
  if (args["cpu-prof"]) await devtools.startProfile();
  if (args["heap-prof"]) await devtools.startHeapSampling();
  const cpuBefore = threadCpuMs(server.pid!);
  const ms: number[] = [];
  let bytes = 0;
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const f of foci) {
      const res = await client.get(path_(f));
      if (res.status !== 200) throw new Error(`answered ${res.status} for ${f}`);
      ms.push(res.ms);
      bytes += Buffer.byteLength(res.body);
    }
  }
  const cpuAfter = threadCpuMs(server.pid!);
  if (args["cpu-prof"]) {
    fs.mkdirSync(args["cpu-prof"], { recursive: true });
    fs.writeFileSync(path.join(args["cpu-prof"], "lineage.cpuprofile"), JSON.stringify(await devtools.stopProfile()));
  }
  if (args["heap-prof"]) {
    const profile = (await devtools.stopHeapSampling()) as { head: HeapNode };
    fs.mkdirSync(args["heap-prof"], { recursive: true });
    fs.writeFileSync(path.join(args["heap-prof"], "lineage.heapprofile"), JSON.stringify(profile));
    printAllocations(profile.head, ms.length);
  }
  // Let the observer's last entries arrive.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const gc = (await devtools.evaluate<Record<string, number>>("globalThis.__profileGc"))!;
  const n = ms.length;
  const per = (v: number) => round(v / n);
  const cpu: Record<string, number> = Object.fromEntries(Object.entries(cpuAfter).map(([t, v]) => [t, per(v - (cpuBefore[t] ?? 0))] as const).filter(([, v]) => v > 0.05));
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  const s = summarise(ms);
  console.log(`node options: ${args["node-options"] || "(npm start's)"}; ${foci.length} foci × ${args.rounds}; answer ${round(bytes / n / 1024)} KiB`);
  console.log(`latency p50 ${round(s.p50)} ms, p95 ${round(s.p95)} ms, max ${round(s.max)} ms`);
  console.log(`server CPU per request ${round(total)} ms, by thread ${JSON.stringify(cpu)}`);
  console.log(
    `GC per request: scavenges ${per(gc.scavenges)}, ${per(gc.scavengeMs)} ms (longest ${round(gc.scavengeMax)} ms); mark-compacts ${per(gc.others)}, ${per(gc.otherMs)} ms (longest ${round(gc.otherMax)} ms)`,
  );
  console.log(`RSS after the passes ${round((server.rssBytes() ?? 0) / 2 ** 20)} MB; V8`, await devtools.memory(), `load ${os.loadavg().map(round).join(" ")}`);
} finally {
  client.close();
  devtools.close();
  await server.stop(30_000);
}
if (args["cpu-prof"]) console.log(`profile: npx tsx scripts/bench/profile-summary.ts ${path.join(args["cpu-prof"], "lineage.cpuprofile")} --per ${Number(args.rounds) * foci.length}`);
