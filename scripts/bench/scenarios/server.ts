// The production server on the server-scale store: started before the scenarios that talk to it,
// its memory read after them, stopped by the run at the end.
import fs from "node:fs";
import path from "node:path";
import { buildApp, buildStaleness, startServer } from "../lib/server";
import { processTreeMemory } from "../../harness/process";
import { round } from "../../harness/stats";
import type { BenchContext, Scenario } from "../scenario";

/** (Re)starts the server on ctx.serverFile; a benchmark of capacity, not of the per-sender write limit (2,000/s by default). */
export async function startBenchServer(ctx: BenchContext): Promise<void> {
  await ctx.server?.stop();
  ctx.server = await startServer(ctx.root, ctx.serverFile, { THREADLINE_RATE_LIMIT_PER_SECOND: "0" });
}

export const serverStartScenario: Scenario = {
  name: "server",
  isSelected: (ctx) => ctx.needsServer,
  async run(ctx) {
    const stale = buildStaleness(ctx.root);
    if (stale && !ctx.options.noBuild) {
      ctx.log(`${stale}: building`);
      buildApp(ctx.root, ctx.log);
    } else if (stale) {
      ctx.log(`warning: ${stale}, but --no-build was given`);
    }
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
    ctx.figures.server!.atEnd = processTreeMemory(ctx.server!.pid);
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
