/**
 * Fresh, migrated stores of each backend for the store contract suites: SQLite always, PostgreSQL
 * when THREADLINE_TEST_POSTGRES_URL names a server (`.ci/run` starts one). A suite runs its cases
 * once per backend with `describe.each(BACKENDS)`.
 */
import path from "node:path";

import type { Backend } from "@/lib/config";
import { openSqlite } from "@/lib/server/db";
import { postgresStore } from "@/lib/server/store/postgres-store";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import type { Store } from "@/lib/server/store/types";
import { applyPendingMigrations, getDefaultPaths } from "@/scripts/lib/migrations";
import { createTestDatabase } from "./db";
import { createPostgresDatabase, hasTestPostgres } from "./postgres";

export const BACKENDS: Backend[] = hasTestPostgres ? ["sqlite", "postgresql"] : ["sqlite"];

/** Applying PostgreSQL's migrations compiles the schema engine once per test file. */
export const STORE_SETUP_TIMEOUT_MS = 60_000;

export interface TestStore {
  store: Store;
  /** Another handle on the same database, as a second server would hold (closed by cleanup). */
  openAnother(): Store;
  cleanup(): Promise<void>;
}

export async function createTestStore(backend: Backend): Promise<TestStore> {
  if (backend === "sqlite") {
    const database = createTestDatabase();
    const others: Store[] = [];
    return {
      store: sqliteStore(database.db),
      openAnother: () => {
        const other = sqliteStore(openSqlite(database.file), { closeDatabase: true });
        others.push(other);
        return other;
      },
      cleanup: async () => {
        for (const other of others) await other.close();
        database.cleanup();
      },
    };
  }
  const database = await createPostgresDatabase();
  const paths = getDefaultPaths(path.resolve(import.meta.dirname, "../.."), "postgresql");
  await applyPendingMigrations({ ...paths, target: { backend: "postgresql", connection: database.connection } });
  const store = postgresStore(database.connection, { max: 4 });
  const others: Store[] = [];
  return {
    store,
    openAnother: () => {
      const other = postgresStore(database.connection, { max: 4 });
      others.push(other);
      return other;
    },
    cleanup: async () => {
      for (const other of [store, ...others]) await other.close();
      await database.drop();
    },
  };
}

/** Every table the log and its projection fill, parents first. */
export const LINEAGE_TABLES = ["Event", "Node", "Edge", "Job", "Run", "Dataset", "DatasetVersion", "RunDataset", "EventNode", "Flag", "FieldNode", "FieldEdge", "DatasetField"];

/**
 * Copies the log and projection rows (or the tables named) of one store into another, row for row, so a read can be
 * compared across backends on identical data (booleans travel as 0/1, which PostgreSQL reads as
 * booleans). For read tests only: it leaves PostgreSQL's id sequences where they were.
 */
export async function copyLineageTables(from: Store, to: Store, tables: readonly string[] = LINEAGE_TABLES): Promise<void> {
  await to.transaction(async (tx) => {
    for (const table of tables) {
      const rows = await from.all<Record<string, string | number | null>>(`SELECT * FROM "${table}"`);
      for (const row of rows) {
        const columns = Object.keys(row);
        await tx.run(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          columns.map((c) => row[c] ?? null),
        );
      }
    }
  });
}
