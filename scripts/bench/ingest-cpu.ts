/**
 * Batched ingest's CPU per event, alone: the benchmark's world (100k edges by default) generated up
 * front, then ingested through ingestEvents into a fresh migrated SQLite file, 1,000 events a
 * transaction, as a bulk import (as the store scenario builds its stores). Only the ingestEvents
 * calls are timed, so two builds of Threadline compare by the work the write path does per event:
 * CPU time, wall time, and the garbage collector (pauses by kind, from V8's own gc entries).
 *
 *   npx tsx --conditions=react-server scripts/bench/ingest-cpu.ts [--edges 100000] [--batch 1000]
 *       [--profile <file.cpuprofile>] [--heap-profile <file.heapprofile>] [--file <scratch.db>]
 *
 * `--profile` CPU-profiles the timed part (summarise with profile-summary.ts --per <events>);
 * `--heap-profile` samples every allocation of it, the garbage included (open in Chrome's DevTools
 * or read its totals here). One JSON line of figures on stdout.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PerformanceObserver, constants } from "node:perf_hooks";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { openSqlite, storeOver } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { createMigratedDatabase, removeDatabase } from "./lib/store";
import { generateGenAiLineage, takeBatch } from "./lib/genai-lineage";

const { values: args } = parseArgs({
  options: {
    edges: { type: "string", default: "100000" },
    batch: { type: "string", default: "1000" },
    seed: { type: "string", default: "20261124" },
    profile: { type: "string" },
    "heap-profile": { type: "string" },
    file: { type: "string" },
  },
});
const edges = Number(args.edges);
const batchSize = Number(args.batch);
const file = args.file ?? path.join(os.tmpdir(), `threadline-ingest-cpu-${process.pid}.db`);

const world = generateGenAiLineage({ targetEdges: edges, seed: Number(args.seed) });
const batches: unknown[][] = [];
for (;;) {
  const batch = takeBatch(world, batchSize);
  if (batch.length === 0) break;
  batches.push(batch);
}
const events = batches.reduce((n, b) => n + b.length, 0);

await createMigratedDatabase(file);
const db = openSqlite(file);
const store = storeOver(db);

const gc = { minor: { count: 0, ms: 0 }, major: { count: 0, ms: 0 }, other: { count: 0, ms: 0 } };
const countGc = (entries: readonly PerformanceEntry[]) => {
  for (const entry of entries) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
    const slot = kind === constants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : kind === constants.NODE_PERFORMANCE_GC_MAJOR ? gc.major : gc.other;
    slot.count++;
    slot.ms += entry.duration;
  }
};
const observer = new PerformanceObserver((list) => countGc(list.getEntries()));

const session = new Session();
if (args.profile || args["heap-profile"]) session.connect();
if (args.profile) {
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
}
if (args["heap-profile"]) {
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
observer.observe({ entryTypes: ["gc"] });

let ms = 0;
let cpuUs = 0;
const heapBefore = process.memoryUsage().heapUsed;
await store.bulkImport(async () => {
  for (const batch of batches) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const outcomes = await ingestEvents(store, batch, { sender: "bench" });
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    ms += performance.now() - start;
    const bad = outcomes.find((o) => o.status !== "created");
    if (bad) throw new Error(`event ${bad.index} was ${bad.status}: ${JSON.stringify(bad.errors ?? [])}`);
    // Untimed: the gc entries reach the observer only when the event loop turns, and every statement is synchronous.
    await new Promise(setImmediate);
  }
});
observer.disconnect();

if (args.profile) {
  const { profile } = await session.post("Profiler.stop");
  fs.writeFileSync(args.profile, JSON.stringify(profile));
}
let sampledAllocations: number | undefined;
if (args["heap-profile"]) {
  const { profile } = await session.post("HeapProfiler.stopSampling");
  fs.writeFileSync(args["heap-profile"], JSON.stringify(profile));
  const total = (node: { selfSize: number; children: (typeof node)[] }): number => node.selfSize + node.children.reduce((n, c) => n + total(c), 0);
  sampledAllocations = total(profile.head);
}
db.close();
removeDatabase(file);

const per = (x: number) => Math.round((x / events) * 10) / 10;
process.stdout.write(
  JSON.stringify({
    edges,
    events,
    batchSize,
    eventsPerSecond: Math.round((events / ms) * 1000),
    cpuUsPerEvent: per(cpuUs),
    wallUsPerEvent: per(ms * 1000),
    gcUsPerEvent: per((gc.minor.ms + gc.major.ms + gc.other.ms) * 1000),
    gc,
    sampledAllocatedBytesPerEvent: sampledAllocations === undefined ? undefined : Math.round(sampledAllocations / events),
    heapGrowthMiB: Math.round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  }) + "\n",
);
