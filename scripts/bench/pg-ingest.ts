/**
 * Batched ingest on PostgreSQL, alone and taken apart: the benchmark's world (10k edges by
 * default) ingested through ingestBatches (with --one-by-one, each batch through ingestEvents in
 * turn) into a scratch database of its own, 1,000 events a transaction, beside the bare-log floor of the postgres scenario; then where the wall time went:
 * this process's CPU, the PostgreSQL backends' CPU (read from /proc, so only for a server on this
 * machine), the WAL written, and with --statements every statement the transactions sent, timed
 * from send to answer and grouped by text.
 *
 *   THREADLINE_BENCH_POSTGRES_URL=postgresql://postgres:postgres@127.0.0.1:5432/postgres \
 *     npx tsx --conditions=react-server scripts/bench/pg-ingest.ts [--edges 10000] [--batch 1000] [--one-by-one] [--statements] [--keep] [--profile <file.cpuprofile>] [--warm]
 *
 * `--profile <file>` CPU-profiles the ingest alone (not the world's generation nor the floor); read it
 * with `npx tsx scripts/bench/profile-summary.ts <file> --per <events>`.
 */
import fs from "node:fs";
import os from "node:os";
import { performance as nodePerformance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Session } from "node:inspector/promises";
import { parseDatabaseUrl } from "@/lib/config";
import { precompileFacetValidators } from "@/lib/schemas/facet-validation";
import { ingestEvents, type IngestOutcome } from "@/lib/server/ingest";
import { ingestBatches } from "@/lib/server/ingest-batches";
import { postgresStore } from "@/lib/server/store/postgres-store";
import type { Queryable, SqlValue, Store } from "@/lib/server/store/types";
import { round } from "../harness/stats";
import { emptyStats, generateGenAiLineage, takeBatch } from "./lib/genai-lineage";
import { createDatabase, measureLogFloor, POSTGRES_URL_VARIABLE } from "./scenarios/postgres";

const { values: args } = parseArgs({
  options: {
    edges: { type: "string", default: "10000" },
    batch: { type: "string", default: "1000" },
    seed: { type: "string", default: "20261124" },
    statements: { type: "boolean", default: false },
    "server-log": { type: "string" },
    keep: { type: "boolean", default: false },
    // Each batch through ingestEvents, one after the other, instead of ingestBatches (overlapped).
    "one-by-one": { type: "boolean", default: false },
    // A CPU profile of the ingest alone (not the world's generation, nor the floor): profile-summary.ts --per <events>.
    profile: { type: "string" },
    // The facet validators compiled before the clock starts: a process's one-time cost (~0.5-0.8 s
    // of CPU here), which is a large share of a 10k-edge world's ingest (the postgres scenario's).
    warm: { type: "boolean", default: false },
  },
});
const edges = Number(args.edges);
const batchSize = Number(args.batch);
const seed = Number(args.seed);

/** Every statement's time from send to answer, by its text with the rows' placeholders folded. */
const statementMs = new Map<string, { calls: number; ms: number }>();
/** Wall time with at least one statement outstanding (statements sent together overlap: counted once). */
let awaitedMs = 0;
let outstanding = 0;
let outstandingSince = 0;

function timed(tx: Queryable): Queryable {
  const time = async <T>(sql: string, call: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    if (outstanding++ === 0) outstandingSince = start;
    try {
      return await call();
    } finally {
      const end = performance.now();
      if (--outstanding === 0) awaitedMs += end - outstandingSince;
      const ms = end - start;
      const key = sql.replace(/\s+/g, " ").replace(/(\((?:\?, )*\?\)(?:, )?)+/g, "(…)").slice(0, 110);
      const entry = statementMs.get(key) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += ms;
      statementMs.set(key, entry);
    }
  };
  return {
    dialect: tx.dialect,
    all: <T>(sql: string, params?: readonly SqlValue[]) => time(sql, () => tx.all<T>(sql, params)),
    values: <T extends readonly unknown[]>(sql: string, params?: readonly SqlValue[]) => time(sql, () => tx.values<T>(sql, params)),
    get: <T>(sql: string, params?: readonly SqlValue[]) => time(sql, () => tx.get<T>(sql, params)),
    run: (sql: string, params?: readonly SqlValue[]) => time(sql, () => tx.run(sql, params)),
  };
}

