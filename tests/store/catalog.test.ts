// The catalogue (datasets, models and jobs with type, namespace and name filters, two orders and
// pages) and the explorer's starting points: right on the demo, the same on every backend.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_STORY } from "@/lib/demo/drug-discovery";
import { getStartingPoints, listCatalog } from "@/lib/server/catalog";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import type { Store } from "@/lib/server/store/types";
import type { CatalogPage } from "@/lib/lineage/types";
import { createTestDatabase, ingestDemoStory } from "../support/db";
import { BACKENDS, copyLineageTables, testStoreFor } from "../support/stores";

const source = createTestDatabase();
let store: Store;
beforeAll(async () => {
  await ingestDemoStory(source.db);
  store = sqliteStore(source.db);
});
afterAll(() => source.cleanup());

const everything = { type: "all" as const, sort: "name" as const, page: 1, pageSize: 500 };

describe("listCatalog", () => {
  it("lists every dataset and job once, by name, counting each type", async () => {
    const page = await listCatalog(store, everything);
    const datasets = source.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM Dataset`).get()!.n;
    const jobs = source.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM Job`).get()!.n;
    expect(page.total).toBe(datasets + jobs);
    expect(page.counts.dataset).toBe(datasets);
    expect(page.counts.model).toBeLessThan(datasets);
    expect(page.counts.job).toBe(jobs);
    expect(new Set(page.items.map((i) => i.id)).size).toBe(page.total);
    const names = page.items.map((i) => i.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("filters by type: models are datasets of kind model, counted with their versions; jobs with their runs", async () => {
    const models = await listCatalog(store, { ...everything, type: "model" });
    expect(models.items.length).toBe(models.counts.model);
    expect(models.items.every((i) => i.type === "dataset" && i.kind === "model")).toBe(true);
    expect(models.items.find((i) => i.id === DEMO_STORY.fineTunedModel)?.children).toBe(3);
    // models are datasets too
    const datasets = await listCatalog(store, { ...everything, type: "dataset" });
    expect(datasets.items.every((i) => i.type === "dataset")).toBe(true);
    expect(datasets.items.filter((i) => i.kind === "model")).toEqual(models.items);
    const jobs = await listCatalog(store, { ...everything, type: "job" });
    expect(jobs.items.every((i) => i.type === "job")).toBe(true);
    const generate = jobs.items.find((i) => i.id === DEMO_STORY.generateJob)!;
    expect(generate.children).toBe(source.db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM Run WHERE jobKey = ?`).get(DEMO_STORY.generateJob)!.n);
  });

  it("filters by namespace and by a part of the name, case aside and its % and _ taken literally", async () => {
    const page = await listCatalog(store, { ...everything, q: "BINDING" });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((i) => i.name.toLowerCase().includes("binding"))).toBe(true);
    expect((await listCatalog(store, { ...everything, q: "%" })).total).toBe(0);
    const namespace = page.items[0]!.namespace;
    const inNamespace = await listCatalog(store, { ...everything, namespace });
    expect(inNamespace.items.every((i) => i.namespace === namespace)).toBe(true);
    expect(inNamespace.total).toBeLessThan((await listCatalog(store, everything)).total);
  });

  it("pages without gaps or repeats, most recently updated first, and clamps a page past the end", async () => {
    const all = await listCatalog(store, { ...everything, sort: "updated" });
    const times = all.items.map((i) => i.updatedAt);
    expect(times).toEqual([...times].sort().reverse());
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 7); page++) {
      const p = await listCatalog(store, { ...everything, sort: "updated", page, pageSize: 7 });
      expect(p.pageCount).toBe(Math.ceil(all.total / 7));
      seen.push(...p.items.map((i) => i.id));
    }
    expect(seen).toEqual(all.items.map((i) => i.id));
    const past = await listCatalog(store, { ...everything, page: 999, pageSize: 7 });
    expect(past.page).toBe(past.pageCount);
    expect(past.items.length).toBeGreaterThan(0);
  });
});

describe("getStartingPoints", () => {
  it("suggests models, what changed last and the latest failed outputs", async () => {
    const points = await getStartingPoints(store, 5);
    expect(points.stats.datasets).toBeGreaterThan(0);
    expect(points.models.every((m) => m.kind === "model")).toBe(true);
    expect(points.models.map((m) => m.id)).toContain(DEMO_STORY.fineTunedModel);
    expect(points.recent).toHaveLength(5);
    expect(points.failed.map((f) => f.id)).toContain(DEMO_STORY.failedBatch);
  });
});

describe.each(BACKENDS)("on %s", (backend) => {
  const t = testStoreFor(backend, async () => {
    await copyLineageTables(store, t.store);
  });

  it("answers the same catalogue pages and starting points for the same rows", async () => {
    const queries = [everything, { ...everything, type: "model" as const, sort: "updated" as const }, { ...everything, q: "batch", pageSize: 3, page: 2 }];
    for (const query of queries) {
      const expected: CatalogPage = await listCatalog(store, query);
      expect(await listCatalog(t.store, query)).toEqual(expected);
    }
    expect(await getStartingPoints(t.store)).toEqual(await getStartingPoints(store));
  });
});
