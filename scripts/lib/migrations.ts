// Offline migrations for Threadline's store, SQLite or PostgreSQL.
//
// The Prisma CLI cannot run `migrate` on machines without access to Prisma's binary server: it
// downloads the Rust schema engine first. The same engine ships on npm compiled to WebAssembly
// (`@prisma/schema-engine-wasm`), and it talks to the database through a JS driver adapter. This
// module wraps it so that scripts/db-migrate.ts and the tests share one implementation of
// "load migrations, diff them against schema.prisma, apply them".
//
// Everything here mirrors what `prisma migrate` itself does with the engine (see prisma/build/cli.js):
// the same migrations-list shape, sort order and lockfile text, so the `_prisma_migrations` table
// carries the checksums `prisma migrate deploy` would write and the two tools can take turns.
//
// prisma/schema.prisma (SQLite) is the one data model. A Prisma datamodel names one provider, so
// PostgreSQL gets a copy that differs in its provider and generator output only
// (prisma/postgresql/schema.prisma, written by `npm run db:generate` through postgresqlSchemaOf)
// and its own migrations folder (prisma/postgresql/migrations); each provider has its drift test.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type {
  MigrationDirectory,
  MigrationList,
  SchemaContainer,
  SchemaEngine,
  SchemaFilter,
} from "@prisma/schema-engine-wasm";

import {
  type Backend,
  type DatabaseLocation,
  describeConnectionFailure,
  parseDatabaseUrl,
  type PostgresConnection,
  postgresClientConfig,
  redactUrl,
} from "../../lib/config";
import { APPLIED_MIGRATIONS_SQL } from "../../lib/migration-layout";

export { getDefaultPaths, type MigrationPaths } from "../../lib/migration-layout";

const LOCKFILE_NAME = "migration_lock.toml";
const MIGRATION_FILE_NAME = "migration.sql";

// Threadline manages every table in the database. Prisma's schema cannot describe one of them: the
// SQLite search index (an FTS5 virtual table, with the shadow tables FTS5 keeps) is written by its
// own migration (prisma/migrations/*_node_search) and left out of diffs, so drift checks ignore it;
// so is PostgreSQL's (a table kept by triggers with a pg_trgm index, prisma/postgresql/migrations/
// *_node_search), whose engine accepts only schema-qualified names here (P3023), and PostgreSQL's
// RunBrief (a run's columns a view reads, kept by triggers on Run: *_run_brief).
const FILTERS: Record<Backend, SchemaFilter> = {
  sqlite: {
    externalTables: ["NodeSearch", "NodeSearch_data", "NodeSearch_idx", "NodeSearch_content", "NodeSearch_docsize", "NodeSearch_config"],
    externalEnums: [],
  },
  postgresql: { externalTables: ["public.NodeSearch", "public.RunBrief"], externalEnums: [] },
};
const filtersFor = (provider: string): SchemaFilter => FILTERS[provider === "postgresql" ? "postgresql" : "sqlite"];

/** A failure the command-line tools should report as a one-line message, not a stack trace. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

// ---------------------------------------------------------------------------------------------
// Database URL
// ---------------------------------------------------------------------------------------------

/** Where migrations go: a SQLite file (absolute path) or a PostgreSQL database. */
export type MigrationTarget = { backend: "sqlite"; databasePath: string } | { backend: "postgresql"; connection: PostgresConnection };

/**
 * Reads DATABASE_URL as a migration target. Relative SQLite paths are resolved against `rootDir`
 * (the project root, which is also npm's cwd), the way better-sqlite3 and so the app's driver
 * adapter resolve them; query parameters (`?connection_limit=1`) are not part of the path.
 * An in-memory database is refused: a migration would not outlive the command.
 */
export function resolveMigrationTarget(databaseUrl: string, rootDir: string): MigrationTarget {
  let target: DatabaseLocation;
  try {
    target = parseDatabaseUrl(databaseUrl, rootDir);
  } catch (error) {
    throw new MigrationError(errorMessage(error));
  }
  if (target.kind === "postgresql") return { backend: "postgresql", connection: target.connection };
  if (target.file === ":memory:") throw new MigrationError(`DATABASE_URL "${databaseUrl}" does not name a database file.`);
  return { backend: "sqlite", databasePath: target.file };
}

