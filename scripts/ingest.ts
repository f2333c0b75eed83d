/**
 * npm run ingest -- <file|dir|->...
 * Loads OpenLineage events from files, folders and stdin through the same door as the HTTP API,
 * prints a summary (accepted, duplicates, rejected with file:line and reason, the time it took and
 * events per second) and exits non-zero when anything was rejected.
 */
import fs from "node:fs";
import { closeDatabase, getStore } from "@/lib/server/db";
import { ingestBatches } from "@/lib/server/ingest-batches";
import { expandPath, parseEventText, type SourcedEvent } from "./lib/event-files";

const BATCH = 1000;

function progress(done: number, total: number) {
  if (!process.stderr.isTTY || total < BATCH) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} events`);
  if (done === total) process.stderr.write("\n");
}

async function readSources(args: string[]): Promise<SourcedEvent[]> {
  const events: SourcedEvent[] = [];
  for (const arg of args) {
    if (arg === "-") {
      events.push(...parseEventText(fs.readFileSync(0, "utf8"), "stdin"));
      continue;
    }
    if (!fs.existsSync(arg)) throw new Error(`No such file or folder: ${arg}`);
    for (const file of expandPath(arg)) events.push(...parseEventText(fs.readFileSync(file, "utf8"), file));
  }
  return events;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes("--help")) {
    console.log("Usage: npm run ingest -- <file.json|file.ndjson|folder|->...");
    process.exit(args.length === 0 ? 2 : 0);
  }
  const started = performance.now();
  const sources = await readSources(args);
  const readMs = performance.now() - started;
  const rejected: string[] = [];
  let accepted = 0;
  let duplicates = 0;
  let warnings = 0;
  const store = getStore();
  // The batches' parsable events, and the lines that were not JSON (rejected in the batch they fall in).
  const batches: { parsable: SourcedEvent[]; unparsable: SourcedEvent[]; end: number }[] = [];
  for (let start = 0; start < sources.length; start += BATCH) {
    const slice = sources.slice(start, start + BATCH);
    batches.push({
      parsable: slice.filter((s) => s.parseError === undefined),
      unparsable: slice.filter((s) => s.parseError !== undefined),
      end: Math.min(start + BATCH, sources.length),
    });
  }
  await store.bulkImport(() =>
    // On PostgreSQL each batch is validated and projected while the one before is written.
    ingestBatches(store, batches.map((b) => b.parsable.map((s) => s.value)), { sender: "cli" }, (outcomes, index) => {
      const { parsable, unparsable, end } = batches[index]!;
      for (const s of unparsable) rejected.push(`${s.where}: not valid JSON (${s.parseError})`);
      outcomes.forEach((o, i) => {
        warnings += o.warnings?.length ?? 0;
        if (o.status === "created") accepted++;
        else if (o.status === "duplicate") duplicates++;
        else rejected.push(`${parsable[i].where}: ${(o.errors ?? []).map((e) => `${e.path || "(event)"}: ${e.message}`).join("; ")}`);
      });
      progress(end, sources.length);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${sources.length} events read: ${accepted} accepted, ${duplicates} duplicates, ${rejected.length} rejected` +
    (warnings ? ` (${warnings} warnings about facets that break their schema)` : ""));
  console.log(`in ${seconds.toFixed(1)} s: ${Math.round(sources.length / seconds)} events/s (reading and parsing the input ${(readMs / 1000).toFixed(1)} s)`);
  for (const line of rejected.slice(0, 200)) console.log(`  rejected ${line}`);
  if (rejected.length > 200) console.log(`  ... and ${rejected.length - 200} more`);
  await closeDatabase();
  process.exit(rejected.length > 0 ? 1 : 0);
}

main().catch(async (error) => {
  console.error(`ingest failed: ${(error as Error).message}`);
  await closeDatabase();
  process.exit(2);
});
