/**
 * The write path's floors, measured in the same run as the figures they bound (a shared machine's
 * load moves every figure; a ratio to a floor taken minutes apart does not move much):
 * - the log floor: the same generated events appended to a bare log table (seq, payload) with one
 *   prepared insert each, in one transaction — no validation, no hashing, no projection, no index.
 *   What any store pays to keep the events at all; batched ingest is held to 70 % of it;
 * - `npm run ingest` of an NDJSON file, end to end, as a person runs it (process start, reading and
 *   parsing the file, ingest in batches, the summary it prints).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { openSqlite } from "@/lib/server/db";
import { createMigratedDatabase, removeDatabase } from "./store";
import { generateGenAiLineage, takeBatch } from "./genai-lineage";

export interface LogFloorFigures {
  events: number;
  /** Wall time of the inserts and the commit (generation excluded), ms. */
  ms: number;
  /** CPU time of this process over the same stretches, ms. */
  cpuMs: number;
  eventsPerSecond: number;
}

/**
 * Appends the events of the world `buildStore` ingests (same seed, same target) to a bare table in
 * a fresh file with Threadline's connection settings, one prepared insert per event, all in one
 * transaction. Each event is serialised once (JSON.stringify): the least a log can do with it.
 */
export function measureLogFloor(options: { file: string; targetEdges: number; seed: number; batchSize: number }): LogFloorFigures {
  removeDatabase(options.file);
  const db = openSqlite(options.file);
  try {
    db.exec(`CREATE TABLE "Event" (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL)`);
    const insert = db.prepare(`INSERT INTO "Event" (seq, payload) VALUES (?, ?)`);
    const events = generateGenAiLineage({ targetEdges: options.targetEdges, seed: options.seed });
    let ms = 0;
    let cpuUs = 0;
    let seq = 0;
    const timed = (work: () => void) => {
      const start = performance.now();
      const cpu = process.cpuUsage();
      work();
      const used = process.cpuUsage(cpu);
      cpuUs += used.user + used.system;
      ms += performance.now() - start;
    };
    timed(() => db.exec("BEGIN IMMEDIATE"));
    for (;;) {
      const batch = takeBatch(events, options.batchSize);
      if (batch.length === 0) break;
      timed(() => {
        for (const event of batch) insert.run(++seq, JSON.stringify(event));
      });
    }
    timed(() => db.exec("COMMIT"));
    return { events: seq, ms, cpuMs: cpuUs / 1000, eventsPerSecond: (seq / ms) * 1000 };
  } finally {
    db.close();
    removeDatabase(options.file);
  }
}

export interface CliIngestFigures {
  events: number;
  /** The command from start to exit, ms. */
  wallMs: number;
  eventsPerSecond: number;
  /** What the command printed about its own time (`in 12.3 s: 8130 events/s …`). */
  reported: string;
  exitCode: number | null;
}

/**
 * Writes `events` generated events (their own namespaces) to an NDJSON file and loads them with
 * `npm run ingest` (the script itself, through tsx, so npm's own start-up is not counted) into a
 * fresh migrated store.
 */
export async function measureCliIngest(work: string, options: { events: number; seed: number }): Promise<CliIngestFigures> {
  const file = path.join(work, "ingest.ndjson");
  const database = path.join(work, "ingest-cli.db");
  const out = fs.openSync(file, "w");
  let written = 0;
  // The world is sized by its edge target (about 1.4 edges per event): ask for a little more than enough.
  for (const event of generateGenAiLineage({ targetEdges: Math.ceil(options.events * 1.6), seed: options.seed, namespacePrefix: "cli-bench/" })) {
    fs.writeSync(out, `${JSON.stringify(event)}\n`);
    if (++written >= options.events) break;
  }
  fs.closeSync(out);
  await createMigratedDatabase(database);
  const start = performance.now();
  const result = spawnSync(path.join(process.cwd(), "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/ingest.ts", file], {
    env: { ...process.env, DATABASE_URL: `file:${path.resolve(database)}`, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const wallMs = performance.now() - start;
  removeDatabase(database);
  fs.rmSync(file, { force: true });
  if (result.status !== 0) throw new Error(`npm run ingest failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  return {
    events: written,
    wallMs,
    eventsPerSecond: (written / wallMs) * 1000,
    reported: /^in .*$/m.exec(result.stdout)?.[0] ?? "",
    exitCode: result.status,
  };
}