/** The SQLite file a `file:` URL names (see resolveMigrationTarget); any other URL is refused. */
export function resolveSqlitePath(databaseUrl: string, rootDir: string): string {
  const target = resolveMigrationTarget(databaseUrl, rootDir);
  if (target.backend !== "sqlite") {
    throw new MigrationError(`DATABASE_URL must be a SQLite "file:" URL here (got "${redactUrl(databaseUrl)}").`);
  }
  return target.databasePath;
}

/** Where a target is, for messages: a file path or host/database, never a password. */
export function describeTarget(target: MigrationTarget, rootDir: string): string {
  if (target.backend === "postgresql") {
    const { host, port, database } = target.connection;
    return `${database} on ${host}:${port} (PostgreSQL)`;
  }
  const relative = path.relative(rootDir, target.databasePath);
  return relative.startsWith("..") || path.isAbsolute(relative) ? target.databasePath : relative;
}

// ---------------------------------------------------------------------------------------------
// The PostgreSQL copy of the data model
// ---------------------------------------------------------------------------------------------

/**
 * The PostgreSQL datamodel derived from the SQLite one: the same models, another provider, and a
 * client generated beside the SQLite one. Every field type the model uses (String, Int, Boolean)
 * maps to PostgreSQL without attributes, so nothing else changes; a tests checks the committed
 * copy equals this function's output.
 */
export function postgresqlSchemaOf(sqliteSchema: string): string {
  const header =
    "// GENERATED from prisma/schema.prisma by `npm run db:generate` (scripts/lib/migrations.ts,\n" +
    "// postgresqlSchemaOf): edit that file, never this one. PostgreSQL's migrations: ./migrations.\n\n";
  const provider = /(datasource\s+\w+\s*\{[^}]*provider\s*=\s*)"sqlite"/;
  const output = /(generator\s+client\s*\{[^}]*output\s*=\s*)"\.\.\/lib\/server\/generated\/prisma"/;
  if (!provider.test(sqliteSchema) || !output.test(sqliteSchema)) {
    throw new MigrationError('prisma/schema.prisma must keep provider = "sqlite" and output = "../lib/server/generated/prisma".');
  }
  return (
    header +
    sqliteSchema
      .replace(provider, '$1"postgresql"')
      .replace(output, '$1"../../lib/server/generated/prisma-postgresql"')
  );
}

// ---------------------------------------------------------------------------------------------
// Migrations directory
// ---------------------------------------------------------------------------------------------

/**
 * Reads prisma/migrations into the shape the schema engine expects, exactly as the Prisma CLI
 * does: every sub-directory is a migration whose script is `migration.sql`, sorted by name
 * (names start with a UTC timestamp). A missing directory is an empty history. An unreadable
 * script is passed on as an error value so the engine reports it with the migration's name.
 */
