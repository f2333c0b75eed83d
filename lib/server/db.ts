import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { getConfig, type DatabaseLocation } from "@/lib/config";
import { postgresStore } from "./store/postgres-store";
import { HeapReleaser } from "./heap-release";
import { IdleCheckpointer, SERVER_CHECKPOINTS } from "./store/idle-checkpoints";
import { sqliteStore } from "./store/sqlite-store";
import type { Store } from "./store/types";

/**
 * The only door to the database. Two handles on the same SQLite file:
 * - `getSqlite()`: a better-sqlite3 connection for the write path (event log + projection in one
 *   synchronous transaction, which also serialises writers within the process) and for the raw-SQL
 *   lineage traversal, where prepared statements matter;
 * - `getPrisma()`: the Prisma client for everything else.
 * WAL mode lets readers run while a write is in progress.
 */
export type Sqlite = Database.Database;

/** Opens a SQLite file with the settings Threadline relies on. */
export function openSqlite(file: string): Sqlite {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode survives a process crash (SIGKILL) without losing committed transactions.
  db.pragma("synchronous = NORMAL");
  // Another process (the ingest CLI, a backup) may hold the write lock for a moment: wait, don't fail.
  db.pragma("busy_timeout = 10000");
  db.pragma("cache_size = -65536");
  db.pragma("temp_store = MEMORY");
  return db;
}

/**
 * A private scratch database: SQLite's temporary database (an empty file name), deleted on close.
 * Its page cache is bounded (`cacheKiB`) and it spills to a temporary file, so a scratch copy of a
 * large projection does not have to fit in memory. Nothing in it needs to survive a crash.
 */
export function openScratchSqlite({ cacheKiB = 32_768 } = {}): Sqlite {
  const db = new Database("");
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma(`cache_size = -${cacheKiB}`);
  db.pragma("temp_store = FILE");
  return db;
}

/**
 * Copies the tables and indexes of `source` (the event log and the projection, not Prisma's own
 * bookkeeping) into an empty `target`, for a replay there. The search index is left out (its FTS5
 * virtual table, the shadow tables FTS5 keeps for it, and the triggers that fill it): a replayed
 * copy is read for lineage, never searched.
 */
export function copyProjectionSchema(source: Sqlite, target: Sqlite): void {
  const ddl = source
    .prepare<[], { sql: string }>(
      `SELECT sql FROM sqlite_master
       WHERE type IN ('table', 'index') AND sql IS NOT NULL AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%'
         AND name NOT IN (SELECT name FROM pragma_table_list WHERE type IN ('shadow', 'virtual'))
       ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, name`,
    )
    .all();
  for (const { sql } of ddl) target.exec(sql);
}

/**
 * Runs `read` on a private read-only connection to the same file, pinned to one snapshot of the
 * store by a read transaction held until `read` settles. Long reads run in slices (see steps.ts)
 * need it: they see one consistent store however much is written meanwhile, and they never leave a
 * cursor open on the main connection, which cannot write while one is. (The snapshot also keeps
 * WAL checkpoints from passing it, so the WAL file grows until it is released.) An in-memory store
 * has no second connection: `read` gets the store itself.
 */
export async function readSnapshot<T>(db: Sqlite, read: (snapshot: Sqlite) => Promise<T>): Promise<T> {
  if (db.memory) return read(db);
  const snapshot = new Database(db.name, { readonly: true, fileMustExist: true });
  try {
    snapshot.pragma("busy_timeout = 10000");
    // Small: a snapshot's reads stream through the store once (the verification's), and SQLite's
    // page cache, freed when the snapshot closes, stays in the server's RSS (docs/benchmarks.md).
    snapshot.pragma("cache_size = -4096");
    snapshot.exec("BEGIN");
    // A deferred transaction takes its snapshot at its first read.
    snapshot.prepare("SELECT COUNT(*) FROM sqlite_master").get();
    return await read(snapshot);
  } finally {
    snapshot.close();
  }
}

const MIGRATIONS = path.resolve(process.cwd(), "prisma/migrations");
let projectionTemplate: Sqlite | undefined;

/**
 * An empty scratch database with the projection's tables and indexes (without the search index, as
 * copyProjectionSchema), whatever backend the store it copies lives on: the schema comes from
 * SQLite's own migrations, applied once per process to an in-memory template.
 */
