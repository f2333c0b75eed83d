// The production server on the server-scale store: started before the scenarios that talk to it,
// its memory read after them, stopped by the run at the end.
import fs from "node:fs";
import path from "node:path";
import { buildApp, buildStaleness } from "../../harness/build";
import { startServer, sqliteUrl, type ServerProcess } from "../../harness/server";
import { canInspect, connectInspector, type HeapFigures, type Inspector } from "../../harness/inspector";
import { round } from "../../harness/stats";
import type { BenchContext, Scenario } from "../scenario";

/**
 * A benchmark's server on a database (SQLite file or PostgreSQL), on a free port of 127.0.0.1;
 * with `isInspected`, its inspector listens on a free port of 127.0.0.1 too.
 */
export function startBenchmarkServer(databaseUrl: string, { isInspected = false } = {}): Promise<ServerProcess> {
  return startServer({
    databaseUrl,
    env: {
      ...(isInspected ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --inspect=127.0.0.1:0`.trim() } : {}),
      // Local demo mode: anonymous writes, no credentials to manage in a benchmark.
      THREADLINE_AUTH: "off",
      // A benchmark is one client measuring throughput: the per-client read limit would measure
      // itself, and the per-sender write limit (2,000/s by default) would cap the capacity measured.
      THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0",
      THREADLINE_RATE_LIMIT_PER_SECOND: "0",
      THREADLINE_EXPENSIVE_READS: "64",
    },
  });
}

/** (Re)starts the run's server on ctx.serverFile. */
export async function startBenchServer(ctx: BenchContext): Promise<void> {
  await ctx.server?.stop();
  ctx.server = await startBenchmarkServer(sqliteUrl(ctx.serverFile), { isInspected: ctx.options.serverHeap });
}

const inspectors = new WeakMap<ServerProcess, Promise<Inspector>>();

/**
 * The server's memory once a phase is over: its RSS, and with --server-heap V8's heap read through
 * its inspector, so what a phase leaves behind can be told apart (V8's heap, or native memory:
 * SQLite's page caches, buffers, allocator arenas).
 */
export async function recordServerPhase(ctx: BenchContext, after: string): Promise<void> {
  const server = ctx.server;
  const memory = server?.memory();
  if (!server || !memory) return;
  let heap: HeapFigures | undefined;
  if (ctx.options.serverHeap && canInspect()) {
    let inspector = inspectors.get(server);
    if (!inspector) inspectors.set(server, (inspector = connectInspector(() => server.output())));
    heap = await inspector.then((i) => i.memory()).catch(() => undefined);
  }
  const rssMB = round(memory.rssBytes / 2 ** 20);
  (ctx.figures.server!.phases ??= []).push({ after, rssMB, heap });
  ctx.log(`server memory after ${after}: RSS ${rssMB} MB${heap ? `; V8 heap ${heap.heapUsed} MB used of ${heap.heapTotal} MB, external ${heap.external} MB` : ""}`);
}

/** Builds the app when the sources are newer than the build (unless --no-build). */
export function ensureFreshBuild(ctx: BenchContext): void {
  const stale = buildStaleness(ctx.root);
  if (stale && !ctx.options.noBuild) {
    ctx.log(`${stale}: building`);
    buildApp(ctx.root, ctx.log);
  } else if (stale) {
    ctx.log(`warning: ${stale}, but --no-build was given`);
  }
}

export const serverStartScenario: Scenario = {
  name: "server",
  isSelected: (ctx) => ctx.needsServer,
  async run(ctx) {
    ensureFreshBuild(ctx);
    // The server writes into its store (POST scenario): work on a copy so a cached store stays clean.
    ctx.serverFile = path.join(ctx.work, "server.db");
    fs.copyFileSync(ctx.storeFiles.get(ctx.plan.serverScale)!, ctx.serverFile);
    await startBenchServer(ctx);
    ctx.log(`server on ${ctx.server!.baseUrl} (pid ${ctx.server!.pid}) holding ${ctx.plan.serverScale} edges`);
    ctx.figures.server = { storeEdges: ctx.plan.serverScale };
  },
};

/** Listed after every scenario that uses the server: its memory once they are done. */
export const serverMemoryScenario: Scenario = {
  name: "server-memory",
  isSelected: (ctx) => ctx.needsServer,
  async run(ctx) {
    ctx.figures.server!.atEnd = ctx.server!.memory() ?? undefined;
  },
  checks(f, checks) {
    const edges = `${(f.server?.storeEdges ?? 0) / 1000}k edges`;
    if (f.server?.afterQueries) checks.atMost(`server RSS after the API passes (${edges})`, f.server.afterQueries.rssBytes / 2 ** 20, 300, "MB");
    if (f.server?.atEnd) {
      const after = f.audit?.outcome === "done" ? "audit verification, browser, POST" : "restart, browser, POST";
      checks.atMost(`server RSS at the end (${edges}; after ${after})`, f.server.atEnd.rssBytes / 2 ** 20, 300, "MB");
    }
  },
  report(f, out) {
    const m = f.server?.atEnd;
    if (!m) return;
    out();
    out(`Server RSS with ${f.server!.storeEdges} edges: ${round(m.rssBytes / 2 ** 20)} MB now, peak ${round(m.peakRssBytes / 2 ** 20)} MB (${m.processes} process(es))`);
  },
};
