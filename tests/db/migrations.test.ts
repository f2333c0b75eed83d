// prisma/migrations must always rebuild exactly the schema in prisma/schema.prisma, and the offline
// runner must apply them the way `prisma migrate deploy` would. These tests run the real
// WebAssembly schema engine against real SQLite files.
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  applyPendingMigrations,
  createMigration,
  diffMigrationsToSchema,
  getDefaultPaths,
  loadMigrations,
  loadSchemaFiles,
  lockfileContent,
  migrationTimestamp,
  type MigrationTarget,
  postgresqlSchemaOf,
  resolveMigrationTarget,
  resolveSqlitePath,
  sanitizeMigrationName,
} from "@/scripts/lib/migrations";
import { postgresClientConfig } from "@/lib/config";
import { createPostgresDatabase, hasTestPostgres, type TestPostgresDatabase } from "@/tests/support/postgres";

const paths = getDefaultPaths(path.resolve(import.meta.dirname, "../.."));
const pgPaths = getDefaultPaths(paths.rootDir, "postgresql");

const PROJECTION_TABLES = ["Event", "Node", "Edge", "Job", "Run", "Dataset", "DatasetVersion", "RunDataset"];

// Each engine call compiles the schema engine's wasm once per worker and replays the migrations.
const ENGINE_TIMEOUT_MS = 30_000;

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), "threadline-migrations-"));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function writeMigrationFiles(migrationsDir: string, scripts: Record<string, string>): Promise<void> {
  await mkdir(migrationsDir, { recursive: true });
  await writeFile(path.join(migrationsDir, "migration_lock.toml"), lockfileContent("sqlite"));
  for (const [name, sql] of Object.entries(scripts)) {
    await mkdir(path.join(migrationsDir, name));
    await writeFile(path.join(migrationsDir, name, "migration.sql"), sql);
  }
}

function listTables(databasePath: string): string[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    db.close();
  }
}

describe("diffMigrationsToSchema (drift check)", () => {
  it("finds no difference between prisma/migrations and prisma/schema.prisma", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const migrations = await loadMigrations(paths.migrationsDir);
    const schemaFiles = await loadSchemaFiles(paths.schemaPath);

    expect(migrations.migrationDirectories.length).toBeGreaterThan(0);
    // On failure this prints the SQL of the missing migration: run `npm run db:migration -- <name>`.
    expect(await diffMigrationsToSchema(migrations, schemaFiles)).toBe("");
  });

  it("reports a schema edit that has no migration", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const migrations = await loadMigrations(paths.migrationsDir);
    const [schema] = await loadSchemaFiles(paths.schemaPath);
    if (schema === undefined) throw new Error("no schema file");
    const edited = schema.content.replace(/^model Run \{$/m, "model Run {\n  driftProbe String?");
    expect(edited).not.toBe(schema.content);

    const sql = await diffMigrationsToSchema(migrations, [{ path: schema.path, content: edited }]);

    expect(sql).toContain("driftProbe");
  });

  it("diffs an empty history against the whole schema", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const migrations = await loadMigrations(path.join(tempDir, "no-such-dir"));
    const sql = await diffMigrationsToSchema(migrations, await loadSchemaFiles(paths.schemaPath));

    for (const table of PROJECTION_TABLES) expect(sql).toContain(`CREATE TABLE "${table}"`);
  });
});

describe("applyPendingMigrations", () => {
  it("creates the database, its folder and every table on a fresh database", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const databasePath = path.join(tempDir, "nested", "threadline.db");
    const migrationNames = (await loadMigrations(paths.migrationsDir)).migrationDirectories.map((d) => d.path);

    const applied = await applyPendingMigrations({ ...paths, databasePath });

    expect(applied).toEqual(migrationNames);
    expect(listTables(databasePath)).toEqual(expect.arrayContaining([...PROJECTION_TABLES, "_prisma_migrations"]));
  });

  it("records each migration with the checksum `prisma migrate deploy` uses (sha256 of migration.sql)", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const databasePath = path.join(tempDir, "threadline.db");
    await applyPendingMigrations({ ...paths, databasePath });

    const db = new Database(databasePath, { readonly: true });
    const rows = db
      .prepare("SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name")
      .all() as { migration_name: string; checksum: string; finished_at: string | null; rolled_back_at: string | null }[];
    db.close();

    const migrations = await loadMigrations(paths.migrationsDir);
    const expected = await Promise.all(
      migrations.migrationDirectories.map(async (dir) => {
        const sql = await readFile(path.join(paths.migrationsDir, dir.path, "migration.sql"));
        return { migration_name: dir.path, checksum: createHash("sha256").update(sql).digest("hex") };
      }),
    );
    expect(rows.map(({ migration_name, checksum }) => ({ migration_name, checksum }))).toEqual(expected);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("applies nothing the second time", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const databasePath = path.join(tempDir, "threadline.db");
    await applyPendingMigrations({ ...paths, databasePath });
    const tablesBefore = listTables(databasePath);

    const applied = await applyPendingMigrations({ ...paths, databasePath });

    expect(applied).toEqual([]);
    expect(listTables(databasePath)).toEqual(tablesBefore);
  });

  it("stops at a failing migration with its name and the database's error, and stays stopped", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const migrationsDir = path.join(tempDir, "migrations");
    const databasePath = path.join(tempDir, "threadline.db");
    await writeMigrationFiles(migrationsDir, {
      "20300101000000_init": 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n',
      "20300102000000_broken": 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n',
    });

    const firstRun = applyPendingMigrations({ ...paths, migrationsDir, databasePath });
    await expect(firstRun).rejects.toThrow('Migration `20300102000000_broken` failed: table "A" already exists');

    // Like `prisma migrate deploy`: a failed migration must be resolved before anything else runs.
    const secondRun = applyPendingMigrations({ ...paths, migrationsDir, databasePath });
    await expect(secondRun).rejects.toThrow(/failed migrations/);
  });
});

