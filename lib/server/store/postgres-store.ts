import "server-only";
import { createHash } from "node:crypto";
import pg from "pg";
import { postgresClientConfig, type PostgresConnection } from "@/lib/config";
import { numberPlaceholders, postgresDialect } from "./dialect";
import type { Queryable, Scratch, Snapshot, SqlValue, Store, Streaming } from "./types";

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// COUNT(*) and SUM are int8/numeric, which node-postgres returns as strings to be safe; every
// count Threadline keeps fits a double exactly, and SQLite answers numbers, so read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID || oid === NUMERIC_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** How many statement texts a process prepares at most: the read path's and the write path's fixed texts, with room to spare. */
const MAX_PREPARED = 400;
/** Texts longer than this (a bulk copy's page of thousands of rows) are parsed as they come: their parse is a sliver of their work. */
const MAX_PREPARED_LENGTH = 32_768;
/** How many once-seen texts are remembered (by digest) while waiting to see them again. */
const MAX_SEEN_ONCE = 10_000;

/**
 * Names for the statement texts this process sends again and again, so PostgreSQL parses and
 * plans each once per connection instead of on every call (node-postgres sends a statement without
 * a name as an unnamed one, parsed and planned afresh each time: on a loaded server that took
 * longer than executing the walk's queries). A text is named the second time it is seen, so a
 * one-off text (a copy's last page, a DDL statement) never is; the walk's and the hydration's
 * texts have a fixed shape (a frontier or an id list is one JSON parameter), and multi-row writes
 * come in at most nine sizes a table (store/rows.ts), so the set stays small. It is bounded all the
 * same: node-postgres keeps a connection's prepared statements for the connection's life, and
 * the server keeps their plans.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly seenOnce = new Set<string>();

  constructor(private readonly capacity = MAX_PREPARED) {}

  /** The name to prepare `text` under, or undefined to send it unnamed. */
  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined) return known || undefined;
    if (this.names.size >= this.capacity || text.length > MAX_PREPARED_LENGTH) return undefined;
    const digest = createHash("sha1").update(text).digest("base64url");
    if (!this.seenOnce.delete(digest)) {
      if (this.seenOnce.size >= MAX_SEEN_ONCE) this.seenOnce.clear();
      this.seenOnce.add(digest);
      return undefined;
    }
    const name = `threadline_${digest}`;
    this.names.set(text, name);
    return name;
  }

  /** Sends `text` unnamed from now on. */
  refuse(text: string): void {
    this.names.set(text, "");
  }

  get size(): number {
    return this.names.size;
  }
}

/**
 * A Queryable over a pooled connection or the pool. `names` prepares repeated texts (see
 * StatementNames); null sends every text unnamed, as a scratch does: its temporary tables shadow
 * the real ones by name, and although PostgreSQL parses a prepared statement again when the
 * temporary schema joins the search path, a scratch should not hang on that to write its own tables.
 */
function queryableOver(client: pg.Pool | pg.PoolClient, names: StatementNames | null): Queryable {
  const query = async <T>(sql: string, params: readonly SqlValue[], rowMode?: "array") => {
    const text = numberPlaceholders(sql);
    const name = names?.nameOf(text);
    try {
      return await client.query<T & pg.QueryResultRow>({ name, text, values: params as unknown[], types, rowMode } as pg.QueryConfig);
    } catch (error) {
      // A migration by a newer server changed the columns of a `SELECT *` prepared here ("cached
      // plan must not change result type"): the text goes unnamed from now on, and outside a
      // transaction (which the error has aborted) it is sent again at once.
      if (name === undefined || (error as { code?: string }).code !== "0A000") throw error;
      names!.refuse(text);
      if (!(client instanceof pg.Pool)) throw error;
      return await client.query<T & pg.QueryResultRow>({ text, values: params as unknown[], types, rowMode } as pg.QueryConfig);
    }
  };
  return {
    dialect: postgresDialect,
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query<T>(sql, params)).rows,
    values: async <T extends readonly unknown[]>(sql: string, params: readonly SqlValue[] = []) => (await query<T>(sql, params, "array")).rows,
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query<T>(sql, params)).rows[0],
    run: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
  };
}

