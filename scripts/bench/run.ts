// npm run bench [-- --quick] [-- --json] — Threadline's benchmark suite (issue 6).
//
//   --quick            the reduced set (about five minutes once the app is built): stores of 10k and
//                      100k edges, API queries on the 100k store, fewer repeats, dagre once at 5k/10k
//   --json             print one JSON object of figures on stdout (the table goes to stderr)
//   --only=a,b         run some sections: layout, store, api, post, browser, mlflow, provenance, columns
//   --no-build         never run `npm run build` (use .next as it is)
//   --reuse-store      keep generated stores in the temp cache and reuse them when nothing that
//                      shapes them changed (skips the batched-ingest figures of reused stores)
//   --keep             keep the work directory (stores, server log)
//
// Load tests only ever talk to 127.0.0.1. See docs/benchmarks.md for the method and the figures.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateGenAiLineage } from "./lib/genai-lineage";
import { createClient, runLoad } from "./lib/http-load";
import { runLayoutBench, type BenchAlgorithm, type LayoutFigure } from "./lib/layout-bench";
import { bigNeighbourhoodCandidates, fociFillingBudget, lineagePath, measureQueries, sampleFoci, type QueryCase, type QueryFigure } from "./lib/queries";
import { processTreeMemory, type MemoryFigures } from "../harness/process";
import { buildApp, buildStaleness, startServer, type RunningServer } from "./lib/server";
import { round, spread, summarise, type LatencySummary, type Spread } from "../harness/stats";
import { buildStore, measureStorage, type StorageFigures, type StoreIngestResult } from "./lib/store";
import { runBrowserBench, type BrowserFigures } from "./lib/browser-bench";
import { runMlflowBench, type MlflowBenchFigures } from "./lib/mlflow-bench";
import { runProvenanceBench, type ProvenanceBenchFigures } from "./lib/provenance-bench";
import { runColumnsBench, type ColumnFigures } from "./lib/columns-bench";

const ROOT = process.cwd();
const args = new Set(process.argv.slice(2));
const isQuick = args.has("--quick");
const isJson = args.has("--json");
const only = [...args].find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const runs = (section: string) => !only || only.includes(section);
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const SEED = 20261124;
const BATCH_SIZE = 1_000;

interface Plan {
  storeScales: { edges: number; repeats: number }[];
  /** The store the server holds for API queries, browser views and RSS. */
  serverScale: number;
  layout: { sizes: number[]; repeats: Record<BenchAlgorithm, Record<number, number>>; capMs: number };
  query: { perType: number; passes: number; bigFoci: number };
  post: { sequential: number; concurrent: number; concurrency: number };
  browser: { repeats: number };
  /** How long the first audit verification may take before the server is restarted. */
  auditCapMs: number;
}

const PLAN: Plan = isQuick
  ? {
      storeScales: [
        { edges: 10_000, repeats: 3 },
        { edges: 100_000, repeats: 1 },
      ],
      serverScale: 100_000,
      layout: {
        sizes: [300, 1_000, 5_000, 10_000],
        repeats: {
          layered: { 300: 5, 1_000: 5, 5_000: 3, 10_000: 3 },
          dagre: { 300: 3, 1_000: 2, 5_000: 1, 10_000: 1 },
          "dagre-network-simplex": { 300: 1, 1_000: 1 },
        },
        // dagre needs tens of seconds at 5k and minutes at 10k: quick mode records "> cap".
        capMs: 45_000,
      },
      query: { perType: 25, passes: 3, bigFoci: 20 },
      post: { sequential: 1_000, concurrent: 8_000, concurrency: 8 },
      browser: { repeats: 3 },
      auditCapMs: 180_000,
    }
  : {
      storeScales: [
        { edges: 10_000, repeats: 3 },
        { edges: 100_000, repeats: 3 },
        { edges: 1_000_000, repeats: 1 },
      ],
      serverScale: 1_000_000,
      layout: {
        sizes: [300, 1_000, 5_000, 10_000],
        repeats: {
          layered: { 300: 7, 1_000: 7, 5_000: 5, 10_000: 5 },
          dagre: { 300: 5, 1_000: 3, 5_000: 2, 10_000: 1 },
          "dagre-network-simplex": { 300: 3, 1_000: 3 },
        },
        capMs: 20 * 60_000,
      },
      query: { perType: 50, passes: 5, bigFoci: 40 },
      post: { sequential: 2_000, concurrent: 30_000, concurrency: 8 },
      browser: { repeats: 5 },
      auditCapMs: 600_000,
    };

