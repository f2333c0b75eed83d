/**
 * tsx scripts/e2e-database.ts <postgresql://…/threadline_e2e_…> — empties the PostgreSQL database
 * the e2e server is about to use (drops it, forcing out old connections, and creates it again), so
 * each run starts from an empty store as the SQLite one does. Only databases named
 * `threadline_e2e…` are touched: a mistyped E2E_DATABASE_URL never wipes a real store. Connects
 * through the server's `postgres` database, or THREADLINE_TEST_POSTGRES_URL's when set.
 */
import pg from "pg";

import { parseDatabaseUrl, postgresClientConfig } from "@/lib/config";

const [target] = process.argv.slice(2);
const location = target ? parseDatabaseUrl(target) : null;
if (location?.kind !== "postgresql") {
  console.error("Usage: tsx scripts/e2e-database.ts postgresql://user:password@host:5432/threadline_e2e_<name>");
  process.exit(2);
}
const { database } = location.connection;
if (!/^threadline_e2e\w*$/.test(database)) {
  console.error(`Refusing to empty "${database}": the e2e database's name must start with threadline_e2e.`);
  process.exit(2);
}
const maintenance = process.env.THREADLINE_TEST_POSTGRES_URL ? parseDatabaseUrl(process.env.THREADLINE_TEST_POSTGRES_URL) : null;
const client = new pg.Client(
  postgresClientConfig({ ...location.connection, database: maintenance?.kind === "postgresql" ? maintenance.connection.database : "postgres" }),
);
await client.connect();
try {
  await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${database}"`);
} finally {
  await client.end();
}
