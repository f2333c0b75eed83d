// Offline replacement for `prisma migrate deploy` and `prisma migrate dev --create-only`, built on
// the WebAssembly schema engine (the Prisma CLI would first download a native engine, which these
// machines cannot reach). Logic lives in scripts/lib/migrations.ts so the tests exercise it too.
//
//   npm run db:migrate                 apply pending migrations to DATABASE_URL (SQLite or PostgreSQL)
//   npm run db:migration -- <name>     write <timestamp>_<name>/migration.sql for each backend
//   (schema)                           write prisma/postgresql/schema.prisma (part of db:generate)
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { DEFAULT_DATABASE_URL } from "../lib/config";
import {
  applyPendingMigrations,
  createMigration,
  type CreateMigrationResult,
  describeTarget,
  getDefaultPaths,
  MigrationError,
  type MigrationPaths,
  type MigrationTarget,
  postgresqlSchemaOf,
  resolveMigrationTarget,
} from "./lib/migrations";

const USAGE = `Usage:
  npm run db:migrate                  (deploy) apply pending migrations to DATABASE_URL (default ${DEFAULT_DATABASE_URL})
  npm run db:migration -- <name>      (create <name>) write a migration for the changes in prisma/schema.prisma,
                                      for SQLite and (with a PostgreSQL server in THREADLINE_TEST_POSTGRES_URL
                                      or DATABASE_URL, which the diff needs) for PostgreSQL
  (schema)                            write prisma/postgresql/schema.prisma from prisma/schema.prisma

Set DEBUG_SCHEMA_ENGINE=1 to print the schema engine's log on stderr.`;

// The PostgreSQL copy of the data model must follow every edit of the SQLite one.
async function writePostgresqlSchema(rootDir: string): Promise<string> {
  const { schemaPath } = getDefaultPaths(rootDir, "sqlite");
  const target = getDefaultPaths(rootDir, "postgresql").schemaPath;
  const derived = postgresqlSchemaOf(await readFile(schemaPath, "utf8"));
  const existing = await readFile(target, "utf8").catch(() => null);
  if (existing !== derived) await writeFile(target, derived, "utf8");
  return target;
}

function reportCreated(paths: MigrationPaths, result: CreateMigrationResult, label: string): void {
  if (result.status === "unchanged") {
    console.log(`No changes for ${label}: ${path.relative(paths.rootDir, paths.migrationsDir)} already matches the schema.`);
    return;
  }
  console.log(`Created ${path.relative(paths.rootDir, result.migrationPath)}`);
  if (result.wroteLockfile) console.log(`Created ${path.relative(paths.rootDir, path.join(paths.migrationsDir, "migration_lock.toml"))}`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // npm runs scripts from the project root, which is where relative paths are meant to start.
  const paths = getDefaultPaths(process.cwd());
  const onLog = process.env["DEBUG_SCHEMA_ENGINE"] ? (line: string) => console.error(line) : undefined;

  switch (command) {
    case "deploy": {
      if (rest.length > 0) throw new MigrationError(`deploy takes no arguments.\n\n${USAGE}`);
      const databaseUrl = process.env["DATABASE_URL"] || DEFAULT_DATABASE_URL; // the default, as lib/config.ts reads it
      const target = resolveMigrationTarget(databaseUrl, paths.rootDir);
      const backendPaths = getDefaultPaths(paths.rootDir, target.backend);
      const applied = await applyPendingMigrations({ ...backendPaths, target, onLog });
      const where = describeTarget(target, paths.rootDir);
      if (applied.length === 0) {
        console.log(`Database ${where} is up to date; no pending migrations.`);
      } else {
        console.log(`Applied ${applied.length} migration${applied.length === 1 ? "" : "s"} to ${where}:`);
        for (const name of applied) console.log(`  ${name}`);
      }
      return;
    }
    case "create": {
      const name = rest.join("_");
      if (name === "") throw new MigrationError(`Name the migration, e.g. npm run db:migration -- add_run_owner\n\n${USAGE}`);
      const now = new Date();
      reportCreated(paths, await createMigration({ ...paths, name, now }), "SQLite");
      await writePostgresqlSchema(paths.rootDir);
      const postgres = postgresServer();
      const pgPaths = getDefaultPaths(paths.rootDir, "postgresql");
      if (postgres === null) {
        console.log(
          "Not written for PostgreSQL: its diff needs a server. Set THREADLINE_TEST_POSTGRES_URL and run this again " +
            "(the SQLite migration is then reported unchanged); the PostgreSQL drift test fails until then.",
        );
      } else {
        reportCreated(pgPaths, await createMigration({ ...pgPaths, name, now, target: postgres }), "PostgreSQL");
      }
      console.log("Review the SQL, then apply it with `npm run db:migrate`.");
      return;
    }
    case "schema": {
      const written = await writePostgresqlSchema(paths.rootDir);
      console.log(`Wrote ${path.relative(paths.rootDir, written)}`);
      return;
    }
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return;
    default:
      throw new MigrationError(`Unknown command "${command ?? ""}".\n\n${USAGE}`);
  }
}

// A PostgreSQL server to diff against: the test server if there is one, else DATABASE_URL's.
function postgresServer(): MigrationTarget | null {
  for (const url of [process.env["THREADLINE_TEST_POSTGRES_URL"], process.env["DATABASE_URL"]]) {
    if (url && /^postgres(ql)?:\/\//.test(url)) return resolveMigrationTarget(url, process.cwd());
  }
  return null;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Known failures (bad URL, engine refusing a migration) are one clear message; anything else is
  // a bug in this script and keeps its stack.
  console.error(error instanceof MigrationError ? `db-migrate: ${error.message}` : error);
  process.exitCode = 1;
});
