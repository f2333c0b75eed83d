/**
 * Batched ingest into a big store, measured without copying it or changing it: what a slice of
 * new events costs per event once the store holds millions of edges (the 10M-edge store is 40 GB).
 *
 *   npx tsx --conditions=react-server scripts/bench/slice.ts <store.db> [--events=5000] [--warmup=2000]
 *       [--cache-kib=65536] [--mmap-mib=0] [--profile=<file.cpuprofile>] [--seed=7]
 *
 * How: a second name for the store's file (a hard link: the same inode, no copy) is opened in a
 * child process with automatic checkpoints off, so everything the slice writes goes to that name's
 * own WAL and never reaches the file. After `--warmup` events (untimed: the page cache fills) it
 * ingests `--events` more in batches of 1,000 — a new world of generated GenAI lineage under its
 * own namespaces, as an import of another source would arrive — and reads per event: wall time,
 * CPU, the reads the process made (`/proc/self/io`: SQLite reads a page it does not hold in its
 * cache with one pread, so `syscr` counts its page-cache misses), and the WAL frames the commits
 * wrote. Then the child kills itself (SIGKILL: no checkpoint on close), and the link, its WAL and
 * its shared-memory file are removed. The store must not be written meanwhile (no build, no server).
 * With `--profile`, the timed part is CPU-profiled (summarise with profile-summary.ts).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import { openSqlite, storeOver } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { generateGenAiLineage, takeBatch } from "./lib/genai-lineage";
import { count } from "./lib/store";

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const profileFile = argv.find((a) => a.startsWith("--profile="))?.slice("--profile=".length);
const file = argv.find((a) => !a.startsWith("--"));
const BATCH = 1_000;

export interface SliceFigures {
  store: string;
  storeEdges: number;
  storeEvents: number;
  cacheKiB: number;
  mmapMiB: number;
  events: number;
  eventsPerSecond: number;
  cpuUsPerEvent: number;
  /** pread calls per event (SQLite's page-cache misses, plus its WAL reads), and bytes read. */
  readsPerEvent: number;
  readKiBPerEvent: number;
  /** WAL frames (pages) the commits wrote, per event. */
  walFramesPerEvent: number;
  loadAverage: number;
}

function processIo(): { syscr: number; rchar: number } {
  const io = fs.readFileSync("/proc/self/io", "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, "m").exec(io)?.[1] ?? 0);
  return { syscr: field("syscr"), rchar: field("rchar") };
}

async function child(link: string): Promise<void> {
  const events = flag("events", 5_000);
  const warmup = flag("warmup", 2_000);
  const cacheKiB = flag("cache-kib", 65_536);
  const mmapMiB = flag("mmap-mib", 0);
  const db = openSqlite(link);
  // Nothing the slice writes may reach the file: every commit stays in this name's WAL.
  db.pragma("wal_autocheckpoint = 0");
  db.pragma(`cache_size = -${cacheKiB}`);
  db.pragma(`mmap_size = ${mmapMiB * 2 ** 20}`);
  const store = storeOver(db);
  const storeEdges = count(db, "Edge");
  const storeEvents = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM "Event"').get() as { n: number }).n;
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  // Enough of a world for the warm-up and the slice (about 1.4 edges an event).
  const world = generateGenAiLineage({ targetEdges: Math.ceil((warmup + events) * 2), seed: flag("seed", 7), namespacePrefix: "slice/", startTime: "2027-06-01T00:00:00.000Z" });
  const ingest = async (n: number) => {
    for (let done = 0; done < n; ) {
      const batch = takeBatch(world, Math.min(BATCH, n - done));
      if (batch.length === 0) throw new Error("the slice's world ran out of events");
      const outcomes = await ingestEvents(store, batch, { sender: "bench" });
      const bad = outcomes.find((o) => o.status !== "created");
      if (bad) throw new Error(`slice event was ${bad.status}: ${JSON.stringify(bad.errors ?? [])}`);
      done += batch.length;
    }
  };
  await ingest(warmup);
  const walBytes = () => (fs.existsSync(`${link}-wal`) ? fs.statSync(`${link}-wal`).size : 0);
  const session = new Session();
  if (profileFile) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const [io, wal, cpu, start] = [processIo(), walBytes(), process.cpuUsage(), performance.now()];
  await ingest(events);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const ioAfter = processIo();
  if (profileFile) {
    const { profile } = await session.post("Profiler.stop");
    fs.writeFileSync(profileFile, JSON.stringify(profile));
  }
  const figures: SliceFigures = {
    store: file!,
    storeEdges,
    storeEvents,
    cacheKiB,
    mmapMiB,
    events,
    eventsPerSecond: (events / ms) * 1000,
    cpuUsPerEvent: (used.user + used.system) / events,
    readsPerEvent: (ioAfter.syscr - io.syscr) / events,
    readKiBPerEvent: (ioAfter.rchar - io.rchar) / 1024 / events,
    walFramesPerEvent: (walBytes() - wal) / (pageSize + 24) / events,
    loadAverage: Number((await import("node:os")).loadavg()[0]!.toFixed(2)),
  };
  process.stdout.write(JSON.stringify(figures) + "\n");
  // No close: closing the last connection would checkpoint the slice into the store's file.
  process.kill(process.pid, "SIGKILL");
}

function parent(): void {
  if (!file || !fs.existsSync(file)) {
    console.error("Usage: npx tsx --conditions=react-server scripts/bench/slice.ts <store.db> [--events=5000] [--warmup=2000] [--cache-kib=65536] [--mmap-mib=0] [--profile=<file>]");
    process.exit(2);
  }
  if (fs.existsSync(`${file}-wal`) && fs.statSync(`${file}-wal`).size > 0) throw new Error(`${file} has a WAL in use: stop what writes it (and checkpoint) first`);
  const before = fs.statSync(file);
  const link = `${file}.slice-${process.pid}.db`;
  fs.linkSync(file, link);
  try {
    const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv, `--child=${link}`], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const line = run.stdout.trim().split("\n").at(-1) ?? "";
    if (!line.startsWith("{")) throw new Error(`the slice did not finish (${run.signal ?? run.status}): ${run.stdout.slice(-2000)}`);
    process.stdout.write(line + "\n");
  } finally {
    for (const suffix of ["-wal", "-shm", "-journal", ""]) fs.rmSync(link + suffix, { force: true });
  }
  const after = fs.statSync(file);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw new Error(`${file} changed during the slice (size ${before.size} -> ${after.size})`);
}

const childLink = argv.find((a) => a.startsWith("--child="))?.slice("--child=".length);
if (childLink) await child(childLink);
else parent();
