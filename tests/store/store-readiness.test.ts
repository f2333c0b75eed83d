// The server's start-up check of its store (instrumentation.ts): a store it can serve passes; one
// that lacks a migration or whose database does not exist is unusable (the server stops, saying
// what to do); one that cannot be reached now is unreachable (the server starts and says so).
import { describe, expect, it } from "vitest";

import { parseDatabaseUrl, type DatabaseLocation } from "@/lib/config";
import { findStoreProblem } from "@/lib/server/store-readiness";
import { postgresStore } from "@/lib/server/store/postgres-store";
import { createPostgresDatabase, hasTestPostgres, TEST_POSTGRES_URL } from "../support/postgres";
import { testStoreFor } from "../support/stores";

function locationOf(url: string): Extract<DatabaseLocation, { kind: "postgresql" }> {
  const location = parseDatabaseUrl(url);
  if (location.kind !== "postgresql") throw new Error("a PostgreSQL URL");
  return location;
}

async function problemOn(location: Extract<DatabaseLocation, { kind: "postgresql" }>) {
  const store = postgresStore(location.connection, { max: 1 });
  try {
    return await findStoreProblem(store, location);
  } finally {
    await store.close();
  }
}

describe.runIf(hasTestPostgres)("the start-up check on PostgreSQL", () => {
  const t = testStoreFor("postgresql");

  it("passes a database migrated to this build, and names the one migration it lacks once its record is gone", async () => {
    const applied = await t.store.all<{ name: string }>(`SELECT "migration_name" AS "name" FROM "_prisma_migrations" ORDER BY "migration_name" DESC`);
    const url = new URL(TEST_POSTGRES_URL!);
    const current = await t.store.get<{ name: string }>(`SELECT current_database() AS "name"`);
    url.pathname = `/${current!.name}`;
    const location = locationOf(url.toString());
    expect(await problemOn(location)).toBeNull();
    await t.store.run(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = ?`, [applied[0]!.name]);
    const problem = await problemOn(location);
    expect(problem?.kind).toBe("unusable");
    expect(problem?.message).toContain(`lacks 1 of this build's ${applied.length} migrations (${applied[0]!.name}): run npm run db:migrate`);
  });

  it("calls a database with no tables, and one that does not exist, unusable, saying what to do", async () => {
    const empty = await createPostgresDatabase();
    try {
      expect(await problemOn(locationOf(empty.url))).toMatchObject({ kind: "unusable", message: expect.stringContaining("holds no Threadline tables yet: run npm run db:migrate") });
    } finally {
      await empty.drop();
    }
    expect(await problemOn(locationOf(empty.url))).toMatchObject({ kind: "unusable", message: expect.stringContaining(`(create it first: createdb ${empty.connection.database})`) });
  });

  it("calls a server that does not answer unreachable, so the server starts and serves once it does", async () => {
    const url = new URL(TEST_POSTGRES_URL!);
    url.port = "1";
    expect(await problemOn(locationOf(url.toString()))).toMatchObject({ kind: "unreachable", message: expect.stringContaining("ECONNREFUSED") });
  });
});
