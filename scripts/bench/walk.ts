/**
 * The lineage walk on both backends, in process: GET /api/v1/lineage's read (getLineage through a
 * Store) on a generated store in SQLite and the same rows copied into PostgreSQL, at 3 hops (the
 * API's default budget of 500) and for neighbourhoods that fill a 2,000-node budget; beside it the
 * walk alone (hop by hop, edges and node rows) through Prisma Client, the other query approach the
 * store layer was weighed against (docs/architecture.md, "The store layer").
 *
 *   npm run -s bench:walk -- --edges 100000 --postgres postgresql://…/threadline_walk [--json] [--reuse]
 *   npm run -s bench:walk -- --from <store.db> --postgres … [--only-postgres]   # an existing SQLite store
 *
 * The PostgreSQL database must exist and be empty (it is migrated here and left filled); with
 * --reuse it is measured as an earlier run left it. --from reads an existing store (the benchmark's
 * cached 1M store) instead of building one, and never writes to it.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { parseDatabaseUrl, postgresClientConfig } from "@/lib/config";
import { openSqlite, storeOver } from "@/lib/server/db";
import { PrismaClient as SqlitePrisma } from "@/lib/server/generated/prisma/client";
import { PrismaClient as PostgresPrisma } from "@/lib/server/generated/prisma-postgresql/client";
import fs from "node:fs";
import { getLineage, type LineageQuery } from "@/lib/server/lineage";
import { readLineageAnswer } from "@/lib/server/views";
import { parseViewQuery } from "@/lib/schemas/view-query";
import { postgresStore } from "@/lib/server/store/postgres-store";
import type { Queryable, Store } from "@/lib/server/store/types";
import { applyPendingMigrations, getDefaultPaths } from "@/scripts/lib/migrations";
import { copyTables } from "../harness/copy-tables";
import { summarise, type LatencySummary } from "../harness/stats";
import { bigNeighbourhoodCandidates, sampleFoci } from "./lib/queries";
import { buildStore } from "./lib/store";

const { values: args } = parseArgs({
  options: {
    edges: { type: "string", default: "100000" },
    postgres: { type: "string", default: process.env["THREADLINE_BENCH_POSTGRES_URL"] },
    passes: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
    /** Measure the stores a previous run built (data/bench-walk.db and the filled database). */
    reuse: { type: "boolean", default: false },
    /** An existing SQLite store to measure (and copy into PostgreSQL unless --reuse) instead of building one. */
    from: { type: "string" },
    /** Measure the Store's walk on PostgreSQL only (no SQLite, no Prisma Client): the quick before/after of a PostgreSQL change. */
    "only-postgres": { type: "boolean", default: false },
    /** Where a 2,000-node answer's time goes on PostgreSQL: each statement of the read timed and added up by kind (see timedStore). */
    phases: { type: "boolean", default: false },
    /** A file holding the 2,000-node foci (written when absent): probing 40 candidates at 1M edges takes a while. */
    "foci-file": { type: "string" },
  },
});

const log = (line: string) => {
  if (!args.json) console.log(line);
};

const PRISMA_CHUNK = 900;

/** Either ORM client: the walk below uses only the two models both generate alike. */
type Prisma = Pick<SqlitePrisma, "edge" | "node" | "$disconnect">;

/**
 * The walk through Prisma Client: the same breadth-first hops and budget as getLineage (without
 * its early stop inside a hop and without node descriptions, so it is the cheaper of the two).
 */
async function prismaWalk(prisma: Prisma, query: LineageQuery): Promise<number> {
  const focus = await prisma.node.findUnique({ where: { key: query.nodeId }, select: { id: true } });
  if (!focus) throw new Error(`no node ${query.nodeId}`);
  const included = new Set([focus.id]);
  for (const direction of ["upstream", "downstream"] as const) {
    if (query.direction !== "both" && query.direction !== direction) continue;
    const [from, to] = direction === "upstream" ? (["targetId", "sourceId"] as const) : (["sourceId", "targetId"] as const);
    let frontier = [focus.id];
    for (let hop = 0; hop < query.depth && frontier.length > 0; hop++) {
      // A list parameter binds one value per id, so a wide frontier goes in chunks (one findMany
      // with a few thousand ids exceeds the engine's limit on parameters); each chunk comes back in key order.
      const edges: { sourceId: number; targetId: number }[] = [];
      for (let i = 0; i < frontier.length; i += PRISMA_CHUNK) {
        edges.push(
          ...(await prisma.edge.findMany({
            where: { [from]: { in: frontier.slice(i, i + PRISMA_CHUNK) } },
            select: { sourceId: true, targetId: true },
            orderBy: [{ sourceId: "asc" }, { targetId: "asc" }],
          })),
        );
      }
      edges.sort((a, b) => a.sourceId - b.sourceId || a.targetId - b.targetId);
      const next: number[] = [];
      for (const e of edges) {
        const other = e[to];
        if (included.has(other) || included.size >= query.limit) continue;
        included.add(other);
        next.push(other);
      }
      frontier = next;
    }
  }
  const nodes = await prisma.node.findMany({ where: { id: { in: [...included] } }, select: { id: true, key: true, type: true, namespace: true, name: true } });
  return nodes.length;
}

