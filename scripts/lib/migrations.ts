// Offline migrations for Threadline's SQLite store.
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
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { parseDatabaseUrl, type DatabaseLocation } from "../../lib/config";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
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

/** Where the migration tooling finds its inputs, all absolute paths. */
export interface MigrationPaths {
  /** The project root: relative `file:` URLs are resolved against it. */
  rootDir: string;
  /** prisma/schema.prisma */
  schemaPath: string;
  /** prisma/migrations */
  migrationsDir: string;
}

/** Default layout of this repository (kept in step with prisma.config.ts). */
export function getDefaultPaths(rootDir: string = process.cwd()): MigrationPaths {
  return {
    rootDir,
    schemaPath: path.join(rootDir, "prisma", "schema.prisma"),
    migrationsDir: path.join(rootDir, "prisma", "migrations"),
  };
}


const LOCKFILE_NAME = "migration_lock.toml";
const MIGRATION_FILE_NAME = "migration.sql";

// Threadline manages every table in the database, so nothing is excluded from diffs or applies.
const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/** A failure the command-line tools should report as a one-line message, not a stack trace. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

// ---------------------------------------------------------------------------------------------
// Database URL
// ---------------------------------------------------------------------------------------------

/**
 * The SQLite file a DATABASE_URL names, as an absolute path (lib/config.ts reads the URL; relative
 * paths start at `rootDir`). This runner only speaks SQLite, and an in-memory database has nothing
 * to migrate.
 */
export function resolveSqlitePath(databaseUrl: string, rootDir: string): string {
  let location: DatabaseLocation;
  try {
    location = parseDatabaseUrl(databaseUrl, rootDir);
  } catch (error) {
    throw new MigrationError(`${errorMessage(error)} This migration runner only supports SQLite.`);
  }
  if (location.file === ":memory:") throw new MigrationError(`DATABASE_URL "${databaseUrl}" does not name a database file.`);
  return location.file;
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
   * Absolute path of the SQLite file the engine applies migrations to. Omit it for engines that
   * only diff: they then work on an in-memory database and touch nothing on disk.
   */
  databasePath?: string;
  /** The Prisma schema files (needed by the engine to know the connector and the datamodel). */
  schemaFiles: SchemaContainer[];
  /** Receives the engine's log lines (JSON), e.g. to print them when debugging. */
  onLog?: (line: string) => void;
}

/**
 * Builds a schema engine over the better-sqlite3 driver adapter.
 *
 * The shadow database (where the engine replays migrations to learn the schema they produce)
 * is the adapter's default, an in-memory SQLite database, so diffs never write files.
 */
export async function openEngine(options: OpenEngineOptions): Promise<MigrationEngine> {
  const { SchemaEngine } = await loadGlue();
  const adapters = trackConnections(new PrismaBetterSqlite3({ url: options.databasePath ?? ":memory:" }));
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
export async function diffMigrationsToSchema(migrations: MigrationList, schemaFiles: SchemaContainer[]): Promise<string> {
  return withEngine({ schemaFiles }, async (engine) => {
    const result = await engine.diff({
      // The engine cannot replay an empty history (it learns the connector from the lockfile,
      // which only exists once there is a migration); an empty history is an empty database.
      from: migrations.migrationDirectories.length === 0 ? { tag: "empty" } : { tag: "migrations", ...migrations },
      to: { tag: "schemaDatamodel", files: schemaFiles },
      script: true,
      // With exitCode the engine says 2 for "there is a difference": more reliable than parsing
      // the script, which for no difference is a comment ("-- This is an empty migration.").
      exitCode: true,
      filters: NO_FILTERS,
    });
    if (result.exitCode === 0) return "";
    if (result.exitCode === 2) return result.stdout ?? "";
    throw new MigrationError(`The schema engine's diff ended with exit code ${result.exitCode}.`);
  });
}

// ---------------------------------------------------------------------------------------------
// Apply
// ---------------------------------------------------------------------------------------------

export interface ApplyMigrationsOptions {
  migrationsDir: string;
  schemaPath: string;
  /** Absolute path of the SQLite file (see resolveSqlitePath); created with its folder if missing. */
  databasePath: string;
  onLog?: (line: string) => void;
}

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
  if (isUpToDate(options.databasePath, migrations)) return [];
  const schemaFiles = await loadSchemaFiles(options.schemaPath);
  // better-sqlite3 creates the file but not its folder (data/ is not in git).
  await mkdir(path.dirname(options.databasePath), { recursive: true });

  return withEngine({ databasePath: options.databasePath, schemaFiles, onLog: options.onLog }, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTERS });
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
  const sql = await diffMigrationsToSchema(migrations, schemaFiles);
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

// The lockfile records the datasource provider; reading it from the schema keeps one source of
// truth if the project ever moves to PostgreSQL.
function getProvider(schemaFiles: SchemaContainer[]): string {
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
 * engine takes an exclusive lock even to do nothing, which fails while a server has the file open.
 */
function isUpToDate(databasePath: string, migrations: MigrationList): boolean {
  if (!existsSync(databasePath)) return false;
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return false;
    const applied = new Set(
      db
        .prepare<[], { migration_name: string }>(
          "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
        )
        .all()
        .map((r) => r.migration_name),
    );
    return migrations.migrationDirectories.every((m) => applied.has(path.basename(m.path)));
  } finally {
    db.close();
  }
}
