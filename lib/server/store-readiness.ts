import "server-only";
import fs from "node:fs";
import path from "node:path";
import { describeConnectionFailure, type DatabaseLocation } from "@/lib/config";
import { APPLIED_MIGRATIONS_SQL, getDefaultPaths } from "@/lib/migration-layout";
import type { Store } from "./store/types";

/**
 * Whether a server can serve from its store, checked once when it starts (instrumentation.ts).
 * Without it, a server started on a PostgreSQL database that does not exist or cannot be reached,
 * or on a store `npm run db:migrate` has not brought up to this build's migrations (a new
 * database, an upgrade whose migration step was forgotten), said "Ready" and then answered every
 * request 500 "Something went wrong", with only a stack trace in its log to tell why. Every
 * migration of this build must be recorded as applied; a store migrated further (a newer server
 * sharing the database) is fine, migrations only add.
 *
 * A store that cannot serve until someone acts (no such database, a wrong password, migrations
 * missing) is `unusable`: the server stops. One that cannot be reached now (PostgreSQL still
 * starting, a network blip) is `unreachable`: the server says so and starts anyway, and serves as
 * soon as the database answers, as a server started beside its database in one go must.
 */

/** Connection failures that waiting does not mend: no such database, wrong credentials. */
const LASTING_FAILURES = new Set(["3D000", "28P01", "28000"]);

export type StoreProblem = { kind: "unusable" | "unreachable"; message: string };

function describeLocation(location: DatabaseLocation): string {
  return location.kind === "postgresql"
    ? `PostgreSQL database ${location.connection.database} on ${location.connection.host}:${location.connection.port}`
    : `SQLite store ${location.file}`;
}

/** Why the store cannot serve this build (see above), or null when it can. */
export async function findStoreProblem(store: Store, location: DatabaseLocation, migrationsDir = getDefaultPaths(process.cwd(), location.kind).migrationsDir): Promise<StoreProblem | null> {
  const expected = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
  let applied: Set<string>;
  try {
    const hasTable = await store.get(store.dialect.tableExists, ["_prisma_migrations"]);
    const rows = hasTable ? await store.all<{ migration_name: string }>(APPLIED_MIGRATIONS_SQL) : [];
    applied = new Set(rows.map((row) => row.migration_name));
  } catch (error) {
    if (location.kind === "sqlite") return { kind: "unusable", message: `Cannot read the ${describeLocation(location)}: ${(error as Error).message}` };
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    return { kind: LASTING_FAILURES.has(code) ? "unusable" : "unreachable", message: describeConnectionFailure(location.connection, error) };
  }
  const missing = expected.filter((name) => !applied.has(name));
  if (missing.length === 0) return null;
  const where = describeLocation(location);
  if (missing.length === expected.length) {
    const message = `The ${where} holds no Threadline tables yet: run npm run db:migrate with the same DATABASE_URL (npm run setup also loads the demo), then start again.`;
    return { kind: "unusable", message };
  }
  const message =
    `The ${where} lacks ${missing.length} of this build's ${expected.length} migrations (${missing.join(", ")}): ` +
    `run npm run db:migrate with the same DATABASE_URL, then start again.`;
  return { kind: "unusable", message };
}