describe("createMigration", () => {
  it("writes the migration and Prisma's lockfile into an empty migrations folder", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const migrationsDir = path.join(tempDir, "migrations");

    const result = await createMigration({ ...paths, migrationsDir, name: "init", now: new Date("2030-01-02T03:04:05Z") });

    expect(result).toMatchObject({ status: "created", directoryName: "20300102030405_init", wroteLockfile: true });
    expect(await readdir(migrationsDir)).toEqual(["20300102030405_init", "migration_lock.toml"]);
    expect(await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toBe(lockfileContent("sqlite"));
  });

  it("writes nothing when the migrations already match the schema", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    // A copy: should the schema have drifted, this must fail, not add a migration to the repo.
    const migrationsDir = path.join(tempDir, "migrations");
    await cp(paths.migrationsDir, migrationsDir, { recursive: true });
    const before = await readdir(migrationsDir);

    const result = await createMigration({ ...paths, migrationsDir, name: "nothing_to_do" });

    expect(result).toEqual({ status: "unchanged" });
    expect(await readdir(migrationsDir)).toEqual(before);
  });
});

describe("resolveSqlitePath", () => {
  it("resolves a relative file: URL against the project root", () => {
    expect(resolveSqlitePath("file:./data/threadline.db", "/srv/app")).toBe("/srv/app/data/threadline.db");
  });

  it("keeps an absolute path and drops query parameters", () => {
    expect(resolveSqlitePath("file:/var/lib/t.db?connection_limit=1", "/srv/app")).toBe("/var/lib/t.db");
  });

  it("rejects a URL for another database without echoing its password", () => {
    expect(() => resolveSqlitePath("postgresql://user:secret@db/threadline", "/srv/app")).toThrow(/SQLite/);
    expect(() => resolveSqlitePath("postgresql://user:secret@db/threadline", "/srv/app")).not.toThrow(/secret/);
  });

  it("rejects an in-memory database, which a migration would not outlive", () => {
    expect(() => resolveSqlitePath("file::memory:", "/srv/app")).toThrow(/does not name a database file/);
  });
});

describe("resolveMigrationTarget", () => {
  it("reads a PostgreSQL URL as a server target", () => {
    expect(resolveMigrationTarget("postgresql://tl:secret@db:5432/lineage", "/srv/app")).toMatchObject({
      backend: "postgresql",
      connection: { host: "db", database: "lineage", password: "secret" },
    });
  });

  it("refuses an unknown database without echoing its password", () => {
    expect(() => resolveMigrationTarget("mysql://tl:secret@db/lineage", "/srv/app")).toThrow(/PostgreSQL URL/);
    expect(() => resolveMigrationTarget("mysql://tl:secret@db/lineage", "/srv/app")).not.toThrow(/secret/);
  });
});

describe("the PostgreSQL copy of the data model", () => {
  it("is prisma/schema.prisma with the provider and client output changed, and nothing else", async () => {
    const [sqlite] = await loadSchemaFiles(paths.schemaPath);
    const [committed] = await loadSchemaFiles(pgPaths.schemaPath);
    // On failure: `npm run db:generate` rewrites prisma/postgresql/schema.prisma.
    expect(committed?.content).toBe(postgresqlSchemaOf(sqlite!.content));
    expect(committed?.content).toMatch(/provider = "postgresql"/);
    expect(committed?.content.match(/^model \w+/gm)).toEqual(sqlite!.content.match(/^model \w+/gm));
  });
});