export async function loadMigrations(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const lockfileContent = await readFile(path.join(baseDir, LOCKFILE_NAME), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch((error: unknown) => {
    if (isErrnoException(error) && error.code === "ENOENT") return [];
    throw error;
  });

  const migrationDirectories: MigrationDirectory[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const content = await readFile(path.join(baseDir, entry.name, MIGRATION_FILE_NAME), "utf8").then(
      (value) => ({ tag: "ok" as const, value }),
      (error: unknown) => ({ tag: "error" as const, value: errorMessage(error) }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: MIGRATION_FILE_NAME, content } });
  }
  // localeCompare, not `<`: the CLI sorts this way and the order decides what is "pending".
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));

  return {
    baseDir,
    lockfile: { path: LOCKFILE_NAME, content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** Reads the Prisma schema as the list of files the engine takes. */
export async function loadSchemaFiles(schemaPath: string): Promise<SchemaContainer[]> {
  const content = await readFile(schemaPath, "utf8").catch((error: unknown) => {
    throw new MigrationError(`Cannot read the Prisma schema at ${schemaPath}: ${errorMessage(error)}`);
  });
  return [{ path: schemaPath, content }];
}

// ---------------------------------------------------------------------------------------------
// Schema engine
// ---------------------------------------------------------------------------------------------

type WasmGlue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

// The glue module keeps the wasm instance in module state, and Node caches that module per
// process even when Vitest re-evaluates this file for each test file. Keeping the "loaded" promise
// on globalThis ties it to the glue's lifetime, so the wasm is instantiated exactly once.
const GLUE_KEY = Symbol.for("threadline.schemaEngineWasm");
type GlueCache = { [GLUE_KEY]?: Promise<WasmGlue> };

/**
 * Loads the WebAssembly schema engine once per process.
 *
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20
 * only accepts behind `--experimental-wasm-modules`, and which Vite/Vitest would try to transform.
 * Instantiating the module ourselves from its wasm-bindgen glue (an exported entry of the
 * package) does the same three steps the entry point does and needs no Node flag anywhere.
 */
function loadGlue(): Promise<WasmGlue> {
  const cache = globalThis as GlueCache;
  const cached = cache[GLUE_KEY];
  if (cached !== undefined) return cached;

  const loading = (async () => {
    const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const bindings: WasmGlue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    // The wasm imports every host function from the glue module, under the glue's file name.
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    const start = instance.exports["__wbindgen_start"];
    if (typeof start !== "function") {
      throw new MigrationError("@prisma/schema-engine-wasm has an unexpected layout (no __wbindgen_start).");
    }
    start();
    return bindings;
  })();
  cache[GLUE_KEY] = loading;
  // Do not cache a failed load: the next caller gets the real error again, not a stale promise.
  loading.catch(() => {
    delete cache[GLUE_KEY];
  });
  return loading;
}

/** An engine bound to one database, closed with `close()` (which also closes its connections). */
export interface MigrationEngine {
  engine: SchemaEngine;
  close(): Promise<void>;
}

export interface OpenEngineOptions {
  /**
   * Where the engine applies migrations. Omit it for SQLite engines that only diff: they then work
   * on an in-memory database and touch nothing on disk. A PostgreSQL engine always needs a server,
   * even to diff: it replays the migrations into a scratch database it creates there and drops.
   */
  target?: MigrationTarget;
  /** The Prisma schema files (needed by the engine to know the connector and the datamodel). */
  schemaFiles: SchemaContainer[];
  /** Receives the engine's log lines (JSON), e.g. to print them when debugging. */
  onLog?: (line: string) => void;
}

/**
 * Builds a schema engine over the backend's driver adapter.
 *
 * The shadow database (where the engine replays migrations to learn the schema they produce) is
 * the adapter's default: for SQLite an in-memory database, so diffs never write files; for
 * PostgreSQL a `prisma_migrate_shadow_db_<uuid>` database created and dropped on the server.
 */
export async function openEngine(options: OpenEngineOptions): Promise<MigrationEngine> {
  const { SchemaEngine } = await loadGlue();
  const target = options.target;
  const adapters = trackConnections(
    target?.backend === "postgresql"
      ? postgresAdapterFactory(target.connection)
      : new PrismaBetterSqlite3({ url: target?.databasePath ?? ":memory:" }),
  );
  const datamodels = options.schemaFiles.map((file): [string, string] => [file.path, file.content]);
  const onLog = options.onLog ?? (() => {});
  const engine = await SchemaEngine.new({ datamodels }, onLog, bindMigrationAwareSqlAdapterFactory(adapters.factory));

  let isClosed = false;
  return {
    engine,
    async close() {
      if (isClosed) return;
      isClosed = true;
      engine.free();
      await adapters.disposeAll();
    },
  };
}

// The engine opens connections through the factory but never closes them, and while applying it
// switches the database to `PRAGMA locking_mode=EXCLUSIVE`, which holds the file lock for as long
// as the connection lives: a caller that kept running (a test, a future in-process migrate) would
// lock everyone else out. The wrapper remembers every connection so `close()` can dispose of them.
function trackConnections(inner: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll: () => Promise<void>;
} {
  const open: SqlDriverAdapter[] = [];
  const remember = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    open.push(adapter);
    return adapter;
  };
  return {
    factory: {
      provider: inner.provider,
      adapterName: inner.adapterName,
      connect: async () => remember(await inner.connect()),
      connectToShadowDb: async () => remember(runScriptsAsScripts(await inner.connectToShadowDb())),
    },
    disposeAll: async () => {
      const adapters = open.splice(0);
      await Promise.allSettled(adapters.map((adapter) => adapter.dispose()));
    },
  };
}

/**
 * PrismaPg, with a shadow database that is dropped after use. PrismaPg's own (7.10) drops the
 * shadow database before closing its pool, which PostgreSQL refuses ("is being accessed by other
 * users"), so every diff failed; here the pool is closed first and the drop forced.
 */
function postgresAdapterFactory(connection: PostgresConnection): SqlMigrationAwareDriverAdapterFactory {
  const config = postgresClientConfig(connection);
  const main = new PrismaPg(config);
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => runPostgresScriptsWhole(readCatalogCharAsText(await main.connect())),
    connectToShadowDb: async () => {
      const admin = new pg.Client(config);
      await admin.connect();
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      try {
        await admin.query(`CREATE DATABASE "${database}"`);
        const shadow = runPostgresScriptsWhole(readCatalogCharAsText(await new PrismaPg({ ...config, database }).connect()));
        const closePool = shadow.dispose.bind(shadow);
        shadow.dispose = async () => {
          try {
            await closePool();
            await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
          } finally {
            await admin.end();
          }
        };
        return shadow;
      } catch (error) {
        await admin.end();
        throw error;
      }
    },
  };
}

