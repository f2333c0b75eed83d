/**
 * What one batch of events writes, per B-tree: builds the benchmark's generated world into a fresh
 * SQLite store in batches (as the batched-ingest figure does), and for a few batches late in the
 * build empties the WAL first, then reads the page number of every frame the batch's commit wrote
 * and charges each page to its table or index (dbstat). Also counts the B-tree entries each table's
 * rows add per event (rows × (1 + its indexes)).
 *
 *   npx tsx --conditions=react-server scripts/bench/wal-pages.ts [targetEdges=100000] [batch=1000]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqlite, storeOver } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { createMigratedDatabase, removeDatabase } from "./lib/store";
import { generateGenAiLineage, takeBatch } from "./lib/genai-lineage";

const targetEdges = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 1000);
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "threadline-pages-")), "store.db");

/** The page numbers of the frames in a WAL file (24-byte frame headers after a 32-byte file header). */
function walPages(walFile: string, pageSize: number): number[] {
  const wal = fs.readFileSync(walFile);
  const pages: number[] = [];
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) pages.push(wal.readUInt32BE(at));
  return pages;
}

await createMigratedDatabase(file);
const db = openSqlite(file);
const store = storeOver(db);
const pageSize = db.pragma("page_size", { simple: true }) as number;
const events = generateGenAiLineage({ targetEdges, seed: 42 });
db.pragma("wal_autocheckpoint = 0");
let ingested = 0;
let batchNo = 0;
const measured: { events: number; frames: number; pages: Map<string, number> }[] = [];
const owner = () => new Map(db.prepare<[], { name: string; pageno: number }>("SELECT name, pageno FROM dbstat").all().map((r) => [r.pageno, r.name]));
for (;;) {
  const batch = takeBatch(events, batchSize);
  if (batch.length === 0) break;
  batchNo++;
  const measure = batchNo % 10 === 0 && batch.length === batchSize;
  if (measure || batchNo % 5 === 0) db.pragma("wal_checkpoint(TRUNCATE)");
  await ingestEvents(store, batch, { sender: "bench" });
  ingested += batch.length;
  if (measure) {
    const frames = walPages(`${file}-wal`, pageSize);
    const owners = owner();
    const pages = new Map<string, number>();
    for (const page of new Set(frames)) {
      const name = owners.get(page) ?? "(free or header)";
      pages.set(name, (pages.get(name) ?? 0) + 1);
    }
    measured.push({ events: batch.length, frames: frames.length, pages });
  }
}
const totals = new Map<string, number>();
let frames = 0;
let measuredEvents = 0;
for (const m of measured) {
  frames += m.frames;
  measuredEvents += m.events;
  for (const [name, n] of m.pages) totals.set(name, (totals.get(name) ?? 0) + n);
}
console.log(`${ingested} events, ${targetEdges} target edges; ${measured.length} batches of ${batchSize} measured`);
console.log(`WAL frames per event: ${(frames / measuredEvents).toFixed(2)}; distinct pages per event by B-tree:`);
for (const [name, n] of [...totals].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(44)} ${(n / measuredEvents).toFixed(3)}`);

const objects = db.prepare<[], { name: string; tbl_name: string; type: string }>("SELECT name, tbl_name, type FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT IN ('sqlite_sequence', 'sqlite_stat1', '_prisma_migrations')").all();
console.log(`B-tree entries per event (rows / events), total pages:`);
let entries = 0;
for (const o of objects) {
  let rows = 0;
  try {
    rows = (db.prepare(`SELECT COUNT(*) AS n FROM "${o.tbl_name}"`).get() as { n: number }).n;
  } catch {
    continue;
  }
  const pages = (db.prepare("SELECT COUNT(*) AS n FROM dbstat WHERE name = ?").get(o.name) as { n: number }).n;
  if (rows === 0) continue;
  entries += rows;
  console.log(`  ${o.name.padEnd(44)} ${(rows / ingested).toFixed(3).padStart(7)}  ${String(pages).padStart(7)} pages`);
}
console.log(`  total ${(entries / ingested).toFixed(2)} entries per event`);
db.close();
removeDatabase(file);
fs.rmSync(path.dirname(file), { recursive: true, force: true });