// ---- targets (issue 6) ----------------------------------------------------------------------------
interface Check {
  name: string;
  value: number;
  unit: string;
  target: string;
  isMet: boolean;
  note?: string;
}
const checks: Check[] = [];
const atMost = (name: string, value: number, limit: number, unit: string, note?: string) =>
  checks.push({ name, value: round(value), unit, target: `<= ${limit}`, isMet: value <= limit, note });
const atLeast = (name: string, value: number, limit: number, unit: string, note?: string) =>
  checks.push({ name, value: round(value), unit, target: `>= ${limit}`, isMet: value >= limit, note });

// ---- the run --------------------------------------------------------------------------------------
interface Figures {
  machine: Record<string, unknown>;
  mode: "quick" | "full";
  startedAt: string;
  durationS?: number;
  layout?: LayoutFigure[];
  store?: { edges: number; runs: StoreIngestResult[]; eventsPerSecond: Spread }[];
  storage?: Record<string, StorageFigures>;
  api?: { storeEdges: number; cases: QueryFigure[] };
  post?: { sequential: PostFigure; concurrent: PostFigure; floor?: { sequential: PostFigure; concurrent: PostFigure } };
  browser?: BrowserFigures;
  audit?: {
    outcome: "done" | "timeout" | "crashed";
    firstVerifyMs: number;
    firstStatus: number;
    secondVerifyMs?: number;
    lineageDuringVerify: LatencySummary;
    rssAfter?: MemoryFigures;
    /** Largest RSS of the server sampled each second while it verified. */
    peakRssSeenBytes: number;
    serverOutputTail?: string;
  };
  server?: { storeEdges: number; afterQueries?: MemoryFigures; atEnd?: MemoryFigures };
  mlflow?: MlflowBenchFigures;
  provenance?: ProvenanceBenchFigures;
  columns?: ColumnFigures;
  checks?: Check[];
}

interface PostFigure {
  concurrency: number;
  events: number;
  perSecond: number;
  latency: LatencySummary;
  statuses: Record<string, number>;
}

