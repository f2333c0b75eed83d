// The next scale (full run, or --only=scale): a store of 10M edges built through the same batched
// ingest as the other stores, then the lineage API and the server's RSS on it. A store this size
// (about 40 GB, 7M events whole in the log) is never copied: it is built in the store cache, in
// place, and the server reads it there. The build records itself after every batch, so a build that
// stops goes on from its last committed batch; a finished one is reused with --reuse-store (or named
// with --scale-store=<file>; --scale-as-is measures an unfinished one as it stands).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sqliteUrl } from "../../harness/server";
import { round } from "../../harness/stats";
import { addScaleChecks, closingMarks, isMarkDue, rateBySize, rateFallPerMillionEdges, scaleLabel, type ScaleBuildRecord, type ScaleFigures } from "../lib/scale";
import { buildStore, measureStorage, removeDatabase } from "../lib/store";
import { pad, type BenchContext, type Scenario } from "../scenario";
import { measureLineageApi } from "./api";
import { ensureFreshBuild, startBenchmarkServer } from "./server";
import { cachedStoreFile } from "./stores";

const recordFile = (store: string) => `${store}.build.json`;

function readRecord(store: string): ScaleBuildRecord | null {
  return fs.existsSync(recordFile(store)) ? (JSON.parse(fs.readFileSync(recordFile(store), "utf8")) as ScaleBuildRecord) : null;
}

/** Written whole and renamed over the old one, so a build stopped mid-write still leaves a record. */
function writeRecord(store: string, record: ScaleBuildRecord): void {
  fs.writeFileSync(recordFile(store) + ".tmp", JSON.stringify(record, null, 1));
  fs.renameSync(recordFile(store) + ".tmp", recordFile(store));
}

function commitOf(root: string): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return "unknown";
  }
}

