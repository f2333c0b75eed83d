// PostgreSQL (issue 14), when THREADLINE_BENCH_POSTGRES_URL names a server: batched ingest through
// the store into an empty database; a store of the plan's size (1M edges in the full run) built by
// batched ingest into SQLite and copied row for row into PostgreSQL, with what its edges take and
// the lineage API's 3-hop and 2,000-node figures from a server on it; then POST throughput with 1, 2
// and 3 servers on that one database, each beside the minimal-route floor of the same servers.
// Every database it makes is named threadline_bench_<random> and dropped at the end (kept with --keep).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { parseDatabaseUrl, postgresClientConfig, type PostgresConnection } from "@/lib/config";
import { precompileFacetValidators } from "@/lib/schemas/facet-validation";
import { ingestBatches } from "@/lib/server/ingest-batches";
import { postgresStore } from "@/lib/server/store/postgres-store";
import type { Store } from "@/lib/server/store/types";
import { openSqlite, storeOver } from "@/lib/server/db";
import { applyPendingMigrations, getDefaultPaths } from "@/scripts/lib/migrations";
import { copyTables } from "../../harness/copy-tables";
import { sqliteUrl, type ServerProcess } from "../../harness/server";
import { round, summarise, type LatencySummary } from "../../harness/stats";
import { emptyStats, generateGenAiLineage, takeBatch } from "../lib/genai-lineage";
import { createClient, runLoad, type Client, type HttpResult } from "../lib/http-load";
import { bigNeighbourhoodCandidates, fociFillingBudget, measureQueriesInTurn, sampleFoci, type QueryCase, type QueryFigure } from "../lib/queries";
import { buildStore } from "../lib/store";
import type { BenchContext, PostFigure, Scenario } from "../scenario";
import { ensureFreshBuild, startBenchmarkServer } from "./server";
import { cachedStoreFile } from "./stores";

export const POSTGRES_URL_VARIABLE = "THREADLINE_BENCH_POSTGRES_URL";

export interface PostgresFigures {
  ingest: {
    edges: number;
    events: number;
    eventsPerSecond: number;
    batch: LatencySummary;
    /** The same events appended to a bare log table on the same server (see measureLogFloor). */
    floor: { events: number; eventsPerSecond: number };
  };
  store: { edges: number; nodes: number; events: number; copySeconds: number };
  storage: { edgeBytes: number; bytesPerEdge: number; databaseBytes: number; databaseBytesPerEdge: number };
  api: QueryFigure[];
  /**
   * The same cases, foci and passes on the SQLite store the database was copied from, each pass
   * in turn with PostgreSQL's: the machine's speed at the moment the figures above were measured.
   */
  apiBaseline: QueryFigure[];
  /** Per number of servers: POSTs of one event each, and the minimal route, both spread over the servers. */
  post: { servers: number; post: PostFigure; floor: PostFigure }[];
  /** The machine's 1-minute load average as the scenario started and as it ended. */
  loadAverage: { start: number; end: number };
}

const THREE_HOPS: QueryCase = { name: "3 hops", depth: 3, limit: 500, direction: "both" };
const BIG: QueryCase = { name: "2,000-node neighbourhood", depth: 10, limit: 2_000, direction: "both" };
const CLIENTS = 8;

type BenchDatabase = { connection: PostgresConnection; url: string; drop: () => Promise<void> };

/** The database `name` on the benchmark's server, as it is (one an earlier run kept); never dropped. */
function existingDatabase(server: PostgresConnection, name: string): BenchDatabase {
  const url = new URL(process.env[POSTGRES_URL_VARIABLE]!);
  url.pathname = `/${name}`;
  return { connection: { ...server, database: name }, url: url.toString(), drop: async () => undefined };
}

