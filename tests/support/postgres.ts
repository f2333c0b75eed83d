/**
 * Fresh PostgreSQL databases for tests, on the server named by THREADLINE_TEST_POSTGRES_URL
 * (`.ci/run` starts one; without it the PostgreSQL suites are skipped and everything runs on
 * SQLite only). Each call creates its own database, so test files never share state.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

import { parseDatabaseUrl, postgresClientConfig, type PostgresConnection } from "@/lib/config";

export const TEST_POSTGRES_URL = process.env["THREADLINE_TEST_POSTGRES_URL"] || undefined;

/** True when the PostgreSQL variants of the store suites should run. */
export const hasTestPostgres = TEST_POSTGRES_URL !== undefined;

export interface TestPostgresDatabase {
  url: string;
  connection: PostgresConnection;
  /** Drops the database (forcing out connections a failed test left open). */
  drop(): Promise<void>;
}

function serverConnection(): PostgresConnection {
  if (TEST_POSTGRES_URL === undefined) throw new Error("THREADLINE_TEST_POSTGRES_URL is not set");
  const target = parseDatabaseUrl(TEST_POSTGRES_URL);
  if (target.kind !== "postgresql") throw new Error("THREADLINE_TEST_POSTGRES_URL is not a PostgreSQL URL");
  return target.connection;
}

async function onServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(postgresClientConfig(serverConnection()));
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database `threadline_t_<random>` next to the test database. */
export async function createPostgresDatabase(): Promise<TestPostgresDatabase> {
  const server = serverConnection();
  const database = `threadline_t_${randomBytes(6).toString("hex")}`;
  await onServer((client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(TEST_POSTGRES_URL!);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    connection: { ...server, database },
    drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).then(() => undefined),
  };
}