// The same checks against a real PostgreSQL server (THREADLINE_TEST_POSTGRES_URL; .ci/run has one).
describe.skipIf(!hasTestPostgres)("PostgreSQL migrations", () => {
  let database: TestPostgresDatabase;
  let target: MigrationTarget;
  beforeEach(async () => {
    database = await createPostgresDatabase();
    target = { backend: "postgresql", connection: database.connection };
  });
  afterEach(async () => {
    await database.drop();
  });

  async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
    const client = new pg.Client(postgresClientConfig(database.connection));
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it("finds no difference between prisma/postgresql/migrations and its schema", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const migrations = await loadMigrations(pgPaths.migrationsDir);
    expect(migrations.lockfile.content).toBe(lockfileContent("postgresql"));

    // On failure this prints the SQL of the missing migration: run `npm run db:migration -- <name>`
    // with THREADLINE_TEST_POSTGRES_URL set.
    expect(await diffMigrationsToSchema(migrations, await loadSchemaFiles(pgPaths.schemaPath), target)).toBe("");
  });

  it("reports a schema edit that has no migration, and leaves no scratch database behind", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const [schema] = await loadSchemaFiles(pgPaths.schemaPath);
    const edited = schema!.content.replace(/^model Run \{$/m, "model Run {\n  driftProbe String?");

    const sql = await diffMigrationsToSchema(await loadMigrations(pgPaths.migrationsDir), [{ path: schema!.path, content: edited }], target);

    expect(sql).toContain('ADD COLUMN     "driftProbe" TEXT');
    const shadows = await query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'");
    expect(shadows).toEqual([]);
  });

  it("creates every table, records checksums and applies nothing the second time", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const migrations = await loadMigrations(pgPaths.migrationsDir);

    const applied = await applyPendingMigrations({ ...pgPaths, target });
    const again = await applyPendingMigrations({ ...pgPaths, target });

    expect(applied).toEqual(migrations.migrationDirectories.map((d) => d.path));
    expect(again).toEqual([]);
    const tables = await query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining([...PROJECTION_TABLES, "_prisma_migrations"]));
    const rows = await query<{ migration_name: string; checksum: string }>(
      "SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name",
    );
    const expected = await Promise.all(
      migrations.migrationDirectories.map(async (dir) => ({
        migration_name: dir.path,
        checksum: createHash("sha256").update(await readFile(path.join(pgPaths.migrationsDir, dir.path, "migration.sql"))).digest("hex"),
      })),
    );
    expect(rows).toEqual(expected);
  });

  it("gives every text column byte order (COLLATE \"C\"), as SQLite compares", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    await applyPendingMigrations({ ...pgPaths, target });

    const columns = await query<{ column: string; collation: string | null }>(
      `SELECT table_name || '.' || column_name AS column, collation_name AS collation FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    );

    expect(columns.length).toBeGreaterThan(50);
    // A new migration that adds a text column must write COLLATE "C" after TEXT by hand.
    expect(columns.filter((c) => c.collation !== "C")).toEqual([]);
  });

  it("compresses the log's payloads with LZ4 where the server has it, and stores their text unchanged", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    await applyPendingMigrations({ ...pgPaths, target });

    const [lz4] = await query<{ supported: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) AS supported");
    const [column] = await query<{ compression: string }>(`SELECT attcompression AS compression FROM pg_attribute WHERE attrelid = '"Event"'::regclass AND attname = 'payload'`);
    expect(column!.compression).toBe(lz4!.supported ? "l" : "");
    // A payload past the size PostgreSQL compresses at reads back as written.
    const payload = JSON.stringify({ facets: Array.from({ length: 200 }, (_, i) => ({ name: `field_${i}`, type: "string" })) });
    await query(`INSERT INTO "Event" (seq, "contentHash", kind, "eventTime", "receivedAt", sender, payload, "prevHash", hash) VALUES (1, 'c', 'RunEvent', 't', 't', 's', '${payload}', 'p', 'h')`);
    const [stored] = await query<{ payload: string; method: string | null }>(`SELECT payload, pg_column_compression(payload) AS method FROM "Event" WHERE seq = 1`);
    expect(stored!.payload).toBe(payload);
    expect(stored!.method).toBe(lz4!.supported ? "lz4" : "pglz");
  });

  it("refuses the SQLite schema for a PostgreSQL database", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    await expect(applyPendingMigrations({ ...pgPaths, schemaPath: paths.schemaPath, target })).rejects.toThrow(/not a postgresql schema/);
  });

  it("names the database it cannot reach", { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const missing: MigrationTarget = { backend: "postgresql", connection: { ...database.connection, database: "threadline_no_such_db" } };
    await expect(applyPendingMigrations({ ...pgPaths, target: missing })).rejects.toThrow(/threadline_no_such_db.*createdb threadline_no_such_db/);
  });
});

describe("sanitizeMigrationName", () => {
  it("turns runs of other characters into one underscore", () => {
    expect(sanitizeMigrationName(" add run-owner & index ")).toBe("add_run_owner_index");
  });

  it("rejects a name with nothing usable in it", () => {
    expect(() => sanitizeMigrationName("--")).toThrow(/not a usable migration name/);
  });
});

describe("migrationTimestamp", () => {
  it("is the UTC time as YYYYMMDDHHMMSS", () => {
    expect(migrationTimestamp(new Date("2030-01-02T03:04:05.678Z"))).toBe("20300102030405");
  });
});
