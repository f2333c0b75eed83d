import "server-only";
import type Database from "better-sqlite3";
import { sqliteDialect } from "./dialect";
import type { Queryable, SqlValue, Store } from "./types";

type Statement = Database.Statement<unknown[], unknown>;

/**
 * A Store over one better-sqlite3 connection (the same one the synchronous code paths use, so the
 * two never wait on each other's locks). Statements are prepared once per SQL text.
 */
export function sqliteStore(db: Database.Database, { closeDatabase = false } = {}): Store {
  const prepared = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let s = prepared.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      prepared.set(sql, s);
    }
    return s;
  };
  const queryable: Queryable = {
    dialect: sqliteDialect,
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => statement(sql).all(...params) as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => statement(sql).get(...params) as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: statement(sql).run(...params).changes }),
  };

  // One transaction at a time: the connection has one transaction state.
  let previous: Promise<unknown> = Promise.resolve();
  async function transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const turn = previous.then(async () => {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(queryable);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    });
    previous = turn.catch(() => undefined);
    return turn;
  }

  return {
    ...queryable,
    backend: "sqlite",
    transaction,
    close: async () => {
      if (closeDatabase && db.open) db.close();
    },
  };
}