/**
 * Where a batch's wall time goes, from timestamps: the event loop busy (this process's JavaScript
 * on the main thread) or idle (waiting for PostgreSQL), each split by whether a transaction held
 * the log's lock at that moment; and the lock's hold time itself. The lock counts as held from the
 * answer to `lockLog` to the end of the transaction (its commit answered).
 */
const loopUse = nodePerformance.eventLoopUtilization;
const phases = { lockedMs: 0, lockedBusyMs: 0, beforeLockMs: 0, transactions: 0 };

function phased(store: Store): Store {
  const transaction: Store["transaction"] = async (work) => {
    const called = performance.now();
    let lockedAt = 0;
    let loopAtLock = loopUse();
    const watch = (tx: Queryable): Queryable => ({
      ...tx,
      dialect: tx.dialect,
      all: (sql, params) => tx.all(sql, params),
      get: (sql, params) => tx.get(sql, params),
      run: async (sql, params) => {
        const result = await tx.run(sql, params);
        if (sql === tx.dialect.lockLog) {
          lockedAt = performance.now();
          loopAtLock = loopUse();
          phases.beforeLockMs += lockedAt - called;
        }
        return result;
      },
    });
    const result = await store.transaction((tx) => work(watch(tx)));
    if (lockedAt > 0) {
      phases.lockedMs += performance.now() - lockedAt;
      const loop = loopUse(loopAtLock);
      phases.lockedBusyMs += loop.active;
    }
    phases.transactions++;
    return result;
  };
  return { ...store, transaction };
}

