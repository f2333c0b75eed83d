/**
 * Fresh, migrated stores of each backend for the store contract suites: SQLite always, PostgreSQL
 * when THREADLINE_TEST_POSTGRES_URL names a server (`.ci/run` starts one). A suite runs its cases
 * once per backend with `describe.each(BACKENDS)`.
 */
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

import type { Backend } from "@/lib/config";
import { openSqlite, storeOver } from "@/lib/server/db";
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
      store: storeOver(database.db),
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

/**
 * A fresh store of `backend` for the enclosing suite: made before its cases (then `prepare` fills
 * it, if given), dropped after them. The handle reads the suite's store once it is made.
 */
export function testStoreFor(backend: Backend, prepare?: () => Promise<void>): TestStore {
  let made: TestStore | undefined;
  beforeAll(async () => {
    made = await createTestStore(backend);
    await prepare?.();
  }, STORE_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await made?.cleanup();
  });
  const current = () => {
    if (!made) throw new Error("the store is made before the suite's cases");
    return made;
  };
  return {
    get store() {
      return current().store;
    },
    openAnother: () => current().openAnother(),
    cleanup: () => current().cleanup(),
  };
}

/**
 * The setup of a read suite: a store of `backend` holding a copy of the rows of `source` (called
 * when the suite starts, after the file's own setup filled it). The cases read it through the
 * returned getter.
 */
export function storeWithRowsOf(backend: Backend, source: () => Store, tables?: readonly string[]): () => Store {
  const t = testStoreFor(backend, () => copyTables(source(), t.store, tables));
  return () => t.store;
}

/** The harness's copy of a store's rows (scripts/harness/copy-tables.ts), named as the suites use it. */
export { copyTables as copyLineageTables, LINEAGE_TABLES } from "@/scripts/harness/copy-tables";
import { copyTables } from "@/scripts/harness/copy-tables";
