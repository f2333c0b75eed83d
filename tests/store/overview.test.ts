// The home page's reads (counts, namespaces, sources, recent and failed runs, failed outputs) give
// the same answers on every backend for the same rows.
import { storeOver } from "@/lib/server/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildDrugDiscoveryEvents } from "@/lib/demo/drug-discovery";
import { getStats } from "@/lib/server/catalog";
import { ingestEvents } from "@/lib/server/ingest";
import { getOverview } from "@/lib/server/overview";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import type { StoreOverview } from "@/lib/lineage/types";
import { createTestDatabase, ingestDemoStory } from "../support/db";
import { BACKENDS, storeWithRowsOf } from "../support/stores";

// The truth: the demo story ingested through the write path into SQLite, read there.
const source = createTestDatabase();
let truth: StoreOverview;
beforeAll(async () => {
  await ingestDemoStory(source.db);
  truth = await getOverview(sqliteStore(source.db));
});
afterAll(() => source.cleanup());

describe("the overview's truth", () => {
  it("counts what was ingested and lists failed runs and outputs newest first", async () => {
    expect(truth.stats.events).toBe(buildDrugDiscoveryEvents().length);
    expect(truth.stats.edges).toBeGreaterThan(0);
    expect(truth.failedRuns.length).toBeGreaterThan(0);
    expect(truth.failedRuns.every((r) => r.state === "FAILED")).toBe(true);
    expect(truth.failedOutputs.length).toBeGreaterThan(0);
    const times = truth.recentRuns.map((r) => r.endedAt ?? r.startedAt ?? "");
    expect(times).toEqual([...times].sort().reverse());
    expect(truth.sources.map((s) => s.name)).toContain("OpenLineage");
  });
});

describe("getStats", () => {
  it("answers from the counts of the same log head, and counts again once another handle appends", async () => {
    const fresh = createTestDatabase();
    try {
      const events = buildDrugDiscoveryEvents();
      await ingestEvents(storeOver(fresh.db), events.slice(0, 10), { sender: "demo" });
      const reader = sqliteStore(fresh.db);
      const first = await getStats(reader);
      expect(first.events).toBe(10);
      expect(await getStats(reader)).toEqual(first);
      // Another writer (the ingest CLI, another server) appends behind this handle's back.
      await ingestEvents(storeOver(fresh.db), events.slice(10, 12), { sender: "cli" });
      expect((await getStats(reader)).events).toBe(12);
    } finally {
      fresh.cleanup();
    }
  });
});

describe.each(BACKENDS)("on %s", (backend) => {
  const store = storeWithRowsOf(backend, () => sqliteStore(source.db));

  it("answers the same overview and counts for the same rows", async () => {
    expect(await getOverview(store())).toEqual(truth);
    expect(await getStats(store())).toEqual(truth.stats);
  });
});