/**
 * PrismaPg 7.10 applies a migration by splitting its script at every `;` and sending the pieces one
 * by one, which cuts a function body (`$$ … ; … $$`) and a comment holding a `;` in two (the search
 * index's trigger, prisma/postgresql/migrations/*_node_search). PostgreSQL runs a whole script sent
 * as one parameterless query itself (the simple query protocol), as one implicit transaction, so
 * the script goes as it is.
 */
function runPostgresScriptsWhole(adapter: SqlDriverAdapter): SqlDriverAdapter {
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

/**
 * The engine describes a PostgreSQL schema by reading pg_catalog, whose flags (`relkind`,
 * `contype`, …) are of the one-byte type "char" (OID 18). PrismaPg 7.10 has no column type for it
 * and fails ("Column type 'char' could not be deserialized"), so a diff from the migrations never
 * worked; read as text (OID 25) the values are the one-letter strings the engine expects. Patched
 * once on the adapter's query base class, which PrismaPg does not export; the migration tools
 * are its only users in this process kind (scripts and tests), and the app never reads "char".
 */
function readCatalogCharAsText(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as {
    performIO?: (query: unknown) => Promise<{ fields?: { dataTypeID: number }[] } | { fields?: { dataTypeID: number }[] }[]>;
    [CHAR_AS_TEXT]?: true;
  };
  const performIO = queryable.performIO;
  if (queryable[CHAR_AS_TEXT] || typeof performIO !== "function") return adapter;
  queryable.performIO = async function (this: unknown, query: unknown) {
    const result = await performIO.call(this, query);
    // A whole script (runPostgresScriptsWhole) answers one result per statement.
    for (const one of Array.isArray(result) ? result : [result]) {
      for (const field of one.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  queryable[CHAR_AS_TEXT] = true;
  return adapter;
}
const CHAR_AS_TEXT = Symbol.for("threadline.pgCharAsText");
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;


// When the engine replays the migration history into the shadow database (to diff it against the
// schema), it sends each whole migration.sql through `executeRaw`, and better-sqlite3 prepares one
// statement at a time: "The supplied SQL string contains more than one statement". `applyMigrations`
// goes through `executeScript` and is not affected. On the shadow connection only, a parameterless
// multi-statement "query" is therefore run as the script it is. Remove once the engine uses
// executeScript for the replay (checked with @prisma/schema-engine-wasm 8.1.0-2.59be4fda).
function runScriptsAsScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      const isMultiStatement = error instanceof RangeError && /more than one statement/.test(error.message);
      if (!isMultiStatement || query.args.length > 0) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

async function withEngine<T>(options: OpenEngineOptions, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const handle = await openEngine(options);
  try {
    return await run(handle.engine);
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(describeEngineError(error));
  } finally {
    await handle.close();
  }
}

/**
 * One readable message from a schema engine rejection. The engine's Error message is the
 * user-facing text followed by a Rust span trace ("   0: sql_schema_connector::... with
 * migration_name=..."); the trace is noise to someone running a script, except for the name of
 * the migration that failed, which a bare database error ("table "A" already exists") lacks.
 */
export function describeEngineError(error: unknown): string {
  const message = errorMessage(error);
  const [text = "", trace = ""] = message.split(/\n\s+0: /, 2);
  const code = typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
  const migrationName = /migration_name="([^"]+)"/.exec(trace)?.[1];
  // SQLite's "busy" reaches the wasm engine as an error kind it cannot name (SocketTimeout):
  // another process, usually a running Threadline server, holds the database file.
  if (/SocketTimeout|database is locked|SQLITE_BUSY/i.test(text)) {
    return "The database is busy: another process (a running Threadline server?) has it open. Stop it, run db:migrate again, then restart it.";
  }
  const summary = text.trim() || "The schema engine failed without a message.";
  const withMigration = migrationName !== undefined && !summary.includes(migrationName)
    ? `Migration \`${migrationName}\` failed: ${summary}`
    : summary;
  return code !== undefined ? `${withMigration} (${code})` : withMigration;
}

// ---------------------------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------------------------

/**
 * The SQL that brings a database built from `migrations` up to the datamodel in `schemaFiles`,
 * or "" when they already agree. This is both "what would the next migration contain" and the
 * drift check: a non-empty result means schema.prisma changed without a migration.
 */
export async function diffMigrationsToSchema(
  migrations: MigrationList,
  schemaFiles: SchemaContainer[],
  target?: MigrationTarget,
): Promise<string> {
  return withEngine({ schemaFiles, target }, async (engine) => {
    const result = await engine.diff({
      // The engine cannot replay an empty history (it learns the connector from the lockfile,
      // which only exists once there is a migration); an empty history is an empty database.
      from: migrations.migrationDirectories.length === 0 ? { tag: "empty" } : { tag: "migrations", ...migrations },
      to: { tag: "schemaDatamodel", files: schemaFiles },
      script: true,
      // With exitCode the engine says 2 for "there is a difference": more reliable than parsing
      // the script, which for no difference is a comment ("-- This is an empty migration.").
      exitCode: true,
      filters: filtersFor(getProvider(schemaFiles)),
    });
    if (result.exitCode === 0) return "";
    if (result.exitCode === 2) return result.stdout ?? "";
    throw new MigrationError(`The schema engine's diff ended with exit code ${result.exitCode}.`);
  });
}

// ---------------------------------------------------------------------------------------------
// Apply
// ---------------------------------------------------------------------------------------------

export type ApplyMigrationsOptions = {
  migrationsDir: string;
  schemaPath: string;
  onLog?: (line: string) => void;
} & (
  | {
      /** Absolute path of the SQLite file (see resolveSqlitePath); created with its folder if missing. */
      databasePath: string;
    }
  | {
      /** A PostgreSQL database, which must exist (createdb); its schema `public` receives the tables. */
      target: MigrationTarget;
    }
);

/**
 * Applies the migrations not yet recorded in the database's `_prisma_migrations` table, in order,
 * as `prisma migrate deploy` does: same table, same checksums, and the same refusal to go on
 * while an earlier migration is recorded as failed (P3009). Like deploy, it does not check for
 * drift; tests/db/migrations.test.ts does. Returns the names it applied, [] when the database
 * was already up to date.
 */
export async function applyPendingMigrations(options: ApplyMigrationsOptions): Promise<string[]> {
  const migrations = await loadMigrations(options.migrationsDir);
  if (migrations.migrationDirectories.length === 0) {
    throw new MigrationError(
      `No migrations in ${options.migrationsDir}: create one with \`npm run db:migration -- <name>\`.`,
    );
  }
  const target: MigrationTarget = "target" in options ? options.target : { backend: "sqlite", databasePath: options.databasePath };
  if (await isUpToDate(target, migrations)) return [];
  const schemaFiles = await loadSchemaFiles(options.schemaPath);
  if (getProvider(schemaFiles) !== target.backend) {
    throw new MigrationError(`${options.schemaPath} is not a ${target.backend} schema.`);
  }
  // better-sqlite3 creates the file but not its folder (data/ is not in git).
  if (target.backend === "sqlite") await mkdir(path.dirname(target.databasePath), { recursive: true });

  return withEngine({ target, schemaFiles, onLog: options.onLog }, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrations, filters: filtersFor(target.backend) });
    return appliedMigrationNames;
  });
}

