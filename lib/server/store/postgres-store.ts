import "server-only";
import pg from "pg";
import { postgresClientConfig, type PostgresConnection } from "@/lib/config";
import { numberPlaceholders, postgresDialect } from "./dialect";
import type { Queryable, SqlValue, Store } from "./types";

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// COUNT(*) and SUM are int8/numeric, which node-postgres returns as strings to be safe; every
// count Threadline keeps fits a double exactly, and SQLite answers numbers, so read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID || oid === NUMERIC_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};


function queryableOver(client: pg.Pool | pg.PoolClient): Queryable {
  const query = async <T>(sql: string, params: readonly SqlValue[]) =>
    client.query<T & pg.QueryResultRow>({ text: numberPlaceholders(sql), values: params as unknown[], types });
  return {
    dialect: postgresDialect,
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query<T>(sql, params)).rows,
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query<T>(sql, params)).rows[0],
    run: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
  };
}

/** A Store over a pool of connections to one PostgreSQL database. */
export function postgresStore(connection: PostgresConnection, { max = 10 } = {}): Store {
  const pool = new pg.Pool({ ...postgresClientConfig(connection), max });
  // An idle connection the server drops (restart, failover) must not crash the process.
  pool.on("error", (error) => console.error(`Threadline: PostgreSQL connection lost: ${error.message}`));

  async function transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(queryableOver(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    ...queryableOver(pool),
    backend: "postgresql",
    transaction,
    close: () => pool.end(),
  };
}
