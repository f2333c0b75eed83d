import "server-only";
import type Database from "better-sqlite3";
import { copyProjectionSchema, openScratchSqlite, readSnapshot } from "../db";
import { sqliteDialect } from "./dialect";
import type { Queryable, Scratch, Snapshot, SqlValue, Store, Streaming } from "./types";

type Statement = Database.Statement<unknown[], unknown>;

/** Queries on one connection, each SQL text prepared once. */
function streamingOver(db: Database.Database): Streaming {
  const prepared = new Map<string, Statement>();
  // Statements that answer arrays (`raw`, a statement's own mode): apart, so `all` never gets arrays.
  const preparedRaw = new Map<string, Statement>();
  const statement = (sql: string, cache = prepared): Statement => {
    let s = cache.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      if (cache === preparedRaw) s.raw(true);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    dialect: sqliteDialect,
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => statement(sql).all(...params) as T[],
    values: async <T extends readonly unknown[]>(sql: string, params: readonly SqlValue[] = []) => statement(sql, preparedRaw).all(...params) as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => statement(sql).get(...params) as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: statement(sql).run(...params).changes }),
    // A statement of its own: a cached one would be busy while its cursor is open.
    iterate: async function* <T>(sql: string, params: readonly SqlValue[] = []) {
      yield* db.prepare(sql).iterate(...params) as IterableIterator<T>;
    },
  };
}

/**
 * The page cache of a verification's scratch tables. The replay spills past it to a temporary
 * file; the memory it held stays in the server's RSS after the scratch closes (the allocator keeps
 * it), so it is kept small: 8 MB instead of 32 cost about a quarter more verification time at 100k
 * edges and left the process 40 MB smaller (docs/benchmarks.md, "Server RSS at the end").
 */
const VERIFICATION_SCRATCH_CACHE_KIB = 8_192;

/** Private projection tables in SQLite's temporary database, shaped as `source`'s. */
function openSqliteScratch(source: Database.Database): Scratch {
  const db = openScratchSqlite({ cacheKiB: VERIFICATION_SCRATCH_CACHE_KIB });
  copyProjectionSchema(source, db);
  // One transaction throughout: a commit per statement would cost more than the replay.
  db.exec("BEGIN");
  return {
    ...streamingOver(db),
    close: async () => {
      db.close();
    },
  };
}

/**
 * The WAL's checkpoint threshold during a bulk import, in pages (4 KiB each: at most about 200 MB
 * of WAL between checkpoints, on the disk for the length of an import).
 */
const IMPORT_CHECKPOINT_PAGES = 50_000;

/**
 * A Store over one better-sqlite3 connection (the same one the synchronous code paths use, so the
 * two never wait on each other's locks). Statements are prepared once per SQL text. `afterCommit`
 * is told of each committed transaction (the server's checkpoint policy, store/idle-checkpoints.ts).
 */
export function sqliteStore(db: Database.Database, { closeDatabase = false, afterCommit }: { closeDatabase?: boolean; afterCommit?: () => void } = {}): Store {
  const { iterate: _iterate, ...queryable }: Streaming = streamingOver(db);

  // One transaction at a time: the connection has one transaction state.
  let previous: Promise<unknown> = Promise.resolve();
  async function transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const turn = previous.then(async () => {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(queryable);
        db.exec("COMMIT");
        afterCommit?.();
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    });
    previous = turn.catch(() => undefined);
    return turn;
  }

  async function bulkImport<T>(work: () => Promise<T>): Promise<T> {
    const threshold = db.pragma("wal_autocheckpoint", { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${IMPORT_CHECKPOINT_PAGES}`);
    try {
      return await work();
    } finally {
      db.pragma(`wal_autocheckpoint = ${threshold}`);
      // PASSIVE: a server reading the file meanwhile is never waited for; what it still reads is
      // copied by the next automatic checkpoint.
      if (db.open) db.pragma("wal_checkpoint(PASSIVE)");
    }
  }

  function snapshot<T>(read: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    return readSnapshot(db, (connection) => read({ ...streamingOver(connection), openScratch: async () => openSqliteScratch(connection) }));
  }

  return {
    ...queryable,
    backend: "sqlite",
    transaction,
    snapshot,
    bulkImport,
    close: async () => {
      if (closeDatabase && db.open) db.close();
    },
  };
}