let cursors = 0;
const CURSOR_PAGE = 1000;

/** queryableOver a connection inside a transaction, which can stream through a cursor. */
function streamingOver(client: pg.PoolClient, names: StatementNames | null): Streaming {
  return {
    ...queryableOver(client, names),
    iterate: async function* <T>(sql: string, params: readonly SqlValue[] = []) {
      const cursor = `threadline_cursor_${++cursors}`;
      await client.query({ text: `DECLARE ${cursor} NO SCROLL CURSOR FOR ${numberPlaceholders(sql)}`, values: params as unknown[], types });
      try {
        for (;;) {
          const { rows } = await client.query<T & pg.QueryResultRow>({ text: `FETCH ${CURSOR_PAGE} FROM ${cursor}`, types });
          yield* rows;
          if (rows.length < CURSOR_PAGE) return;
        }
      } finally {
        await client.query(`CLOSE ${cursor}`).catch(() => undefined);
      }
    },
  };
}

/**
 * Private projection tables: temporary tables of the same names on a connection of their own
 * (PostgreSQL looks in a session's temporary schema first), shaped as the real ones, each with
 * an id sequence of its own, dropped when the scratch closes.
 */
async function openPostgresScratch(pool: pg.Pool): Promise<Scratch> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\_prisma%'`,
    );
    for (const { table_name: table } of tables.rows) {
      await client.query(`CREATE TEMPORARY TABLE "${table}" (LIKE public."${table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES) ON COMMIT DROP`);
    }
    const serials = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema LIKE 'pg_temp%' AND column_default LIKE 'nextval(%'`,
    );
    for (const { table_name: table, column_name: column } of serials.rows) {
      await client.query(`ALTER TABLE pg_temp."${table}" ALTER COLUMN "${column}" DROP DEFAULT, ALTER COLUMN "${column}" ADD GENERATED BY DEFAULT AS IDENTITY`);
    }
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
    throw error;
  }
  return {
    ...streamingOver(client, null),
    close: async () => {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
    },
  };
}

/**
 * Settings of every pooled connection. JIT compilation off: Threadline's statements run in
 * milliseconds, but the planner's cost of a walk from a hub (a version read by 27,000 runs at 1M
 * edges: an estimated 5.5M rows for the recursive query) passes `jit_above_cost` and its inlining
 * and optimisation thresholds, so the server compiled the query for 100-190 ms before running it
 * for under 1 ms (`EXPLAIN ANALYZE`: "JIT: … Total 99 ms", execution 0.8 ms), on every call.
 */
const SESSION_SETTINGS = "-c jit=off";

/** A Store over a pool of connections to one PostgreSQL database. */
export function postgresStore(connection: PostgresConnection, { max = 10 } = {}): Store {
  // Pipelined: a statement goes on the wire as soon as it is sent, not after the answer to the one
  // before, so a transaction that sends several before awaiting them (a batch's writes) pays one
  // round trip for all, and its code runs on while the database executes them. Each statement keeps
  // its own Sync, so an error fails that statement and, inside a transaction, every one after it.
  const pool = new pg.Pool({ ...postgresClientConfig(connection), options: SESSION_SETTINGS, max, pipeline: true });
  // An idle connection the server drops (restart, failover) must not crash the process.
  pool.on("error", (error) => console.error(`Threadline: PostgreSQL connection lost: ${error.message}`));
  const names = new StatementNames();

  async function transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(queryableOver(client, names));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async function snapshot<T>(read: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      return await read({ ...streamingOver(client, names), openScratch: () => openPostgresScratch(pool) });
    } finally {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
    }
  }

  return {
    ...queryableOver(pool, names),
    backend: "postgresql",
    transaction,
    snapshot,
    // The planner's statistics follow the import at once: a freshly copied store has none until
    // autovacuum gets to it, and without them a walk's queries can be planned for empty tables.
    bulkImport: async (work) => {
      const result = await work();
      await pool.query("ANALYZE");
      return result;
    },
    close: () => pool.end(),
  };
}