/** Scale stores in the cache (finished or not), newest first. */
function cachedScaleStores(ctx: BenchContext, edges: number): string[] {
  if (!fs.existsSync(ctx.cacheDir)) return [];
  return fs
    .readdirSync(ctx.cacheDir)
    .filter((name) => name.startsWith(`store-${edges}-`) && name.endsWith(".db"))
    .map((name) => path.join(ctx.cacheDir, name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

/**
 * The store to measure: --scale-store names one; --reuse-store takes the one this code would build,
 * else the newest in the cache with a build record (built by other code: its record says which
 * commit). A finished store is measured as it is, an unfinished one goes on from its last batch
 * (or, with --scale-as-is, is measured as it stands: a build stopped to be measured, then resumed).
 * Otherwise a fresh build, replacing any other store of this scale in the cache: one is 40 GB.
 */
async function scaleStore(ctx: BenchContext, edges: number): Promise<{ file: string; isReused: boolean }> {
  const { log } = ctx;
  const wanted = cachedStoreFile(ctx, edges);
  const kept = ctx.options.scaleStore
    ? path.resolve(ctx.options.scaleStore)
    : ctx.options.reuseStore
      ? [wanted, ...cachedScaleStores(ctx, edges)].find((file) => fs.existsSync(file) && readRecord(file))
      : undefined;
  if (kept) {
    const record = readRecord(kept);
    if (!record || !fs.existsSync(kept)) throw new Error(`${kept} is not a scale store (no ${path.basename(recordFile(kept))} beside it)`);
    if (kept !== wanted) log(`scale: using ${kept} (built by ${record.builtBy}; this code would build ${path.basename(wanted)})`);
    if (record.finishedAt || ctx.options.scaleAsIs) {
      if (!record.finishedAt) log(`scale: measuring ${kept} as it stands, unfinished: ${record.progress.events} events, ${record.progress.edges} edges`);
      return { file: kept, isReused: true };
    }
    await build(ctx, kept, edges, record);
    return { file: kept, isReused: false };
  }
  for (const other of cachedScaleStores(ctx, edges)) {
    log(`scale: removing ${other}`);
    removeDatabase(other);
    fs.rmSync(recordFile(other), { force: true });
  }
  await build(ctx, wanted, edges, null);
  return { file: wanted, isReused: false };
}

/** Builds the scale store into `file`, or goes on with the build `previous` records. */
async function build(ctx: BenchContext, file: string, edges: number, previous: ScaleBuildRecord | null): Promise<void> {
  const { log } = ctx;
  fs.mkdirSync(ctx.cacheDir, { recursive: true });
  const now = () => new Date().toISOString();
  const record: ScaleBuildRecord = previous ?? {
    targetEdges: edges,
    seed: ctx.seed,
    batchSize: ctx.batchSize,
    builtBy: commitOf(ctx.root),
    startedAt: now(),
    progress: { events: 0, edges: 0, ingestMs: 0, cpuMs: 0 },
    marks: [],
    resumes: [],
  };
  if (previous) {
    record.resumes.push({ at: now(), events: previous.progress.events, by: commitOf(ctx.root) });
    log(`scale: going on with ${file} from event ${previous.progress.events} (${previous.progress.edges} edges; built by ${previous.builtBy})`);
  } else {
    log(`scale: building ${file} (${edges} edges, batches of ${ctx.batchSize}; progress in ${recordFile(file)})`);
  }
  writeRecord(file, record);
  let lastLog = record.progress.events;
  const result = await buildStore({
    file,
    targetEdges: edges,
    seed: ctx.seed,
    batchSize: ctx.batchSize,
    resume: previous && previous.progress.events > 0 ? previous.progress : undefined,
    progressEvery: ctx.batchSize,
    onProgress: (_events, _edges, progress) => {
      record.progress = progress;
      if (isMarkDue(record.marks, progress.edges)) {
        record.marks.push({ ...progress, at: now(), loadAverage: round(os.loadavg()[0]!) });
        const segment = rateBySize(record.marks).at(-1);
        if (segment) log(`  scale ${scaleLabel(progress.edges)} edges: the last ${segment.events} events at ${Math.round(segment.eventsPerSecond)} events/s, CPU ${Math.round(segment.cpuUsPerEvent)} µs/event, load average ${segment.loadAverage}`);
      }
      writeRecord(file, record);
      if (progress.events - lastLog >= 100_000) {
        lastLog = progress.events;
        log(`  ${progress.events} events, ${progress.edges} edges, ${Math.round((progress.events / progress.ingestMs) * 1000)} events/s so far`);
      }
    },
  });
  record.progress = { events: result.events, edges: result.edges, ingestMs: result.ingestMs, cpuMs: result.cpuMs };
  record.marks = closingMarks(record.marks, { ...record.progress, at: now(), loadAverage: round(os.loadavg()[0]!) });
  record.finishedAt = now();
  record.nodes = result.nodes;
  writeRecord(file, record);
  log(`scale: ${result.events} events, ${result.edges} edges in ${(result.ingestMs / 60_000).toFixed(1)} min: ${Math.round(result.eventsPerSecond)} events/s`);
}

export const scaleScenario: Scenario = {
  name: "scale",
  isSelected: (ctx) => ctx.plan.scale !== null && ctx.runs("scale"),
  async run(ctx) {
    const edges = ctx.plan.scale!.edges;
    const { file, isReused } = await scaleStore(ctx, edges);
    const record = readRecord(file)!;
    const figures: ScaleFigures = { edges: record.progress.edges, file, build: record, isReused };
    ctx.figures.scale = figures;
    if (!isReused) {
      const p = record.progress;
      figures.ingest = { events: p.events, ingestMs: p.ingestMs, cpuMs: p.cpuMs, eventsPerSecond: (p.events / p.ingestMs) * 1000 };
    }
    ctx.log("scale: bytes per edge (dbstat)…");
    figures.storage = measureStorage(file);
    ensureFreshBuild(ctx);
    // The server reads the store where it is (GET requests only: nothing is written to it).
    const server = await startBenchmarkServer(sqliteUrl(file), { isInspected: false });
    try {
      ctx.log(`scale: server on ${server.baseUrl} (pid ${server.pid}) holding ${figures.edges} edges`);
      const loadBefore = round(os.loadavg()[0]!);
      figures.api = await measureLineageApi(ctx, server, file, ` (${scaleLabel(figures.edges)})`);
      figures.loadAverage = [loadBefore, round(os.loadavg()[0]!)];
      const memory = server.memory();
      if (memory) figures.serverRssMB = round(memory.rssBytes / 2 ** 20);
      ctx.log(`scale: server RSS after the API passes ${figures.serverRssMB} MB`);
    } finally {
      await server.stop();
    }
  },
  checks(f, checks) {
    if (f.scale) addScaleChecks(f.scale, checks);
  },
  report(f, out) {
    const s = f.scale;
    if (!s) return;
    const p = s.build.progress;
    out();
    out(`The ${scaleLabel(s.edges)}-edge store (${s.file}; built by ${s.build.builtBy}, ${s.build.startedAt} → ${s.build.finishedAt ?? "unfinished"}${s.isReused ? "; reused" : ""})`);
    out(`  build: ${p.events} events, ${p.edges} edges, ${s.build.nodes ?? "?"} nodes in ${round(p.ingestMs / 60_000)} min: ${Math.round((p.events / p.ingestMs) * 1000)} events/s, CPU ${round((p.cpuMs * 1000) / p.events)} µs/event${s.build.resumes.length ? `; resumed ${s.build.resumes.length}×` : ""}`);
    const segments = rateBySize(s.build.marks);
    for (const seg of segments) out(`    ${pad(`${scaleLabel(seg.fromEdges)}–${scaleLabel(seg.toEdges)} edges`, 18)} ${pad(`${Math.round(seg.eventsPerSecond)} events/s`, 16)} CPU ${Math.round(seg.cpuUsPerEvent)} µs/event, load average ${seg.loadAverage}`);
    const fall = rateFallPerMillionEdges(segments);
    if (fall !== null) out(`    ${round(fall)} % slower per million edges, last stretch against the first`);
    if (s.storage) out(`  storage: ${round(s.storage.bytesPerEdge)} B/edge for Edge and its indexes; whole file ${round(s.storage.fileBytes / 2 ** 30)} GiB, ${round(s.storage.fileBytesPerEdge)} B/edge`);
    for (const c of s.api ?? []) out(`  ${pad(c.name, 26)} p50 ${round(c.p50.median)} ms  p95 ${round(c.p95.median)} ms [${round(c.p95.min)}–${round(c.p95.max)}]  ${c.foci} foci, ${Math.round(c.meanNodes)} nodes/answer`);
    if (s.serverRssMB !== undefined) out(`  server RSS after the API passes: ${s.serverRssMB} MB`);
  },
};