// ---------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------

/** The lockfile text the Prisma CLI writes, byte for byte, so either tool leaves it unchanged. */
export function lockfileContent(provider: string): string {
  return (
    "# Please do not edit this file manually\n" +
    "# It should be added in your version-control system (e.g., Git)\n" +
    `provider = "${provider}"\n`
  );
}

/**
 * Makes a user-given name safe as a directory name: runs of anything but letters, digits and
 * `_` become one `_` (as Prisma does), trimmed, at most 200 characters.
 */
export function sanitizeMigrationName(name: string): string {
  const cleaned = name
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
  if (cleaned === "") {
    throw new MigrationError(`"${name}" is not a usable migration name: use letters, digits and "_".`);
  }
  return cleaned;
}

/** UTC `YYYYMMDDHHMMSS`, the prefix Prisma gives migration directories. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

export interface CreateMigrationOptions {
  migrationsDir: string;
  schemaPath: string;
  /** User-given name; sanitized. */
  name: string;
  /** Clock for the directory's timestamp (tests pin it). */
  now?: Date;
  /** For a PostgreSQL schema: the server whose scratch database the diff replays into. */
  target?: MigrationTarget;
}

export type CreateMigrationResult =
  | { status: "created"; directoryName: string; migrationPath: string; sql: string; wroteLockfile: boolean }
  | { status: "unchanged" };

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` with the SQL that takes the existing
 * migrations to schema.prisma, plus `migration_lock.toml` if it is missing. Writes nothing when
 * there is no difference.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const name = sanitizeMigrationName(options.name);
  const migrations = await loadMigrations(options.migrationsDir);
  const schemaFiles = await loadSchemaFiles(options.schemaPath);
  const provider = getProvider(schemaFiles);
  // Migrations without a lockfile (e.g. it was deleted) cannot be replayed by the engine; diff
  // against the lockfile this call is about to write anyway.
  const isLockfileMissing = migrations.lockfile.content === null;
  if (isLockfileMissing) migrations.lockfile.content = lockfileContent(provider);
  const sql = await diffMigrationsToSchema(migrations, schemaFiles, options.target);
  if (sql === "") return { status: "unchanged" };

  const directoryName = `${migrationTimestamp(options.now ?? new Date())}_${name}`;
  // A migration that sorts before an existing one would be "pending" forever on databases that
  // already have the later one, or applied out of order on fresh ones: refuse rather than guess.
  const last = migrations.migrationDirectories.at(-1)?.path;
  if (last !== undefined && directoryName.localeCompare(last) <= 0) {
    throw new MigrationError(
      `New migration ${directoryName} would not sort after the latest one (${last}); check the system clock.`,
    );
  }

  const directory = path.join(migrations.baseDir, directoryName);
  if (existsSync(directory)) throw new MigrationError(`The migration directory already exists at ${directory}`);
  await mkdir(directory, { recursive: true });
  const migrationPath = path.join(directory, MIGRATION_FILE_NAME);
  await writeFile(migrationPath, sql, "utf8");

  if (isLockfileMissing) {
    await writeFile(path.join(migrations.baseDir, LOCKFILE_NAME), lockfileContent(provider), "utf8");
  }
  return { status: "created", directoryName, migrationPath, sql, wroteLockfile: isLockfileMissing };
}

// The lockfile records the datasource provider; reading it from the schema keeps one source of truth.
export function getProvider(schemaFiles: SchemaContainer[]): string {
  for (const file of schemaFiles) {
    const datasource = /datasource\s+\w+\s*\{([^}]*)\}/.exec(file.content)?.[1];
    const provider = datasource !== undefined ? /provider\s*=\s*"([^"]+)"/.exec(datasource)?.[1] : undefined;
    if (provider !== undefined) return provider;
  }
  throw new MigrationError("The Prisma schema has no datasource provider.");
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}

/** The message of whatever was thrown: Errors, the engine's `{ message }` objects, or strings. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    return error.message;
  }
  return String(error);
}

/**
 * True when every migration is already recorded as applied. Checked read-only first because the
 * SQLite engine takes an exclusive lock even to do nothing, which fails while a server has the
 * file open (and on PostgreSQL it saves compiling the engine on every start).
 */
async function isUpToDate(target: MigrationTarget, migrations: MigrationList): Promise<boolean> {
  const applied = target.backend === "sqlite" ? appliedSqliteMigrations(target.databasePath) : await appliedPostgresMigrations(target.connection);
  return migrations.migrationDirectories.every((m) => applied.has(path.basename(m.path)));
}

async function appliedPostgresMigrations(connection: PostgresConnection): Promise<Set<string>> {
  const client = new pg.Client(postgresClientConfig(connection));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new MigrationError(describeConnectionFailure(connection, error));
  }
  try {
    const table = await client.query("SELECT to_regclass('public._prisma_migrations') AS name");
    if (table.rows[0]?.name === null) return new Set();
    const rows = await client.query<{ migration_name: string }>(APPLIED_MIGRATIONS_SQL);
    return new Set(rows.rows.map((r) => r.migration_name));
  } finally {
    await client.end();
  }
}

function appliedSqliteMigrations(databasePath: string): Set<string> {
  if (!existsSync(databasePath)) return new Set();
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return new Set();
    return new Set(db.prepare<[], { migration_name: string }>(APPLIED_MIGRATIONS_SQL).all().map((r) => r.migration_name));
  } finally {
    db.close();
  }
}