/** What a statement of a lineage read does, told from its text (the kinds of getLineage's and readLineageAnswer's statements). */
function statementKind(sql: string): string {
  if (sql.includes(`WITH RECURSIVE "walk"`)) return "walk: recursive query";
  if (sql.includes("CROSS JOIN LATERAL")) return "walk: pages node by node";
  if (sql.includes(`(+"sourceId", +"targetId") >`) || sql.includes(`+"targetId" IN`) || sql.includes(`+"sourceId" IN`)) return "walk: edges into nodes in, after a cut";
  if (sql.includes(`FROM "Edge" WHERE`) && sql.includes("LIMIT")) return "walk: pages";
  if (sql.includes("LEFT JOIN LATERAL") || sql.includes(`FROM "Node" n`)) return "describe";
  if (sql.includes(`"ArtefactSignature"`) || sql.includes(`"Signer`)) return "signatures";
  if (sql.includes(`"Flag"`) || sql.includes(`MAX("seq") AS "seq" FROM "Event"`)) return "flags";
  if (sql.includes(`(SELECT 1 AS "one")`)) return "head and focus";
  return `other: ${sql.replace(/\s+/g, " ").slice(0, 60)}`;
}

interface Span {
  kind: string;
  start: number;
  end: number;
}

/** `store` with each statement's time recorded into `spans` (reset by the caller per read). */
function timedStore(store: Queryable, spans: Span[]): Queryable {
  const timed = async <R>(sql: string, run: () => Promise<R>): Promise<R> => {
    const start = performance.now();
    try {
      return await run();
    } finally {
      spans.push({ kind: statementKind(sql), start, end: performance.now() });
    }
  };
  return {
    dialect: store.dialect,
    all: (sql, params) => timed(sql, () => store.all(sql, params)),
    values: (sql, params) => timed(sql, () => store.values(sql, params)),
    get: (sql, params) => timed(sql, () => store.get(sql, params)),
    run: (sql, params) => timed(sql, () => store.run(sql, params)),
  };
}

/** How long the intervals cover together (statements of one kind overlap when both directions walk at once). */
function covered(spans: readonly Span[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const { start, end } of [...spans].sort((a, b) => a.start - b.start)) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

/**
 * The CPU time, in ms, that the PostgreSQL backends serving connections named `appName` have used
 * (read from /proc: the server must run on this machine, else null), asked through `monitor`, a
 * connection of another name. A backend that has closed since the last call keeps its last figure
 * (a pooled connection closes after idling, so it used no CPU since).
 */
function backendCpu(monitor: Queryable, appName: string): () => Promise<number | null> {
  const ticksOf = new Map<number, number>();
  return async () => {
    const backends = await monitor.all<{ pid: number }>(`SELECT "pid" FROM pg_stat_activity WHERE "application_name" = ?`, [appName]);
    for (const { pid } of backends) {
      // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 a second).
      // Absent or another program's: the server runs elsewhere, or the backend has just closed.
      const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, "utf8") : null;
      const fields = stat?.includes(" (postgres) ") ? stat.split(") ")[1]!.split(" ") : undefined;
      if (fields) ticksOf.set(pid, Number(fields[11]) + Number(fields[12]));
    }
    let ticks = 0;
    for (const t of ticksOf.values()) ticks += t;
    return ticksOf.size === 0 ? null : ticks * 10;
  };
}

/**
 * Where a 2,000-node answer's time goes (--phases): readLineageAnswer (what GET /api/v1/lineage
 * reads) on PostgreSQL for each focus, `passes` times after a warm-up, each statement timed; per
 * kind the statements a read sends, their time added up and the wall time they cover (the walk's
 * two directions overlap), then the JSON the route would send. Medians over the reads. Beside them
 * the CPU PostgreSQL's backends spent on the reads, where the server runs on this machine: unlike
 * the wall times, it hardly moves with the load of other work, so it compares builds on a busy
 * machine.
 */
