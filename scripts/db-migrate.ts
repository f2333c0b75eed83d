// Offline replacement for `prisma migrate deploy` and `prisma migrate dev --create-only`, built on
// the WebAssembly schema engine (the Prisma CLI would first download a native engine, which these
// machines cannot reach). Logic lives in scripts/lib/migrations.ts so the tests exercise it too.
//
//   npm run db:migrate                 apply pending migrations to DATABASE_URL
//   npm run db:migration -- <name>     write prisma/migrations/<timestamp>_<name>/migration.sql
import path from "node:path";

import { DEFAULT_DATABASE_URL } from "../lib/config";
import {
  applyPendingMigrations,
  createMigration,
  errorMessage,
  getDefaultPaths,
  MigrationError,
  resolveSqlitePath,
} from "./lib/migrations";

const USAGE = `Usage:
  npm run db:migrate                  (deploy) apply pending migrations to DATABASE_URL (default ${DEFAULT_DATABASE_URL})
  npm run db:migration -- <name>      (create <name>) write a migration for the changes in prisma/schema.prisma

Set DEBUG_SCHEMA_ENGINE=1 to print the schema engine's log on stderr.`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // npm runs scripts from the project root, which is where relative paths are meant to start.
  const paths = getDefaultPaths(process.cwd());
  const onLog = process.env["DEBUG_SCHEMA_ENGINE"] ? (line: string) => console.error(line) : undefined;

  switch (command) {
    case "deploy": {
      if (rest.length > 0) throw new MigrationError(`deploy takes no arguments.\n\n${USAGE}`);
      const databaseUrl = process.env["DATABASE_URL"] || DEFAULT_DATABASE_URL; // the default, as lib/config.ts reads it
      const databasePath = resolveSqlitePath(databaseUrl, paths.rootDir);
      const applied = await applyPendingMigrations({ ...paths, databasePath, onLog });
      const relative = path.relative(paths.rootDir, databasePath);
      const where = relative.startsWith("..") || path.isAbsolute(relative) ? databasePath : relative;
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
      const result = await createMigration({ ...paths, name });
      if (result.status === "unchanged") {
        console.log("No changes: prisma/migrations already matches prisma/schema.prisma.");
        return;
      }
      console.log(`Created ${path.relative(paths.rootDir, result.migrationPath)}`);
      if (result.wroteLockfile) console.log(`Created ${path.relative(paths.rootDir, path.join(paths.migrationsDir, "migration_lock.toml"))}`);
      console.log("Review the SQL, then apply it with `npm run db:migrate`.");
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

main(process.argv.slice(2)).catch((error: unknown) => {
  // Known failures (bad URL, engine refusing a migration) are one clear message; anything else is
  // a bug in this script and keeps its stack.
  console.error(error instanceof MigrationError ? `db-migrate: ${error.message}` : error);
  process.exitCode = 1;
});
