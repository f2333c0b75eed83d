// Stores: batched ingest through ingestEvents at each scale, then what the edges cost on disk. The
// server scenarios need the server-scale store: when only they run, it is built once, untimed repeats aside.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildStore, measureStorage, type StoreIngestResult } from "../lib/store";
import { measureLogFloor } from "../lib/ingest-bench";
import { round, spread } from "../../harness/stats";
import type { BenchContext, Scenario } from "../scenario";

/** Where --reuse-store keeps the store of `edges` edges; reused only while nothing that shapes it changed. */
export function cachedStoreFile(ctx: BenchContext, edges: number): string {
  return path.join(ctx.cacheDir, `store-${edges}-${storeCacheKey(ctx, edges)}.db`);
}

function storeCacheKey(ctx: BenchContext, edges: number): string {
  const hash = createHash("sha256");
  hash.update(String(edges)).update(String(ctx.seed)).update(String(ctx.batchSize));
  for (const file of ["scripts/bench/lib/genai-lineage.ts", "lib/server/projection.ts", "lib/server/ingest.ts", "lib/server/event-log.ts", "prisma/schema.prisma"]) {
    hash.update(fs.readFileSync(path.join(ctx.root, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

export const storesScenario: Scenario = {
  name: "store",
  isSelected: (ctx) => ctx.runs("store") || ctx.needsServer,
  async run(ctx) {
    const { figures, plan, log } = ctx;
    figures.store = [];
    figures.storage = {};
    const scales = ctx.runs("store") ? plan.storeScales : plan.storeScales.filter((s) => s.edges === plan.serverScale).map((s) => ({ ...s, repeats: 1 }));
    for (const scale of scales) {
      const results: StoreIngestResult[] = [];
      const cached = cachedStoreFile(ctx, scale.edges);
      if (ctx.options.reuseStore && fs.existsSync(cached)) {
        log(`store ${scale.edges} edges: reusing ${cached}`);
        ctx.storeFiles.set(scale.edges, cached);
      } else {
        for (let r = 0; r < scale.repeats; r++) {
          const file = path.join(ctx.work, `store-${scale.edges}-${r}.db`);
          log(`store ${scale.edges} edges: ingesting (repeat ${r + 1}/${scale.repeats})…`);
          const result = await buildStore({
            file,
            targetEdges: scale.edges,
            seed: ctx.seed,
            batchSize: ctx.batchSize,
            onProgress: (events, edges) => log(`  ${events} events, ${edges} edges`),
          });
          log(`  ${result.events} events in ${(result.ingestMs / 1000).toFixed(1)} s: ${Math.round(result.eventsPerSecond)} events/s`);
          results.push(result);
          if (r === 0) ctx.storeFiles.set(scale.edges, file);
          else for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
        }
        if (ctx.options.reuseStore) {
          fs.mkdirSync(ctx.cacheDir, { recursive: true });
          fs.copyFileSync(ctx.storeFiles.get(scale.edges)!, cached);
        }
        // The floor of the same events, in the same run (see lib/ingest-bench.ts).
        const floor = measureLogFloor({ file: path.join(ctx.work, `floor-${scale.edges}.db`), targetEdges: scale.edges, seed: ctx.seed, batchSize: ctx.batchSize });
        log(`  floor: the same ${floor.events} events into a bare log table: ${Math.round(floor.eventsPerSecond)} events/s`);
        figures.store.push({ edges: scale.edges, runs: results, eventsPerSecond: spread(results.map((r) => r.eventsPerSecond)), floor });
      }
      figures.storage[String(scale.edges)] = measureStorage(ctx.storeFiles.get(scale.edges)!);
    }
  },
  checks(f, checks, ctx) {
    for (const s of f.store ?? []) {
      if (s.runs.length === 0) continue;
      const first = s.runs[0]!;
      const cpuNote = `CPU ${round((first.cpuMs * 1000) / first.events)} µs/event; load average ${os.loadavg()[0]!.toFixed(1)}`;
      checks.atLeast(`ingest batched (${s.edges / 1000}k edges, ${ctx.batchSize}/batch)`, s.eventsPerSecond.median, 25_000, "events/s", cpuNote);
      if (!s.floor) continue;
      checks.add({
        name: `ingest floor: bare log inserts (${s.edges / 1000}k edges' events)`,
        value: round(s.floor.eventsPerSecond),
        unit: "events/s",
        target: "floor",
        isMet: true,
        note: `CPU ${round((s.floor.cpuMs * 1000) / s.floor.events)} µs/event`,
      });
      checks.atLeast(`ingest batched / its floor (${s.edges / 1000}k edges)`, (100 * s.eventsPerSecond.median) / s.floor.eventsPerSecond, 70, "%");
    }
    const storage = f.storage?.[String(ctx.plan.serverScale)] ?? Object.values(f.storage ?? {}).at(-1);
    if (storage) checks.atMost(`DB bytes per edge incl. both indexes (${Math.round(storage.edges / 1000)}k edges)`, storage.bytesPerEdge, 70, "B");
  },
  report(f, out) {
    if (f.store) {
      out();
      out("Batched ingest through the store (ingestEvents, 1,000 events per transaction)");
      for (const s of f.store) {
        if (s.runs.length === 0) continue;
        const r = s.runs[0]!;
        out(`  ${s.edges} edges: ${r.events} events; ${Math.round(s.eventsPerSecond.median)} events/s [${Math.round(s.eventsPerSecond.min)}–${Math.round(s.eventsPerSecond.max)}] ×${s.runs.length}; batch p50 ${round(r.batch.p50)} ms p95 ${round(r.batch.p95)} ms; CPU ${round((r.cpuMs * 1000) / r.events)} µs/event`);
        if (s.floor) out(`    floor, the same events into a bare log table (one insert each, one transaction): ${Math.round(s.floor.eventsPerSecond)} events/s; CPU ${round((s.floor.cpuMs * 1000) / s.floor.events)} µs/event`);
      }
    }
    if (f.storage) {
      out();
      out("Storage (dbstat: Edge table + its indexes)");
      for (const [edges, s] of Object.entries(f.storage)) {
        out(`  ${edges} edges: ${round(s.bytesPerEdge)} B/edge (${Object.entries(s.byObject).map(([k, v]) => `${k} ${Math.round(v / 1024)} KiB`).join(", ")}); whole file ${round(s.fileBytesPerEdge)} B/edge`);
      }
    }
  },
};