async function measurePhases(store: Queryable, foci: string[], passes: number, postgresCpu: () => Promise<number | null>): Promise<Record<string, unknown>> {
  const spans: Span[] = [];
  const timed = timedStore(store, spans);
  const read = (node: string) => readLineageAnswer(timed, parseViewQuery(new URLSearchParams({ node, depth: "10", direction: "both", limit: "2000" })));
  for (const node of foci) await read(node);
  const perKind = new Map<string, { statements: number[]; sum: number[]; wall: number[] }>();
  const totals: number[] = [];
  const cpu: number[] = [];
  const json: number[] = [];
  const bytes: number[] = [];
  const cpuAtStart = await postgresCpu();
  let cpuNow = cpuAtStart;
  for (let p = 0; p < passes; p++) {
    for (const node of foci) {
      spans.length = 0;
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const answer = await read(node);
      const readMs = performance.now() - start;
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
      const jsonStart = performance.now();
      const text = JSON.stringify(answer);
      json.push(performance.now() - jsonStart);
      bytes.push(text.length);
      totals.push(readMs);
      // Read after every answer, so that a connection closing while idle takes nothing uncounted with it.
      cpuNow = await postgresCpu();
      const byKind = new Map<string, Span[]>();
      for (const span of spans) byKind.set(span.kind, [...(byKind.get(span.kind) ?? []), span]);
      for (const kind of new Set([...perKind.keys(), ...byKind.keys()])) {
        const list = byKind.get(kind) ?? [];
        const entry = perKind.get(kind) ?? { statements: [], sum: [], wall: [] };
        entry.statements.push(list.length);
        entry.sum.push(list.reduce((a, s) => a + s.end - s.start, 0));
        entry.wall.push(covered(list));
        perKind.set(kind, entry);
      }
    }
  }
  const med = (xs: number[]) => summarise(xs).p50;
  const kinds = [...perKind].map(([kind, e]) => ({ kind, statements: med(e.statements), sumMs: med(e.sum), wallMs: med(e.wall) }));
  const postgresCpuPerRead = cpuAtStart === null || cpuNow === null ? null : (cpuNow - cpuAtStart) / totals.length;
  log(
    `readLineageAnswer, ${foci.length} foci × ${passes}: p50 ${med(totals).toFixed(1)} ms, p95 ${summarise(totals).p95.toFixed(1)} ms; this process's CPU p50 ${med(cpu).toFixed(1)} ms a read; ` +
      `PostgreSQL's CPU ${postgresCpuPerRead === null ? "not readable here" : `${postgresCpuPerRead.toFixed(1)} ms a read (mean)`}; JSON.stringify p50 ${med(json).toFixed(1)} ms (${Math.round(med(bytes) / 1024)} KiB)`,
  );
  for (const k of kinds.sort((a, b) => b.wallMs - a.wallMs)) {
    log(`  ${k.kind.padEnd(44)} ${String(k.statements).padStart(4)} statements  ${k.sumMs.toFixed(1).padStart(7)} ms summed  ${k.wallMs.toFixed(1).padStart(7)} ms of wall time  (medians)`);
  }
  return { read: summarise(totals), cpu: summarise(cpu), postgresCpuPerRead, json: summarise(json), bytes: med(bytes), kinds };
}

interface Case {
  name: string;
  query: Omit<LineageQuery, "nodeId">;
  foci: string[];
}

async function time(foci: string[], passes: number, run: (nodeId: string) => Promise<unknown>): Promise<LatencySummary> {
  for (const nodeId of foci) await run(nodeId);
  const ms: number[] = [];
  for (let p = 0; p < passes; p++) {
    for (const nodeId of foci) {
      const start = performance.now();
      await run(nodeId);
      ms.push(performance.now() - start);
    }
  }
  return summarise(ms);
}

