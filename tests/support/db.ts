/**
 * A fresh, migrated SQLite database in a temp folder for one test file. Applies the same
 * migration.sql files `npm run db:migrate` applies (tests/db checks that runner itself).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { buildDrugDiscoveryEvents } from "@/lib/demo/drug-discovery";
import { openSqlite, storeOver, type Sqlite } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";

const MIGRATIONS = path.resolve(__dirname, "../../prisma/migrations");

export function createTestDatabase(): { db: Sqlite; file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-test-"));
  const file = path.join(dir, "test.db");
  const db = openSqlite(file);
  for (const name of fs.readdirSync(MIGRATIONS).filter((n) => /^\d+_/.test(n)).sort()) {
    db.exec(fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
  }
  return {
    db,
    file,
    cleanup: () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs SQL on `file` through a connection of its own, the way an outside tool (the sqlite3 shell) edits it. */
export function writeBehindThreadlinesBack(file: string, sql: string, ...params: unknown[]): void {
  const other = new Database(file);
  try {
    other.prepare(sql).run(...params);
  } finally {
    other.close();
  }
}

/** A minimal valid RunEvent; override what a test is about. */
export function runEvent(overrides: {
  eventType?: string;
  runId: string;
  job?: string;
  time?: string;
  runFacets?: Record<string, unknown>;
  inputs?: { namespace: string; name: string; facets?: Record<string, unknown>; inputFacets?: Record<string, unknown> }[];
  outputs?: { namespace: string; name: string; facets?: Record<string, unknown> }[];
}): Record<string, unknown> {
  return {
    eventType: overrides.eventType ?? "COMPLETE",
    eventTime: overrides.time ?? "2026-11-01T10:00:00Z",
    producer: "https://threadline.dev/tests",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    run: { runId: overrides.runId, facets: overrides.runFacets ?? {} },
    job: { namespace: "tests", name: overrides.job ?? "train" },
    inputs: overrides.inputs ?? [],
    outputs: overrides.outputs ?? [],
  };
}

/** The demo story ingested through the write path, as `npm run db:seed` loads it; throws unless every event was created. */
export async function ingestDemoStory(db: Sqlite): Promise<void> {
  const outcomes = await ingestEvents(storeOver(db), buildDrugDiscoveryEvents(), { sender: "demo", receivedAt: "2026-11-24T00:00:00.000Z" });
  const refused = outcomes.filter((o) => o.status !== "created");
  if (refused.length > 0) throw new Error(`${refused.length} demo events were not created: ${JSON.stringify(refused[0])}`);
}
