import path from "node:path";
import type { Backend } from "./config";

/**
 * Where each backend's schema and migrations live, and how a store records the migrations applied
 * to it: shared by the migration tooling (scripts/lib/migrations.ts) and the server's start-up
 * check (lib/server/store-readiness.ts), so the two never disagree on what "migrated" means.
 */

/** Where the migration tooling finds its inputs, all absolute paths. */
export interface MigrationPaths {
  /** The project root: relative `file:` URLs are resolved against it. */
  rootDir: string;
  /** prisma/schema.prisma */
  schemaPath: string;
  /** prisma/migrations */
  migrationsDir: string;
}

/** Default layout of this repository (kept in step with prisma.config.ts), per backend. */
export function getDefaultPaths(rootDir: string = process.cwd(), backend: Backend = "sqlite"): MigrationPaths {
  const prismaDir = backend === "sqlite" ? path.join(rootDir, "prisma") : path.join(rootDir, "prisma", "postgresql");
  return {
    rootDir,
    schemaPath: path.join(prismaDir, "schema.prisma"),
    migrationsDir: path.join(prismaDir, "migrations"),
  };
}

/** The migrations recorded as applied (finished, not rolled back), one `migration_name` a row. */
export const APPLIED_MIGRATIONS_SQL =
  "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";
