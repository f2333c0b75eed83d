/**
 * The store side of the benchmark: builds a migrated SQLite file and fills it with generated
 * lineage through `ingestEvents` in batches (the batched-ingest figure), then measures what the
 * edges cost on disk.
 */
import fs from "node:fs";
import path from "node:path";
import { openSqlite, storeOver, type Sqlite } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { applyPendingMigrations, getDefaultPaths } from "@/scripts/lib/migrations";
import { emptyStats, generateGenAiLineage, takeBatch, type GenAiLineageStats } from "./genai-lineage";
import { summarise, type LatencySummary } from "../../harness/stats";

export function removeDatabase(file: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
}

/** A fresh database file with every migration applied (the same runner as `npm run db:migrate`). */
export async function createMigratedDatabase(file: string): Promise<void> {
  removeDatabase(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await applyPendingMigrations({ ...getDefaultPaths(process.cwd()), databasePath: file });
}

export interface StoreIngestResult {
  targetEdges: number;
  events: number;
  edges: number;
  nodes: number;
  batchSize: number;
  /** Time spent inside ingestEvents and the import's closing WAL checkpoint (generation excluded). */
  ingestMs: number;
  /** CPU time of this process inside ingestEvents (a loaded machine stretches wall time, less so this). */
  cpuMs: number;
  eventsPerSecond: number;
  /** Time of one ingestEvents call (one batch, one transaction), ms; a resumed build's: since it resumed. */
  batch: LatencySummary;
  generator: GenAiLineageStats;
}

/** How far a build has got: events and edges in the store, and the time and CPU spent ingesting them. */
export interface BuildProgress {
  events: number;
  edges: number;
  ingestMs: number;
  cpuMs: number;
}

/**
 * Generates a world of `targetEdges` edges and ingests it in batches of `batchSize` events into
 * `file` (migrated first), as a bulk import (Store.bulkImport, as the ingest CLI does). Only the
 * ingestEvents calls and the closing checkpoint are timed; the generator runs between them.
 *
 * With `resume`, `file` already holds the first `resume.events` events of the same world (whole
 * batches, each its own transaction): the generator replays them untimed and ingest goes on from
 * there, its time and CPU added to the resumed ones. `onProgress` is called every `progressEvery`
 * events, after the batch that reached them is committed.
 */
export async function buildStore(options: {
  file: string;
  targetEdges: number;
  seed: number;
  batchSize: number;
  resume?: BuildProgress;
  progressEvery?: number;
  onProgress?: (events: number, edges: number, progress: BuildProgress) => void;
}): Promise<StoreIngestResult> {
  if (!options.resume) await createMigratedDatabase(options.file);
  const db = openSqlite(options.file);
  try {
    const stats = emptyStats();
    const events = generateGenAiLineage({ targetEdges: options.targetEdges, seed: options.seed }, stats);
    let skipped = options.resume?.events ?? 0;
    if (skipped > 0) {
      // A build stopped between a batch's commit and its progress report holds one batch more than
      // reported: go on after it (its time is not counted).
      const stored = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM "Event"').get() as { n: number }).n;
      if (stored !== skipped && stored !== skipped + options.batchSize) throw new Error(`${options.file} holds ${stored} events, the build to resume ${skipped}`);
      skipped = stored;
      for (let i = 0; i < skipped; i++) if (events.next().done) throw new Error(`the world of ${options.targetEdges} edges has fewer than ${skipped} events`);
    }
    const progressEvery = options.progressEvery ?? 50_000;
    const batchMs: number[] = [];
    let cpuUs = (options.resume?.cpuMs ?? 0) * 1000;
    let timedMs = options.resume?.ingestMs ?? 0;
    let ingested = skipped;
    let lastReport = skipped;
    const store = storeOver(db);
    // As the ingest CLI imports: the WAL checkpointed once at the end, which is timed too.
    let lastBatchEnd = 0;
    let cpuAtEnd = process.cpuUsage();
    await store.bulkImport(async () => {
      for (;;) {
        const batch = takeBatch(events, options.batchSize);
        if (batch.length === 0) break;
        const start = performance.now();
        const cpu = process.cpuUsage();
        const outcomes = await ingestEvents(store, batch, { sender: "bench" });
        const used = process.cpuUsage(cpu);
        cpuUs += used.user + used.system;
        const ms = performance.now() - start;
        batchMs.push(ms);
        timedMs += ms;
        ingested += batch.length;
        const bad = outcomes.find((o) => o.status !== "created");
        if (bad) throw new Error(`event ${ingested - batch.length + bad.index} was ${bad.status}: ${JSON.stringify(bad.errors ?? [])}`);
        if (options.onProgress && ingested - lastReport >= progressEvery) {
          lastReport = ingested;
          options.onProgress(ingested, stats.edges, { events: ingested, edges: stats.edges, ingestMs: timedMs, cpuMs: cpuUs / 1000 });
        }
      }
      lastBatchEnd = performance.now();
      cpuAtEnd = process.cpuUsage();
    });
    const checkpointCpu = process.cpuUsage(cpuAtEnd);
    cpuUs += checkpointCpu.user + checkpointCpu.system;
    const checkpointMs = performance.now() - lastBatchEnd;
    const edges = count(db, "Edge");
    if (edges !== stats.edges) throw new Error(`the store holds ${edges} edges, the generator expected ${stats.edges}`);
    db.pragma("wal_checkpoint(TRUNCATE)");
    const ingestMs = timedMs + checkpointMs;
    return {
      targetEdges: options.targetEdges,
      events: ingested,
      edges,
      nodes: count(db, "Node"),
      batchSize: options.batchSize,
      ingestMs,
      cpuMs: cpuUs / 1000,
      eventsPerSecond: (ingested / ingestMs) * 1000,
      batch: summarise(batchMs),
      generator: stats,
    };
  } finally {
    db.close();
  }
}

export function count(db: Sqlite, table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
}

export interface StorageFigures {
  edges: number;
  /** Bytes of the Edge table and both of its indexes (dbstat: pages in use, including free space in them). */
  edgeBytes: number;
  bytesPerEdge: number;
  byObject: Record<string, number>;
  /** The whole file (log included), for scale. */
  fileBytes: number;
  fileBytesPerEdge: number;
}

/** What the edges take on disk: every page of the Edge table and of its indexes, per edge (dbstat). */
export function measureStorage(file: string): StorageFigures {
  const db = openSqlite(file);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
    const edges = count(db, "Edge");
    const objects = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE tbl_name = 'Edge' AND type IN ('table', 'index')")
      .all()
      .map((r) => r.name);
    const byObject: Record<string, number> = {};
    for (const name of objects) {
      const row = db.prepare<[string], { bytes: number | null }>("SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = ?").get(name);
      byObject[name] = row?.bytes ?? 0;
    }
    const edgeBytes = Object.values(byObject).reduce((a, b) => a + b, 0);
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const pageCount = db.pragma("page_count", { simple: true }) as number;
    return {
      edges,
      edgeBytes,
      bytesPerEdge: edgeBytes / edges,
      byObject,
      fileBytes: pageSize * pageCount,
      fileBytesPerEdge: (pageSize * pageCount) / edges,
    };
  } finally {
    db.close();
  }
}