export function openScratchProjection(): Sqlite {
  if (!projectionTemplate) {
    const template = new Database(":memory:");
    for (const name of fs.readdirSync(MIGRATIONS).filter((n) => /^\d+_/.test(n)).sort()) {
      template.exec(fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
    }
    projectionTemplate = template;
  }
  const scratch = openScratchSqlite();
  copyProjectionSchema(projectionTemplate, scratch);
  return scratch;
}

const storesOver = new WeakMap<Sqlite, Store>();
const checkpointers = new WeakMap<Sqlite, IdleCheckpointer>();

/**
 * The store over a SQLite connection Threadline already holds (a scratch copy, a test's file), one
 * per connection so its statements are prepared once and caches keyed by store stay warm.
 */
export function storeOver(db: Sqlite): Store {
  let store = storesOver.get(db);
  if (!store) {
    store = sqliteStore(db, { afterCommit: checkpointers.get(db)?.afterCommit });
    storesOver.set(db, store);
  }
  return store;
}

/**
 * Checkpoints `db`'s WAL when its writer is idle rather than inside a commit
 * (store/idle-checkpoints.ts), then runs `onIdle`. Call before the first `storeOver(db)`; answers
 * the checkpointer.
 */
export function checkpointWhenIdle(db: Sqlite, policy = SERVER_CHECKPOINTS, onIdle?: () => void): IdleCheckpointer {
  let checkpointer = checkpointers.get(db);
  if (!checkpointer) {
    checkpointer = new IdleCheckpointer(db, policy, onIdle);
    checkpointers.set(db, checkpointer);
  }
  return checkpointer;
}

interface Handles {
  sqlite?: Sqlite;
  prisma?: PrismaClient;
  store?: Store;
}

// Next's dev server re-evaluates modules on every change: keep one set of handles per process.
const globalHandles = globalThis as unknown as { __threadlineDb?: Handles };
const handles: Handles = (globalHandles.__threadlineDb ??= {});

/** The SQLite file of a SQLite store; a clear error on PostgreSQL, where only the Store reaches the database. */
function sqliteFile(): string {
  const location = getConfig().DATABASE_URL;
  if (location.kind !== "sqlite") throw new Error("This part of Threadline reads SQLite only and is not available on PostgreSQL yet.");
  return location.file;
}

export function getSqlite(): Sqlite {
  if (!handles.sqlite) {
    const db = openSqlite(sqliteFile());
    // The process's writer: its commits never pay a checkpoint unless the WAL reaches its bound;
    // once it is idle, the heap a burst of writes grew is given back too (heap-release.ts).
    checkpointWhenIdle(db, SERVER_CHECKPOINTS, new HeapReleaser().releaseIfGrown);
    handles.sqlite = db;
  }
  return handles.sqlite;
}

export function getPrisma(): PrismaClient {
  if (!handles.prisma) {
    const adapter = new PrismaBetterSqlite3({ url: sqliteFile(), timeout: 10_000 });
    handles.prisma = new PrismaClient({ adapter });
  }
  return handles.prisma;
}

/**
 * The store behind DATABASE_URL, one per process (see store/types.ts): a pool of connections on
 * PostgreSQL; on SQLite it shares getSqlite()'s connection, so converted and not yet converted services see one another's
 * writes at once and never wait on one another's locks.
 */
export function getStore(): Store {
  if (!handles.store) {
    const location = getConfig().DATABASE_URL;
    handles.store = location.kind === "postgresql" ? postgresStore(location.connection) : storeOver(getSqlite());
  }
  return handles.store;
}

/**
 * A store of its own on a location (scripts that copy between stores, tests), closed by its
 * `close()`.
 */
export function openStore(location: DatabaseLocation): Store {
  return location.kind === "postgresql" ? postgresStore(location.connection) : sqliteStore(openSqlite(location.file), { closeDatabase: true });
}

/** Closes every handle (scripts call this before exiting). */
export async function closeDatabase(): Promise<void> {
  await handles.store?.close();
  handles.store = undefined;
  if (handles.sqlite) checkpointers.get(handles.sqlite)?.stop();
  handles.sqlite?.close();
  handles.sqlite = undefined;
  await handles.prisma?.$disconnect();
  handles.prisma = undefined;
}
