import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { migrateDatabase, sqliteUrl } from "@/scripts/harness/server";
import { ownPort, ownServerProcess, ROOT } from "../support/own-server";
import { createPostgresDatabase, hasTestPostgres } from "../support/postgres";

/**
 * The configuration is parsed when the server starts (instrumentation.ts -> lib/config.ts): a bad
 * value must stop `next start` with a non-zero exit naming the variable, before any request. So is
 * the store (lib/server/store-readiness.ts): one that cannot serve this build stops it with what
 * to do, where it used to start "Ready" and answer every request 500.
 */

const PORT = ownPort(4);

async function startAndWaitForExit(env: Record<string, string>, dbFile = "data/e2e-config.db"): Promise<{ code: number | null; output: string }> {
  const server = ownServerProcess({ port: PORT, dbFile, env });
  server.launch();
  const running = new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 30_000));
  const result = await Promise.race([server.exit(), running]);
  if (result === "running") {
    await server.stop();
    return { code: null, output: server.output() };
  }
  return { code: result, output: server.output() };
}

test.describe("start-up configuration", () => {
  test("a bad value stops the server with a non-zero exit naming the variable", async () => {
    test.setTimeout(60_000);
    const { code, output } = await startAndWaitForExit({ THREADLINE_RATE_LIMIT_BURST: "plenty" });
    expect(code, `the server kept running:\n${output}`).not.toBeNull();
    expect(code).not.toBe(0);
    expect(output).toContain("THREADLINE_RATE_LIMIT_BURST");
    expect(output).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  test("an unusable signing key and a database URL it cannot open are both named in one message", async () => {
    test.setTimeout(60_000);
    const { code, output } = await startAndWaitForExit({ THREADLINE_SIGNING_KEY: "not-a-key", DATABASE_URL: "mysql://u:hunter2@db/t" });
    expect(code).not.toBeNull();
    expect(code).not.toBe(0);
    expect(output).toContain("THREADLINE_SIGNING_KEY");
    expect(output).toContain("DATABASE_URL");
    expect(output).not.toContain("hunter2");
  });
});

test.describe("start-up store check", () => {
  const STORE = "data/e2e-config-store.db";
  const removeStore = () => {
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(path.join(ROOT, STORE + suffix), { force: true });
  };
  test.beforeEach(removeStore);
  test.afterAll(removeStore);

  test("a store that was never migrated stops the server, naming npm run db:migrate", async () => {
    test.setTimeout(60_000);
    const { code, output } = await startAndWaitForExit({}, STORE);
    expect(code, `the server kept running:\n${output}`).not.toBeNull();
    expect(code).not.toBe(0);
    expect(output).toContain("holds no Threadline tables yet: run npm run db:migrate");
    expect(output).not.toMatch(/^\s+at /m);
  });

  test("a store that lacks this build's newest migration stops the server, naming it", async () => {
    test.setTimeout(90_000);
    migrateDatabase(sqliteUrl(STORE));
    const db = new Database(path.join(ROOT, STORE));
    const newest = db.prepare(`SELECT migration_name AS name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`).get() as { name: string };
    db.prepare(`DELETE FROM _prisma_migrations WHERE migration_name = ?`).run(newest.name);
    db.close();
    const { code, output } = await startAndWaitForExit({}, STORE);
    expect(code, `the server kept running:\n${output}`).not.toBeNull();
    expect(code).not.toBe(0);
    expect(output).toContain(`lacks 1 of this build's`);
    expect(output).toContain(newest.name);
    expect(output).not.toMatch(/^\s+at /m);
  });

  test("a PostgreSQL database that does not exist stops the server, naming createdb", async () => {
    test.skip(!hasTestPostgres, "needs THREADLINE_TEST_POSTGRES_URL");
    test.setTimeout(60_000);
    const database = await createPostgresDatabase();
    await database.drop();
    const server = ownServerProcess({ port: PORT, databaseUrl: database.url });
    server.launch();
    const running = new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 30_000));
    const result = await Promise.race([server.exit(), running]);
    if (result === "running") await server.stop();
    expect(result, `the server kept running:\n${server.output()}`).not.toBe("running");
    expect(server.output()).toContain(`database "${database.connection.database}" does not exist (create it first: createdb ${database.connection.database})`);
    expect(server.output()).not.toMatch(/^\s+at /m);
  });
});