/** A database of its own on the benchmark's server, migrated; dropped by `drop`. */
export async function createDatabase(server: PostgresConnection): Promise<BenchDatabase> {
  const name = `threadline_bench_${randomBytes(5).toString("hex")}`;
  const onServer = async (sql: string) => {
    const client = new pg.Client(postgresClientConfig(server));
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onServer(`CREATE DATABASE "${name}"`);
  const connection = { ...server, database: name };
  await applyPendingMigrations({ ...getDefaultPaths(process.cwd(), "postgresql"), target: { backend: "postgresql", connection } });
  const url = new URL(process.env[POSTGRES_URL_VARIABLE]!);
  url.pathname = `/${name}`;
  return { connection, url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Batched ingest through ingestBatches (1,000 events a transaction, overlapped) into an empty PostgreSQL store (the events/s figure). */
async function measureIngest(ctx: BenchContext, connection: PostgresConnection): Promise<PostgresFigures["ingest"]> {
  const store = postgresStore(connection, { max: 2 });
  try {
    const events = generateGenAiLineage({ targetEdges: ctx.plan.postgres.ingestEdges, seed: ctx.seed }, emptyStats());
    // The world is generated before the clock starts, as the floor's is.
    const batches: unknown[][] = [];
    for (let batch = takeBatch(events, ctx.batchSize); batch.length > 0; batch = takeBatch(events, ctx.batchSize)) batches.push(batch);
    // So are the facet validators compiled: ~0.5-0.8 s of CPU once a process (the first batch's
    // validation), which would otherwise be a third of this small world's ingest (docs/benchmarks.md,
    // seventh round) and is no part of what an event costs. The floor beside it starts warm too.
    precompileFacetValidators();
    // Batches overlap (ingestBatches): a batch's time is from the commit before it to its own.
    const batchMs: number[] = [];
    let count = 0;
    const start = performance.now();
    let last = start;
    await ingestBatches(store, batches, { sender: "bench" }, (outcomes, index) => {
      const now = performance.now();
      batchMs.push(now - last);
      last = now;
      const bad = outcomes.find((o) => o.status !== "created");
      if (bad) throw new Error(`event ${count + bad.index} was ${bad.status}: ${JSON.stringify(bad.errors ?? [])}`);
      count += batches[index]!.length;
    });
    const ms = performance.now() - start;
    const edges = (await store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Edge"`))!.n;
    const floor = await measureLogFloor({ edges: ctx.plan.postgres.ingestEdges, seed: ctx.seed, batchSize: ctx.batchSize }, store);
    return { edges, events: count, eventsPerSecond: (count / ms) * 1000, batch: summarise(batchMs), floor };
  } finally {
    await store.close();
  }
}

/**
 * The floor of batched ingest on PostgreSQL: the same events (same world, same batches) appended to
 * a bare log table (sequence number and payload, nothing else) in one transaction, one multi-row
 * INSERT a batch, each event serialised once: what any log on this server pays for the bytes and
 * the round trips, before hashing, validation and the projection.
 */
export async function measureLogFloor(world: { edges: number; seed: number; batchSize: number }, store: Store): Promise<PostgresFigures["ingest"]["floor"]> {
  await store.run(`CREATE TABLE "FloorEvent" ("seq" INTEGER PRIMARY KEY, "payload" TEXT NOT NULL)`);
  // The world is generated before the clock starts, as the timed ingest above leaves generation out.
  const events = generateGenAiLineage({ targetEdges: world.edges, seed: world.seed }, emptyStats());
  const batches: ReturnType<typeof takeBatch>[] = [];
  for (let batch = takeBatch(events, world.batchSize); batch.length > 0; batch = takeBatch(events, world.batchSize)) batches.push(batch);
  let seq = 0;
  const start = performance.now();
  await store.transaction(async (tx) => {
    for (const batch of batches) {
      const params = batch.flatMap((event) => [++seq, JSON.stringify(event)]);
      await tx.run(`INSERT INTO "FloorEvent" ("seq", "payload") VALUES ${batch.map(() => "(?, ?)").join(", ")}`, params);
    }
  });
  return { events: seq, eventsPerSecond: (seq / (performance.now() - start)) * 1000 };
}

/** What the Edge table and its indexes take (pg_total_relation_size, after VACUUM), and the whole database. */
async function measureStorage(connection: PostgresConnection): Promise<PostgresFigures["storage"]> {
  const store = postgresStore(connection, { max: 1 });
  try {
    await store.run(`VACUUM ANALYZE`);
    const row = (await store.get<{ edges: number; edgeBytes: string; databaseBytes: string }>(
      `SELECT (SELECT COUNT(*) FROM "Edge")::integer AS "edges", pg_total_relation_size('"Edge"')::text AS "edgeBytes", pg_database_size(current_database())::text AS "databaseBytes"`,
    ))!;
    const edgeBytes = Number(row.edgeBytes);
    const databaseBytes = Number(row.databaseBytes);
    return { edgeBytes, bytesPerEdge: edgeBytes / row.edges, databaseBytes, databaseBytesPerEdge: databaseBytes / row.edges };
  } finally {
    await store.close();
  }
}

/** Requests of `send` spread over the servers in turn, CLIENTS at a time. */
async function spreadLoad(servers: ServerProcess[], count: number, send: (client: Client, i: number) => Promise<HttpResult>) {
  const clients = servers.map((s) => createClient(s.baseUrl, CLIENTS));
  // A kept-alive socket the server closed as it was reused (idle past its 5 s) fails before the
  // request reaches it: sent once more (a POST too: a retried event is answered as a duplicate).
  const sendOnce = async (i: number) => {
    try {
      return await send(clients[i % clients.length]!, i);
    } catch {
      return send(clients[i % clients.length]!, i);
    }
  };
  try {
    return await runLoad(clients[0]!, CLIENTS, count, sendOnce);
  } finally {
    for (const client of clients) client.close();
  }
}

async function measurePosts(ctx: BenchContext, url: string): Promise<PostgresFigures["post"]> {
  const perRun = ctx.plan.postgres.postEvents;
  // A world of its own in namespaces of this run's own, so nothing is a duplicate of the store, nor
  // of what an earlier run posted into a kept database (--postgres-database).
  const bodies: string[] = [];
  // (Its run ids come from the seed, so the seed is the run's own too.)
  const run = randomBytes(3).readUIntBE(0, 3);
  const namespacePrefix = `pg-post-bench-${run.toString(16)}/`;
  for (const event of generateGenAiLineage({ targetEdges: Number.MAX_SAFE_INTEGER, seed: ctx.seed + 11 + run, namespacePrefix, startTime: "2027-07-01T00:00:00.000Z", pipelines: 40 })) {
    bodies.push(JSON.stringify(event));
    if (bodies.length >= perRun * 3) break;
  }
  const servers: ServerProcess[] = [];
  const figures: PostgresFigures["post"] = [];
  let sent = 0;
  try {
    for (const n of [1, 2, 3]) {
      while (servers.length < n) servers.push(await startBenchmarkServer(url));
      await measureOn(n);
    }
  } catch (error) {
    // A request that failed twice ("socket hang up" ended a 1M run once, as a second server
    // joined, with nothing left to tell why): how each server stands, and what it printed last.
    const states = servers.map((s) => `server ${s.baseUrl} (pid ${s.pid}): ${s.isRunning ? "running" : "exited"}, ${s.unexpectedExits} unexpected exits; it printed last:\n${s.outputTail(20)}`);
    throw new Error(`${(error as Error).message}\n${states.join("\n")}`, { cause: error });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return figures;

  async function measureOn(n: number) {
    const figure = (concurrency: number, events: number, r: Awaited<ReturnType<typeof runLoad>>): PostFigure => ({ concurrency, events, perSecond: r.perSecond, latency: r.latency, statuses: r.statuses });
    await spreadLoad(servers, 200, (client) => client.get("/api/v1/audit/public-key"));
    const floor = figure(CLIENTS, 2_000, await spreadLoad(servers, 2_000, (client) => client.get("/api/v1/audit/public-key")));
    const from = sent;
    const post = figure(CLIENTS, perRun, await spreadLoad(servers, perRun, (client, i) => client.post("/api/v1/lineage", bodies[from + i]!)));
    sent += perRun;
    ctx.log(`postgres POST, ${n} server(s), ${CLIENTS} clients: ${Math.round(post.perSecond)} events/s (p95 ${round(post.latency.p95)} ms, ${JSON.stringify(post.statuses)}); floor ${Math.round(floor.perSecond)} requests/s`);
    figures.push({ servers: n, post, floor });
  }
}

export const postgresScenario: Scenario = {
  name: "postgres",
  // In a whole run only when the variable is set; asked for by --only=postgres without it, it says what is missing.
  isSelected: (ctx) => ctx.runs("postgres") && (process.env[POSTGRES_URL_VARIABLE] !== undefined || !ctx.runs("(a section no --only names)")),
  async run(ctx) {
    const serverUrl = process.env[POSTGRES_URL_VARIABLE];
    if (!serverUrl) throw new Error(`--only=postgres needs ${POSTGRES_URL_VARIABLE}=postgresql://user:password@host:5432/<an existing database>`);
    const location = parseDatabaseUrl(serverUrl);
    if (location.kind !== "postgresql") throw new Error(`${POSTGRES_URL_VARIABLE} must be a postgresql:// URL`);
    const { plan, log } = ctx;
    const loadAtStart = os.loadavg()[0]!;
    ensureFreshBuild(ctx);

    const scratch = await createDatabase(location.connection);
    // --postgres-database=<name>: measure the store an earlier run kept (--keep) instead of copying it again.
    const keptName = process.argv.find((a) => a.startsWith("--postgres-database="))?.slice("--postgres-database=".length);
    const big = keptName ? existingDatabase(location.connection, keptName) : await createDatabase(location.connection);
    try {
      const cached = cachedStoreFile(ctx, plan.postgres.edges);
      let file = ctx.storeFiles.get(plan.postgres.edges) ?? (ctx.options.reuseStore && fs.existsSync(cached) ? cached : undefined);
      if (!file) {
        file = path.join(ctx.work, `postgres-source-${plan.postgres.edges}.db`);
        log(`postgres: building the ${plan.postgres.edges}-edge store by batched ingest (SQLite) to copy…`);
        await buildStore({ file, targetEdges: plan.postgres.edges, seed: ctx.seed, batchSize: ctx.batchSize, onProgress: (events, edges) => log(`  ${events} events, ${edges} edges`) });
        if (ctx.options.reuseStore) {
          fs.mkdirSync(ctx.cacheDir, { recursive: true });
          fs.copyFileSync(file, cached);
        }
      }
      let copySeconds = 0;
      if (!keptName) {
        log(`postgres: copying it into ${big.connection.database}…`);
        const sqliteDb = openSqlite(file);
        const target = postgresStore(big.connection, { max: 2 });
        const copyStart = performance.now();
        try {
          await copyTables(storeOver(sqliteDb), target, undefined, (table, rows) => log(`  ${table}: ${rows} rows`));
        } finally {
          await target.close();
          sqliteDb.close();
        }
        copySeconds = (performance.now() - copyStart) / 1000;
      }
      const counts = postgresStore(big.connection, { max: 1 });
      const count = async (table: string) => (await counts.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`))!.n;
      const store = { edges: await count("Edge"), nodes: await count("Node"), events: await count("Event"), copySeconds };
      await counts.close();
      const storage = await measureStorage(big.connection);
      log(`  ${store.edges} edges${keptName ? ` (kept database ${keptName})` : ` in ${round(copySeconds)} s`}; ${round(storage.bytesPerEdge)} B per edge (Edge and its indexes)`);

      // Foci are picked from the SQLite source before the server starts: reading a 4 GB file between
      // two passes left the client's kept-alive socket idle past the server's 5 s, and it hung up.
      const threeHopFoci = sampleFoci(file, plan.query.perType, ctx.seed);
      const bigCandidates = bigNeighbourhoodCandidates(file, plan.query.bigFoci * 2, ctx.seed + 1);
      // The SQLite source served beside it, read only by these requests, is the figures' baseline.
      const servers = [await startBenchmarkServer(big.url), await startBenchmarkServer(sqliteUrl(file))];
      const api: QueryFigure[] = [];
      const apiBaseline: QueryFigure[] = [];
      try {
        const [client, baseline] = servers.map((server) => createClient(server.baseUrl, 1)) as [Client, Client];
        const bigFoci = await fociFillingBudget(client, bigCandidates, BIG, plan.query.bigFoci);
        for (const [c, foci] of [[THREE_HOPS, threeHopFoci], [BIG, bigFoci]] as const) {
          const [onPostgres, onSqlite] = await measureQueriesInTurn([client, baseline], foci, c, plan.query.passes);
          api.push(onPostgres!);
          apiBaseline.push(onSqlite!);
          log(`postgres API ${c.name}: p50 ${round(onPostgres!.p50.median)} ms, p95 ${round(onPostgres!.p95.median)} ms over ${foci.length} foci; SQLite, passes in turn: p50 ${round(onSqlite!.p50.median)} ms, p95 ${round(onSqlite!.p95.median)} ms`);
        }
        client.close();
        baseline.close();
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
      }
      log(`postgres: batched ingest of ${plan.postgres.ingestEdges} edges into ${scratch.connection.database}…`);
      const ingest = await measureIngest(ctx, scratch.connection);
      log(`  ${ingest.events} events, ${Math.round(ingest.eventsPerSecond)} events/s; floor (bare log table) ${Math.round(ingest.floor.eventsPerSecond)} events/s`);
      await scratch.drop();

      const post = await measurePosts(ctx, big.url);
      ctx.figures.postgres = { ingest, store, storage, api, apiBaseline, post, loadAverage: { start: round(loadAtStart), end: round(os.loadavg()[0]!) } };
    } finally {
      if (!process.argv.includes("--keep")) {
        await scratch.drop();
        await big.drop();
      }
    }
  },
  checks(f, checks) {
    const p = f.postgres;
    if (!p) return;
    const edges = `${Math.round(p.store.edges / 1000)}k edges`;
    const load = `load average ${p.loadAverage.start}–${p.loadAverage.end}`;
    checks.atLeast(`PostgreSQL ingest batched (${Math.round(p.ingest.edges / 1000)}k edges)`, p.ingest.eventsPerSecond, 10_000, "events/s", load);
    checks.add({
      name: `PostgreSQL ingest floor: bare log inserts (${Math.round(p.ingest.edges / 1000)}k edges' events)`,
      value: round(p.ingest.floor.eventsPerSecond),
      unit: "events/s",
      target: "floor",
      isMet: true,
      note: "one multi-row INSERT a batch, one transaction",
    });
    const by = (name: string) => p.api.find((c) => c.name === name);
    if (by(THREE_HOPS.name)) checks.atMost(`PostgreSQL API 3 hops p95 (${edges})`, by(THREE_HOPS.name)!.p95.median, 10, "ms", load);
    if (by(BIG.name)) checks.atMost(`PostgreSQL API 2,000-node neighbourhood p95 (${edges})`, by(BIG.name)!.p95.median, 50, "ms", load);
    for (const c of p.apiBaseline ?? []) {
      checks.add({
        name: `SQLite API ${c.name} p95 beside it (the same store and foci, passes in turn)`,
        value: round(c.p95.median),
        unit: "ms",
        target: "baseline",
        isMet: true,
        note: `PostgreSQL ${round(by(c.name)?.p95.median ?? Number.NaN)} ms in the same passes`,
      });
    }
  },
  report(f, out) {
    const p = f.postgres;
    if (!p) return;
    out();
    out(`PostgreSQL (load average ${p.loadAverage.start} at the start, ${p.loadAverage.end} at the end)`);
    out(`  batched ingest through the store: ${p.ingest.events} events (${p.ingest.edges} edges), ${Math.round(p.ingest.eventsPerSecond)} events/s; batch p50 ${round(p.ingest.batch.p50)} ms p95 ${round(p.ingest.batch.p95)} ms`);
    out(`    floor, the same events into a bare log table (one multi-row INSERT a batch, one transaction): ${Math.round(p.ingest.floor.eventsPerSecond)} events/s`);
    out(`  store: ${p.store.edges} edges, ${p.store.nodes} nodes, ${p.store.events} events, copied from SQLite in ${round(p.store.copySeconds)} s`);
    out(`  storage: ${round(p.storage.bytesPerEdge)} B per edge (Edge and its indexes, pg_total_relation_size); whole database ${round(p.storage.databaseBytesPerEdge)} B per edge`);
    for (const c of p.api) out(`  API ${c.name}: p50 ${round(c.p50.median)} ms, p95 ${round(c.p95.median)} ms [${round(c.p95.min)}–${round(c.p95.max)}], ${c.foci} foci, ${Math.round(c.meanNodes)} nodes/answer`);
    for (const c of p.apiBaseline ?? []) out(`    beside it, SQLite on the store it was copied from, passes in turn: p50 ${round(c.p50.median)} ms, p95 ${round(c.p95.median)} ms [${round(c.p95.min)}–${round(c.p95.max)}]`);
    for (const r of p.post) {
      out(`  POST, ${r.servers} server(s), ${CLIENTS} clients: ${Math.round(r.post.perSecond)} events/s (p50 ${round(r.post.latency.p50)} ms, p95 ${round(r.post.latency.p95)} ms); minimal route ${Math.round(r.floor.perSecond)} requests/s`);
    }
  },
};