async function main(): Promise<void> {
  if (!args.postgres) throw new Error("--postgres (or THREADLINE_BENCH_POSTGRES_URL) must name an empty PostgreSQL database");
  const target = parseDatabaseUrl(args.postgres);
  if (target.kind !== "postgresql") throw new Error("--postgres must be a postgresql:// URL");
  const edges = Number(args.edges);
  const passes = Number(args.passes);
  const file = path.resolve(args.from ?? "data/bench-walk.db");

  if (!args.reuse && !args.from) {
    log(`Building a SQLite store of ${edges} edges…`);
    const built = await buildStore({ file, targetEdges: edges, seed: 7, batchSize: 500 });
    log(`  ${built.events} events, ${built.edges} edges, ${built.nodes} nodes`);
  }
  const sqliteDb = args.from ? new Database(file, { readonly: true }) : openSqlite(file);
  const sqlite: Store = storeOver(sqliteDb);
  const postgres = postgresStore(target.connection, { max: 2 });
  if (!args.reuse) {
    log(`Migrating and filling ${target.connection.database} on PostgreSQL…`);
    await applyPendingMigrations({ ...getDefaultPaths(process.cwd(), "postgresql"), target: { backend: "postgresql", connection: target.connection } });
    const copyStart = performance.now();
    await copyTables(sqlite, postgres, undefined, (table, rows) => log(`  ${table}: ${rows} rows`));
    await postgres.run("ANALYZE");
    log(`  copied in ${((performance.now() - copyStart) / 1000).toFixed(1)} s`);
  }
  const counts = await sqlite.get<{ edges: number; nodes: number }>(`SELECT (SELECT COUNT(*) FROM "Edge") AS "edges", (SELECT COUNT(*) FROM "Node") AS "nodes"`);

  const threeHops: Case = { name: "3 hops", query: { depth: 3, direction: "both", limit: 500 }, foci: sampleFoci(file, 25, 11) };
  const bigQuery = { depth: 10, direction: "both" as const, limit: 2_000 };
  const big: Case = { name: "2,000-node neighbourhood", query: bigQuery, foci: [] };
  // Probed on the store measured: with --only-postgres the SQLite file only lends its keys, so a
  // store written before the latest migration (the benchmark's cached one) still serves.
  const probe = args["only-postgres"] ? postgres : sqlite;
  const fociFile = args["foci-file"];
  if (fociFile && fs.existsSync(fociFile)) big.foci.push(...(JSON.parse(fs.readFileSync(fociFile, "utf8")) as string[]));
  else {
    for (const key of bigNeighbourhoodCandidates(file, 40, 13)) {
      if ((await getLineage(probe, { ...bigQuery, nodeId: key })).nodes.length >= 2_000) big.foci.push(key);
      if (big.foci.length >= 20) break;
    }
    if (fociFile) fs.writeFileSync(fociFile, JSON.stringify(big.foci));
  }
  if (args.phases) {
    // A pool as large as the server's (the read sends statements side by side: the walk's two
    // directions, the description's parts).
    // Named, so that its backends' CPU can be told from the others' (node-postgres reads PGAPPNAME).
    const appName = `threadline-bench-walk-${process.pid}`;
    process.env["PGAPPNAME"] = appName;
    const serverLike = postgresStore(target.connection);
    const phases = await measurePhases(serverLike, big.foci, passes, backendCpu(postgres, appName));
    await serverLike.close();
    if (args.json) console.log(JSON.stringify({ ...counts, passes, foci: big.foci.length, phases }, null, 2));
    await postgres.close();
    sqliteDb.close();
    return;
  }

  const sqlitePrisma = new SqlitePrisma({ adapter: new PrismaBetterSqlite3({ url: file }) });
  const postgresPrisma = new PostgresPrisma({ adapter: new PrismaPg(postgresClientConfig(target.connection)) });
  const stores: [string, Queryable, Prisma][] = [
    ["sqlite", sqlite, sqlitePrisma],
    // The two generated clients differ in their provider only; the walk uses models both have alike.
    ["postgresql", postgres, postgresPrisma as unknown as Prisma],
  ];
  const figures: Record<string, unknown>[] = [];
  for (const c of [threeHops, big]) {
    for (const [backend, store, prisma] of stores) {
      if (args["only-postgres"] && backend !== "postgresql") continue;
      const lineage = await time(c.foci, passes, (nodeId) => getLineage(store, { ...c.query, nodeId }));
      const walk = args["only-postgres"] ? undefined : await time(c.foci, passes, (nodeId) => prismaWalk(prisma, { ...c.query, nodeId }));
      figures.push({ case: c.name, backend, foci: c.foci.length, storeLineage: lineage, prismaWalkOnly: walk });
      log(
        `${c.name.padEnd(26)} ${backend.padEnd(10)} getLineage (Store SQL) p50 ${lineage.p50.toFixed(2)} p95 ${lineage.p95.toFixed(2)} ms` +
          (walk ? ` | walk only via Prisma Client p50 ${walk.p50.toFixed(2)} p95 ${walk.p95.toFixed(2)} ms` : "") +
          `  (${c.foci.length} foci × ${passes}; load average ${os.loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
  if (args.json) console.log(JSON.stringify({ ...counts, passes, figures }, null, 2));
  await sqlitePrisma.$disconnect();
  await postgresPrisma.$disconnect();
  await postgres.close();
  sqliteDb.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