function machine() {
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8");
  return {
    nproc: os.availableParallelism(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpu)?.[1] ?? os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map(round),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

function storeCacheKey(edges: number): string {
  const hash = createHash("sha256");
  hash.update(String(edges)).update(String(SEED)).update(String(BATCH_SIZE));
  for (const file of ["scripts/bench/lib/genai-lineage.ts", "lib/server/projection.ts", "lib/server/ingest.ts", "lib/server/event-log.ts", "prisma/schema.prisma"]) {
    hash.update(fs.readFileSync(path.join(ROOT, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Figures = { machine: machine(), mode: isQuick ? "quick" : "full", startedAt: new Date().toISOString() };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-bench-"));
  const cacheDir = path.join(os.tmpdir(), "threadline-bench-cache");
  log(`${figures.mode} run; work directory ${work}`);
  let server = null as RunningServer | null;
  try {
    // 1. Layout first: pure CPU, nothing else running.
    if (runs("layout")) {
      figures.layout = await runLayoutBench({ ...PLAN.layout, seed: SEED }, log);
    }

    // MLflow import of a synthetic 10,000-run file store, next to batched ingest of the same events.
    // Column lineage: its own store of field edges, through the real write path.
    if (runs("columns")) {
      const fieldEdges = isQuick ? 100_000 : 1_000_000;
      figures.columns = await runColumnsBench(path.join(work, "columns.db"), { fieldEdges, fieldsPerDataset: 20, samples: isQuick ? 200 : 500, seed: SEED }, log);
    }

    if (runs("mlflow")) {
      figures.mlflow = await runMlflowBench(work, { runs: 10_000, seed: SEED }, log);
    }

    // Artefact digests: a million (the quick run: 100,000) ingested, then looked up at random.
    if (runs("provenance")) {
      const digests = isQuick ? 100_000 : 1_000_000;
      log(`provenance: ${digests} digests…`);
      figures.provenance = await runProvenanceBench(path.join(work, "provenance.db"), { digests, filesPerVersion: 10_000, lookups: 10_000, seed: SEED }, log);
      const p = figures.provenance;
      log(`  ${p.digestsPerSecond} digests/s ingested; ${p.bytesPerDigest} B per digest; probe p95 ${round(p.probe.p95)} ms, lookup p95 ${round(p.lookup.p95)} ms`);
    }

    // 2. Stores: batched ingest through ingestEvents, then what the edges cost on disk.
    const storeFiles = new Map<number, string>();
    const needsServer = runs("api") || runs("post") || runs("browser");
    if (runs("store") || needsServer) {
      figures.store = [];
      figures.storage = {};
      const scales = runs("store") ? PLAN.storeScales : PLAN.storeScales.filter((s) => s.edges === PLAN.serverScale).map((s) => ({ ...s, repeats: 1 }));
      for (const scale of scales) {
        const results: StoreIngestResult[] = [];
        const cached = path.join(cacheDir, `store-${scale.edges}-${storeCacheKey(scale.edges)}.db`);
        if (args.has("--reuse-store") && fs.existsSync(cached)) {
          log(`store ${scale.edges} edges: reusing ${cached}`);
          storeFiles.set(scale.edges, cached);
        } else {
          for (let r = 0; r < scale.repeats; r++) {
            const file = path.join(work, `store-${scale.edges}-${r}.db`);
            log(`store ${scale.edges} edges: ingesting (repeat ${r + 1}/${scale.repeats})…`);
            const result = await buildStore({
              file,
              targetEdges: scale.edges,
              seed: SEED,
              batchSize: BATCH_SIZE,
              onProgress: (events, edges) => log(`  ${events} events, ${edges} edges`),
            });
            log(`  ${result.events} events in ${(result.ingestMs / 1000).toFixed(1)} s: ${Math.round(result.eventsPerSecond)} events/s`);
            results.push(result);
            if (r === 0) storeFiles.set(scale.edges, file);
            else for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
          }
          if (args.has("--reuse-store")) {
            fs.mkdirSync(cacheDir, { recursive: true });
            fs.copyFileSync(storeFiles.get(scale.edges)!, cached);
          }
          figures.store.push({ edges: scale.edges, runs: results, eventsPerSecond: spread(results.map((r) => r.eventsPerSecond)) });
        }
        figures.storage[String(scale.edges)] = measureStorage(storeFiles.get(scale.edges)!);
      }
    }

    // 3. The production server on the largest store.
    if (needsServer) {
      const stale = buildStaleness(ROOT);
      if (stale && !args.has("--no-build")) {
        log(`${stale}: building`);
        buildApp(ROOT, log);
      } else if (stale) {
        log(`warning: ${stale}, but --no-build was given`);
      }
      const storeFile = storeFiles.get(PLAN.serverScale)!;
      // The server writes into its store (POST section): work on a copy so a cached store stays clean.
      const serverFile = path.join(work, "server.db");
      fs.copyFileSync(storeFile, serverFile);
      // A benchmark of capacity, not of the per-sender write limit (2,000/s by default).
      server = await startServer(ROOT, serverFile, { THREADLINE_RATE_LIMIT_PER_SECOND: "0" });
      log(`server on ${server.baseUrl} (pid ${server.pid}) holding ${PLAN.serverScale} edges`);
      figures.server = { storeEdges: PLAN.serverScale };

      if (runs("api")) {
        const client = createClient(server.baseUrl, 1);
        const foci = sampleFoci(serverFile, PLAN.query.perType, SEED);
        const cases: QueryCase[] = [
          { name: "1 hop", depth: 1, limit: 500, direction: "both" },
          { name: "3 hops", depth: 3, limit: 500, direction: "both" },
          { name: "10 hops", depth: 10, limit: 500, direction: "both" },
        ];
        const api: QueryFigure[] = [];
        for (const c of cases) {
          const figure = await measureQueries(client, foci, c, PLAN.query.passes);
          log(`api ${c.name}: p50 ${figure.p50.median.toFixed(2)} ms, p95 ${figure.p95.median.toFixed(2)} ms over ${figure.foci} foci`);
          api.push(figure);
        }
        const big: QueryCase = { name: "2,000-node neighbourhood", depth: 10, limit: 2_000, direction: "both" };
        const bigFoci = await fociFillingBudget(client, bigNeighbourhoodCandidates(serverFile, PLAN.query.bigFoci * 2, SEED + 1), big, PLAN.query.bigFoci);
        const figure = await measureQueries(client, bigFoci, big, PLAN.query.passes);
        log(`api ${big.name}: p50 ${figure.p50.median.toFixed(2)} ms, p95 ${figure.p95.median.toFixed(2)} ms over ${figure.foci} foci`);
        api.push(figure);
        client.close();
        figures.api = { storeEdges: PLAN.serverScale, cases: api };
        figures.server.afterQueries = processTreeMemory(server.pid);
      }

      let isAuditStubbed = false;
      if (runs("browser") || runs("api")) {
        // Every page's header badge asks for a store verification (chain + projection replayed from
        // the log), which the server runs in slices in the background: time the first one, what a
        // lineage request waits meanwhile and the server's memory, then let the pages below see the
        // steady state.
        const client = createClient(server.baseUrl, 2);
        const focus = sampleFoci(serverFile, 1, SEED)[0]!;
        const started = performance.now();
        // Set from callbacks: an object, so the loop below reads it afresh.
        const state: { outcome: "done" | "timeout" | "crashed" | null } = { outcome: null };
        const verify = client.get("/api/v1/audit/verify?maxAge=600").then(
          (r) => ((state.outcome ??= "done"), r),
          () => ((state.outcome ??= "crashed"), null),
        );
        const timer = setTimeout(() => (state.outcome ??= "timeout"), PLAN.auditCapMs);
        const waits: number[] = [];
        let peakRss = 0;
        const watch = setInterval(() => {
          if (server!.isRunning()) peakRss = Math.max(peakRss, processTreeMemory(server!.pid).rssBytes);
          else state.outcome ??= "crashed";
        }, 1_000);
        while (state.outcome === null) {
          // A probe that gets no answer before the verification ends waited all along.
          const sent = performance.now();
          const probe = client.get(lineagePath(focus, { name: "probe", depth: 1, limit: 500, direction: "both" })).catch(() => null);
          const r = await Promise.race([probe, verify.then(() => "verified" as const)]);
          if (r === "verified") {
            const answered = await Promise.race([probe, new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000))]);
            waits.push(answered ? answered.ms : performance.now() - sent);
            break;
          }
          if (r) waits.push(r.ms);
          else await new Promise((resolve) => setTimeout(resolve, 1_000));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        clearInterval(watch);
        clearTimeout(timer);
        const outcome = state.outcome as "done" | "timeout" | "crashed";
        const firstMs = performance.now() - started;
        if (waits.length === 0) waits.push(firstMs);
        const peak = server.isRunning() ? processTreeMemory(server.pid) : undefined;
        const first = outcome === "done" ? await verify : null;
        figures.audit = {
          outcome,
          firstVerifyMs: firstMs,
          firstStatus: first?.status ?? 0,
          lineageDuringVerify: summarise(waits),
          rssAfter: peak,
          peakRssSeenBytes: peakRss,
          ...(outcome === "crashed" ? { serverOutputTail: server.output().slice(-2_000) } : {}),
        };
        if (outcome === "done") {
          const second = await client.get("/api/v1/audit/verify?maxAge=600");
          figures.audit.secondVerifyMs = second.ms;
        }
        client.close();
        log(
          `audit verify (first, full): ${outcome} after ${(firstMs / 1000).toFixed(1)} s; ${waits.length} lineage requests meanwhile: ` +
            `p95 ${Math.round(figures.audit.lineageDuringVerify.p95)} ms, max ${Math.round(Math.max(0, ...waits))} ms; peak RSS ${Math.round(peakRss / 2 ** 20)} MB`,
        );
        if (outcome === "crashed") log(`server output before it ended:\n${server.output().slice(-800)}`);
        if (outcome !== "done") {
          // A server stuck in (or killed by) the verification answers nothing else: start afresh and
          // keep the badge's request away from it in the browser runs.
          await server.stop();
          server = await startServer(ROOT, serverFile, { THREADLINE_RATE_LIMIT_PER_SECOND: "0" });
          isAuditStubbed = true;
          log(`server restarted on ${server.baseUrl}; browser runs answer the audit badge themselves`);
        }
      }

      if (runs("browser")) {
        figures.browser = await runBrowserBench({ baseUrl: server.baseUrl, databaseFile: serverFile, repeats: PLAN.browser.repeats, log, stubAuditBadge: isAuditStubbed });
      }

      if (runs("post")) {
        // A separate world in its own namespaces, so none of it is a duplicate of the store.
        const total = PLAN.post.sequential + PLAN.post.concurrent;
        const bodies: string[] = [];
        for (const event of generateGenAiLineage({ targetEdges: Number.MAX_SAFE_INTEGER, seed: SEED + 7, namespacePrefix: "post-bench/", startTime: "2027-06-01T00:00:00.000Z", pipelines: 40 })) {
          bodies.push(JSON.stringify(event));
          if (bodies.length >= total) break;
        }
        const post = async (concurrency: number, from: number, count: number): Promise<PostFigure> => {
          const client = createClient(server!.baseUrl, concurrency);
          // Warm the route and the connections (these events are part of the world, sent in order).
          const result = await runLoad(client, concurrency, count, (i) => client.post("/api/v1/lineage", bodies[from + i]!));
          client.close();
          return { concurrency, events: count, perSecond: result.perSecond, latency: result.latency, statuses: result.statuses };
        };
        // The framework's own floor: a route that answers 404 at once, same client, same sockets.
        const floor = async (concurrency: number) => {
          const client = createClient(server!.baseUrl, concurrency);
          await runLoad(client, concurrency, 200, () => client.get("/api/v1/audit/public-key"));
          const result = await runLoad(client, concurrency, 2_000, () => client.get("/api/v1/audit/public-key"));
          client.close();
          return { concurrency, events: 2_000, perSecond: result.perSecond, latency: result.latency, statuses: result.statuses };
        };
        const floorSequential = await floor(1);
        const floorConcurrent = await floor(PLAN.post.concurrency);
        log(`floor (minimal route): ${Math.round(floorSequential.perSecond)} req/s one at a time, ${Math.round(floorConcurrent.perSecond)} req/s with ${PLAN.post.concurrency} clients`);
        const sequential = await post(1, 0, PLAN.post.sequential);
        log(`POST one at a time: ${Math.round(sequential.perSecond)} events/s, p95 ${sequential.latency.p95.toFixed(2)} ms`);
        const concurrent = await post(PLAN.post.concurrency, PLAN.post.sequential, PLAN.post.concurrent);
        log(`POST ${PLAN.post.concurrency} clients: ${Math.round(concurrent.perSecond)} events/s, p95 ${concurrent.latency.p95.toFixed(2)} ms, statuses ${JSON.stringify(concurrent.statuses)}`);
        figures.post = { sequential, concurrent, floor: { sequential: floorSequential, concurrent: floorConcurrent } };
      }
      figures.server.atEnd = processTreeMemory(server.pid);
    }
  } finally {
    await server?.stop();
    if (!args.has("--keep")) fs.rmSync(work, { recursive: true, force: true });
  }
  figures.durationS = Math.round((Date.now() - started) / 1000);
  evaluate(figures);
  figures.checks = checks;
  printTable(figures);
  const reportDir = path.join(ROOT, "reports");
  fs.mkdirSync(reportDir, { recursive: true });
  fs.writeFileSync(path.join(reportDir, `bench-${figures.mode}.json`), JSON.stringify(figures, null, 2));
  if (isJson) process.stdout.write(JSON.stringify(figures) + "\n");
}

function evaluate(f: Figures): void {
  for (const s of f.store ?? []) {
    if (s.runs.length > 0) atLeast(`ingest batched (${s.edges / 1000}k edges, ${BATCH_SIZE}/batch)`, s.eventsPerSecond.median, 25_000, "events/s");
  }
  if (f.post) {
    atLeast(`ingest POST, ${f.post.concurrent.concurrency} clients`, f.post.concurrent.perSecond, 3_000, "events/s");
    atMost(`ingest POST p95, ${f.post.concurrent.concurrency} clients`, f.post.concurrent.latency.p95, 10, "ms");
    atMost("ingest POST p95, 1 client", f.post.sequential.latency.p95, 10, "ms");
  }
  if (f.api) {
    const edges = `${f.api.storeEdges / 1000}k edges`;
    const by = (name: string) => f.api!.cases.find((c) => c.name === name);
    const three = by("3 hops");
    if (three) atMost(`API 3 hops p95 (${edges})`, three.p95.median, 10, "ms");
    const big = by("2,000-node neighbourhood");
    if (big) atMost(`API 2,000-node neighbourhood p95 (${edges})`, big.p95.median, 50, "ms");
  }
  if (f.layout) {
    const find = (size: number, algorithm: BenchAlgorithm) => f.layout!.find((l) => l.nodes === size && l.algorithm === algorithm);
    for (const [size, limit] of [[1_000, 100], [5_000, 400], [10_000, 1_000]] as const) {
      const l = find(size, "layered");
      if (l) atMost(`layout layered ${size} nodes`, l.ms.median, limit, "ms");
    }
    const ours = find(1_000, "layered");
    const dagre = find(1_000, "dagre");
    if (ours && dagre) atMost("layout crossings at 1k, layered / dagre", ours.crossings / Math.max(1, dagre.crossings), 1.2, "x");
  }
  if (f.browser) {
    const first = f.browser.firstView;
    if (first) {
      atMost(`browser first view framed (warm, ${first.nodes} nodes)`, first.framedMs.median, 1_000, "ms", `API ${round(first.apiMs.median)} ms; framed at first paint ${first.framedAtFirstPaint}/${first.visits}`);
    }
    for (const v of f.browser.views) {
      const limit = v.requestedNodes >= 5_000 ? 1_500 : 1_000;
      atMost(`browser ${v.requestedNodes}-node view usable (warm)`, v.usableMs.median, limit, "ms", `${v.renderedNodes} nodes in the view`);
    }
    const big = f.browser.views.find((v) => v.requestedNodes >= 5_000);
    // rAF deltas come in whole vsync intervals (16.67 ms at 60 Hz) plus timer jitter of a tenth of
    // a millisecond: a p95 of 16.8 ms means 95 % of frames made their vsync. 0.5 ms of jitter is allowed.
    if (big?.pan) {
      checks.push({
        name: `browser pan frame p95 (${big.renderedNodes} nodes)`,
        value: round(big.pan.frameMs.p95),
        unit: "ms",
        target: "<= 16.7 (+0.5 ms vsync jitter)",
        isMet: big.pan.frameMs.p95 <= 16.7 + 0.5,
        note: `${round(big.pan.droppedShare * 100)} % of frames over 20 ms`,
      });
    }
    if (big?.heapBytes) atMost(`browser JS heap (${big.renderedNodes} nodes)`, big.heapBytes / 2 ** 20, 100, "MB");
  }
  if (f.provenance) {
    const at = `${Math.round(f.provenance.digests / 1000)}k digests`;
    atMost(`provenance digest lookup p95 (${at})`, f.provenance.lookup.p95, 5, "ms", `index probe alone p95 ${round(f.provenance.probe.p95)} ms`);
  }
  if (f.columns) {
    const edges = `${Math.round(f.columns.fieldEdges / 1000)}k field edges, ${f.columns.fieldsPerDataset} fields per dataset`;
    atMost(`column lineage 3-hop field walk p95 (${edges})`, f.columns.walkUpstream.p95, 10, "ms", `CPU p95 ${round(f.columns.walkUpstreamCpu.p95)} ms; load average ${os.loadavg()[0]!.toFixed(1)}`);
  }
  const storage = f.storage?.[String(PLAN.serverScale)] ?? Object.values(f.storage ?? {}).at(-1);
  if (storage) atMost(`DB bytes per edge incl. both indexes (${Math.round(storage.edges / 1000)}k edges)`, storage.bytesPerEdge, 70, "B");
  const edges = `${(f.server?.storeEdges ?? 0) / 1000}k edges`;
  if (f.server?.afterQueries) atMost(`server RSS after the API passes (${edges})`, f.server.afterQueries.rssBytes / 2 ** 20, 300, "MB");
  if (f.server?.atEnd) {
    const after = f.audit?.outcome === "done" ? "audit verification, browser, POST" : "restart, browser, POST";
    atMost(`server RSS at the end (${edges}; after ${after})`, f.server.atEnd.rssBytes / 2 ** 20, 300, "MB");
  }
}

function printTable(f: Figures): void {
  const out = (line = "") => (isJson ? process.stderr : process.stdout).write(line + "\n");
  const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
  out();
  out(`Threadline benchmarks (${f.mode}), ${f.startedAt}, ${f.durationS} s — ${f.machine.nproc} × ${f.machine.cpuModel}, ${f.machine.memoryGiB} GiB, Node ${f.machine.node}`);
  if (f.layout) {
    out();
    out("Layout (generated GenAI entity graphs; median of repeats [min–max])");
    out(pad("graph", 18) + pad("algorithm", 24) + pad("wall ms", 30) + pad("cpu ms", 10) + pad("crossings", 12) + "edge length (px)");
    for (const l of f.layout) {
      const time = l.timedOutAfterMs ? `> ${l.timedOutAfterMs / 1000} s (cap)` : `${round(l.ms.median)} [${round(l.ms.min)}–${round(l.ms.max)}] ×${l.ms.n}`;
      const size = Number.isNaN(l.edges) ? `${l.nodes} n` : `${l.nodes} n/${l.edges} e`;
      out(pad(size, 18) + pad(l.algorithm, 24) + pad(time, 30) + pad(Number.isNaN(l.cpuMs.median) ? "-" : String(round(l.cpuMs.median)), 10) + pad(Number.isNaN(l.crossings) ? "-" : String(l.crossings), 12) + (Number.isNaN(l.edgeLength) ? "-" : Math.round(l.edgeLength)));
    }
  }
  if (f.columns) {
    const c = f.columns;
    out();
    out(`Column lineage (${c.fieldEdges} field edges, ${c.datasets} datasets of ${c.fieldsPerDataset} fields, ingested in ${round(c.ingestSeconds)} s)`);
    out(`  3-hop field walk, upstream: p50 ${round(c.walkUpstream.p50)} ms, p95 ${round(c.walkUpstream.p95)} ms, p99 ${round(c.walkUpstream.p99)} ms; CPU p50 ${round(c.walkUpstreamCpu.p50)} ms, p95 ${round(c.walkUpstreamCpu.p95)} ms (${c.fieldsPerAnswer.upstream} fields per answer, n=${c.walkUpstream.n})`);
    out(`  3-hop field walk, both ways: p50 ${round(c.walkBoth.p50)} ms, p95 ${round(c.walkBoth.p95)} ms, p99 ${round(c.walkBoth.p99)} ms; CPU p50 ${round(c.walkBothCpu.p50)} ms, p95 ${round(c.walkBothCpu.p95)} ms (${c.fieldsPerAnswer.both} fields per answer)`);
    out(`  bytes per field edge (FieldEdge table and both indexes): ${round(c.bytesPerFieldEdge)}; per field (FieldNode): ${round(c.bytesPerFieldNode)}`);
  }
  if (f.store) {
    out();
    out("Batched ingest through the store (ingestEvents, 1,000 events per transaction)");
    for (const s of f.store) {
      if (s.runs.length === 0) continue;
      const r = s.runs[0]!;
      out(`  ${s.edges} edges: ${r.events} events; ${Math.round(s.eventsPerSecond.median)} events/s [${Math.round(s.eventsPerSecond.min)}–${Math.round(s.eventsPerSecond.max)}] ×${s.runs.length}; batch p50 ${round(r.batch.p50)} ms p95 ${round(r.batch.p95)} ms`);
    }
  }
  if (f.storage) {
    out();
    out("Storage (dbstat: Edge table + its indexes)");
    for (const [edges, s] of Object.entries(f.storage)) {
      out(`  ${edges} edges: ${round(s.bytesPerEdge)} B/edge (${Object.entries(s.byObject).map(([k, v]) => `${k} ${Math.round(v / 1024)} KiB`).join(", ")}); whole file ${round(s.fileBytesPerEdge)} B/edge`);
    }
  }
  if (f.api) {
    out();
    out(`Lineage API at ${f.api.storeEdges} edges (one request at a time; median over passes [min–max])`);
    for (const c of f.api.cases) {
      out(`  ${pad(c.name, 26)} p50 ${round(c.p50.median)} ms [${round(c.p50.min)}–${round(c.p50.max)}]  p95 ${round(c.p95.median)} ms [${round(c.p95.min)}–${round(c.p95.max)}]  ${c.foci} foci, ${Math.round(c.meanNodes)} nodes/answer, ${Math.round(c.truncatedShare * 100)} % truncated`);
    }
  }
  if (f.post) {
    out();
    out("POST /api/v1/lineage, one event per request");
    for (const p of [f.post.sequential, f.post.concurrent]) {
      out(`  ${p.concurrency} client(s): ${Math.round(p.perSecond)} events/s, p50 ${round(p.latency.p50)} ms, p95 ${round(p.latency.p95)} ms, p99 ${round(p.latency.p99)} ms (${p.events} events, ${JSON.stringify(p.statuses)})`);
    }
    for (const p of f.post.floor ? [f.post.floor.sequential, f.post.floor.concurrent] : []) {
      out(`  floor, a minimal route, ${p.concurrency} client(s): ${Math.round(p.perSecond)} requests/s, p50 ${round(p.latency.p50)} ms, p95 ${round(p.latency.p95)} ms`);
    }
  }
  if (f.browser) {
    out();
    out("Browser (headless Chromium, production build)");
    const first = f.browser.firstView;
    if (first) {
      out(
        `  first view (${first.nodes} nodes, ${first.focus}): framed graph ${round(first.framedMs.median)} ms [${round(first.framedMs.min)}–${round(first.framedMs.max)}] warm, ${round(first.coldFramedMs)} ms cold; ` +
          `page first byte ${round(first.pageFirstByteMs.median)} ms; the same view from the API ${round(first.apiMs.median)} ms [${round(first.apiMs.min)}–${round(first.apiMs.max)}]; ` +
          `framed at first paint in ${first.framedAtFirstPaint}/${first.visits} visits; ${first.graphRequests} lineage API requests while loading`,
      );
    }
    for (const v of f.browser.views) {
      out(`  ${v.requestedNodes}-node view (${v.renderedNodes} nodes, ${v.renderedEdges} edges): usable ${round(v.usableMs.median)} ms [${round(v.usableMs.min)}–${round(v.usableMs.max)}] warm, ${round(v.coldUsableMs)} ms cold; layout ${round(v.layoutMs.median)} ms; heap ${round((v.heapBytes ?? NaN) / 2 ** 20)} MB; handles within ${round(v.handleDeviationPx ?? NaN)} px${v.pan ? `; pan p50 ${round(v.pan.frameMs.p50)} ms p95 ${round(v.pan.frameMs.p95)} ms over ${v.pan.frames} frames (${round(v.pan.droppedShare * 100)} % over 20 ms)` : ""}`);
    }
  }
  if (f.audit) {
    out();
    const a = f.audit;
    out(
      `Audit badge: first full verification ${a.outcome} after ${round(a.firstVerifyMs / 1000)} s; a 1-hop lineage request meanwhile waited up to ${round(a.lineageDuringVerify.max)} ms` +
        (a.secondVerifyMs !== undefined ? `; the next verification ${round(a.secondVerifyMs)} ms` : "") +
        (a.rssAfter ? `; server RSS then ${round(a.rssAfter.rssBytes / 2 ** 20)} MB (peak ${round(a.rssAfter.peakRssBytes / 2 ** 20)} MB)` : "") +
        `; largest RSS seen meanwhile ${round(a.peakRssSeenBytes / 2 ** 20)} MB`,
    );
  }
  if (f.mlflow) {
    const m = f.mlflow;
    out();
    out(`MLflow import (synthetic file store: ${m.runs} runs in ${m.experiments} experiments, ${m.modelVersions} registry versions, ${m.events} events)`);
    out(`  import:mlflow end to end   ${round(m.importMs)} ms = ${round(m.runsPerSecond)} runs/s, ${round(m.eventsPerSecond)} events/s (reading the files ${round(m.readMs)} ms, mapping ${round(m.mapMs)} ms)`);
    out(`  the same events batched    ${round(m.ingestOnlyMs)} ms = ${round(m.ingestOnlyEventsPerSecond)} events/s (ingestEvents, 1,000 a batch)`);
    out(`  re-import, all duplicates  ${round(m.reimportMs)} ms`);
  }
  if (f.server) {
    out();
    const m = f.server.atEnd;
    if (m) out(`Server RSS with ${f.server.storeEdges} edges: ${round(m.rssBytes / 2 ** 20)} MB now, peak ${round(m.peakRssBytes / 2 ** 20)} MB (${m.processes} process(es))`);
  }
  out();
  out("Targets");
  for (const c of checks) out(`  ${c.isMet ? "PASS" : "MISS"}  ${pad(c.name, 58)} ${pad(`${c.value} ${c.unit}`, 16)} target ${c.target}${c.note ? ` (${c.note})` : ""}`);
  out();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
