/**
 * A team that moves from SQLite to PostgreSQL (store:copy, or a second deployment fed the same
 * events) must see the same lineage: the same events give the same projection on both backends,
 * row for row, and the same chain. Each backend's own suites compare it with itself (live against
 * replay); this one compares the two with each other. The only difference allowed is how a boolean
 * comes back from the driver (SQLite's 0/1, PostgreSQL's false/true).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildDrugDiscoveryEvents } from "@/lib/demo/drug-discovery";
import { getLogHead } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { projectionSnapshot } from "@/lib/server/rebuild";
import type { Store } from "@/lib/server/store/types";
import { hasTestPostgres } from "../support/postgres";
import { createTestStore, STORE_SETUP_TIMEOUT_MS } from "../support/stores";

const options = { sender: "cross-backend", receivedAt: "2026-12-07T00:00:00.000Z" };
const FIXTURES = path.resolve(__dirname, "../fixtures/openlineage/events");

/** The demo's GenAI lineage (versions, flags, synthetic data, signatures) and real producers' events. */
function events(): unknown[] {
  const all: unknown[] = buildDrugDiscoveryEvents({ baseTime: new Date("2026-11-01T00:00:00.000Z") });
  for (const dir of ["compat-airflow", "marquez-test", "ol-fluentd-proxy"]) {
    for (const name of fs.readdirSync(path.join(FIXTURES, dir)).filter((n) => n.endsWith(".json") && n !== "config.json").sort()) {
      all.push(JSON.parse(fs.readFileSync(path.join(FIXTURES, dir, name), "utf8")));
    }
  }
  return all;
}

/** Batches of 37 (so batches cut across runs), then the first batch again: every retry a duplicate. */
async function ingestAll(store: Store, all: unknown[]): Promise<string[]> {
  const statuses: string[] = [];
  for (let i = 0; i < all.length; i += 37) {
    for (const outcome of await ingestEvents(store, all.slice(i, i + 37), options)) statuses.push(outcome.status);
  }
  for (const outcome of await ingestEvents(store, all.slice(0, 37), options)) statuses.push(outcome.status);
  return statuses;
}

const asStored = (tables: Record<string, unknown[]>) =>
  JSON.parse(JSON.stringify(tables, (_key, value) => (value === true ? 1 : value === false ? 0 : value)));

describe.skipIf(!hasTestPostgres)("SQLite and PostgreSQL fed the same events", () => {
  it(
    "hold the same projection row for row and the same chain",
    async () => {
      const sqlite = await createTestStore("sqlite");
      const postgres = await createTestStore("postgresql");
      try {
        const all = events();
        const statuses = await ingestAll(sqlite.store, all);
        expect(await ingestAll(postgres.store, all)).toEqual(statuses);
        expect(statuses.filter((s) => s === "duplicate")).toHaveLength(37);

        const onSqlite = await projectionSnapshot(sqlite.store);
        const onPostgres = await projectionSnapshot(postgres.store);
        for (const table of ["Node", "Edge", "Job", "Run", "Dataset", "DatasetVersion", "RunDataset", "EventNode"]) {
          expect(onSqlite[table]!.length, table).toBeGreaterThan(0);
        }
        for (const table of Object.keys(onSqlite)) {
          expect(asStored(onPostgres)[table], table).toEqual(asStored(onSqlite)[table]);
        }
        expect(await getLogHead(postgres.store)).toEqual(await getLogHead(sqlite.store));
      } finally {
        await sqlite.cleanup();
        await postgres.cleanup();
      }
    },
    STORE_SETUP_TIMEOUT_MS * 2,
  );
});