/** CPU seconds (user + system) of the PostgreSQL backends serving `database`, from /proc. */
async function backendCpuSeconds(store: Store, database: string): Promise<number> {
  const rows = await store.all<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = ?`, [database]);
  const ticks = 100; // USER_HZ on Linux
  let seconds = 0;
  for (const { pid } of rows) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    seconds += (Number(fields[11]) + Number(fields[12])) / ticks;
  }
  return seconds;
}

/** The server's execution time by statement, from the log lines log_min_duration_statement wrote since `from`. */
function printServerTimes(file: string, from: number, events: number, database: string): void {
  const bytes = Buffer.alloc(fs.statSync(file).size - from);
  const fd = fs.openSync(file, "r");
  fs.readSync(fd, bytes, 0, bytes.length, from);
  fs.closeSync(fd);
  const text = bytes.toString("utf8");
  const byStatement = new Map<string, { calls: number; ms: number }>();
  let total = 0;
  // "… duration: 1.234 ms  execute threadline_x: INSERT …" or "… statement: COMMIT"; parse/bind lines too.
  for (const match of text.matchAll(/\[\d+\] \S+@(\S+) LOG:  duration: ([\d.]+) ms  (parse|bind|execute|statement)[^:]*: ([^\n]*)/g)) {
    if (match[1] !== database) continue;
    const ms = Number(match[2]);
    total += ms;
    const key = `${match[3]} ${match[4]!.replace(/\$\d+/g, "?").replace(/(\((?:\?, )*\?\)(?:, )?)+/g, "(…)").slice(0, 100)}`;
    const entry = byStatement.get(key) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byStatement.set(key, entry);
  }
  console.log(`  server time logged: ${round((total * 1000) / events)} µs/event`);
  for (const [sql, s] of [...byStatement].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
    console.log(`  ${String(Math.round(s.ms)).padStart(7)} ms ${String(s.calls).padStart(6)} × ${round(s.ms / s.calls)} ms  ${sql}`);
  }
}

async function main(): Promise<void> {
  const serverUrl = process.env[POSTGRES_URL_VARIABLE];
  if (!serverUrl) throw new Error(`Set ${POSTGRES_URL_VARIABLE}=postgresql://user:password@host:5432/<an existing database>`);
  const location = parseDatabaseUrl(serverUrl);
  if (location.kind !== "postgresql") throw new Error(`${POSTGRES_URL_VARIABLE} must be a postgresql:// URL`);
  const scratch = await createDatabase(location.connection);
  // --server-log=<the server's log file>: PostgreSQL logs every statement's execution time on the scratch database.
  const serverLog = args["server-log"];
  const logFrom = serverLog ? fs.statSync(serverLog).size : 0;
  if (serverLog) {
    const admin = postgresStore(scratch.connection, { max: 1 });
    await admin.run(`ALTER DATABASE "${scratch.connection.database}" SET log_min_duration_statement = 0`);
    // Not the parameters: a batch's rows are megabytes of JSON.
    await admin.run(`ALTER DATABASE "${scratch.connection.database}" SET log_parameter_max_length = 0`);
    await admin.close();
  }
  const store = postgresStore(scratch.connection, { max: 2 });
  const measured: Store = phased(args.statements ? { ...store, transaction: (work) => store.transaction((tx) => work(timed(tx))) } : store);
  try {
    const events = generateGenAiLineage({ targetEdges: edges, seed }, emptyStats());
    const batches: unknown[][] = [];
    for (let batch = takeBatch(events, batchSize); batch.length > 0; batch = takeBatch(events, batchSize)) batches.push(batch);
    const count = batches.reduce((n, b) => n + b.length, 0);
    if (args.warm) precompileFacetValidators();
    const walBefore = (await store.get<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`))!.lsn;
    const load = os.loadavg()[0]!;
    const session = new Session();
    if (args.profile) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
    }
    const cpuBefore = process.cpuUsage();
    const loopBefore = loopUse();
    let wallMs = 0;
    let projectedAhead = 0;
    const check = (outcomes: IngestOutcome[]) => {
      const bad = outcomes.find((o) => o.status !== "created");
      if (bad) throw new Error(`event ${bad.index} was ${bad.status}: ${JSON.stringify(bad.errors ?? [])}`);
    };
    if (args["one-by-one"]) {
      for (const batch of batches) {
        const start = performance.now();
        check(await ingestEvents(measured, batch, { sender: "bench" }));
        wallMs += performance.now() - start;
      }
    } else {
      const start = performance.now();
      await ingestBatches(measured, batches, { sender: "bench" }, (outcomes, _index, how) => {
        check(outcomes);
        if (how.isProjectedAhead) projectedAhead++;
      });
      wallMs = performance.now() - start;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const loop = loopUse(loopBefore);
    if (args.profile) {
      const { profile } = await session.post("Profiler.stop");
      fs.writeFileSync(args.profile, JSON.stringify(profile));
      session.disconnect();
    }
    const serverCpu = await backendCpuSeconds(store, scratch.connection.database);
    const wal = (await store.get<{ bytes: number }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint AS bytes`, [walBefore]))!.bytes;
    const stored = (await store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Edge"`))!.n;
    const perEvent = (ms: number) => `${round((ms * 1000) / count)} µs/event`;
    const clientMs = (cpu.user + cpu.system) / 1000;
    console.log(`${count} events (${stored} edges) in ${batches.length} batches of ${batchSize}: ${Math.round((count / wallMs) * 1000)} events/s, wall ${perEvent(wallMs)} (load ${round(load)} → ${round(os.loadavg()[0]!)})`);
    console.log(`  client CPU ${perEvent(clientMs)}; PostgreSQL backends' CPU ${perEvent(serverCpu * 1000)}; WAL ${Math.round(wal / count)} B/event`);
    console.log(
      `  event loop busy ${perEvent(loop.active)} (${perEvent(phases.lockedBusyMs)} of it under the log's lock), idle ${perEvent(loop.idle)}; ` +
        `the lock held ${perEvent(phases.lockedMs)} (${round((phases.lockedMs / wallMs) * 100)} % of the wall time), ` +
        `a transaction's start to its lock ${perEvent(phases.beforeLockMs)}` +
        (args["one-by-one"] ? "" : `; ${projectedAhead} of ${batches.length} batches projected ahead of the lock`),
    );
    if (args.statements) {
      console.log(`  awaiting statements ${perEvent(awaitedMs)} (${round((awaitedMs / wallMs) * 100)} % of the wall time); statements: ${[...statementMs.values()].reduce((n, s) => n + s.calls, 0)}`);
      for (const [sql, s] of [...statementMs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
        console.log(`  ${String(Math.round(s.ms)).padStart(7)} ms ${String(s.calls).padStart(6)} × ${round(s.ms / s.calls)} ms  ${sql}`);
      }
    }
    if (serverLog) printServerTimes(serverLog, logFrom, count, scratch.connection.database);
    const floor = await measureLogFloor({ edges, seed, batchSize }, store);
    console.log(`  floor (bare log table, same events and batches): ${Math.round(floor.eventsPerSecond)} events/s; ingest at ${round((count / wallMs) * 1000 / floor.eventsPerSecond * 100)} % of it`);
  } finally {
    await store.close();
    if (!args.keep) await scratch.drop();
    else console.log(`kept ${scratch.connection.database}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
