import { expect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";

/**
 * GET /api/v1/search on the demo store: words in any order and with any separators, prefixes,
 * typos, descriptions, owners and tags find the node; the type filter narrows; an empty query
 * suggests where to start; bad parameters are refused with the field named.
 */
interface Result {
  id: string;
  type: string;
  kind: string | null;
  name: string;
  score: number;
}

async function search(request: import("@playwright/test").APIRequestContext, query: string, extra = ""): Promise<Result[]> {
  const response = await request.get(`/api/v1/search?q=${encodeURIComponent(query)}${extra}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { results: Result[] }).results;
}

const MODEL = DEMO_STORY.fineTunedModel;

test.describe("search", () => {
  for (const query of ["fine tuned", "fine-tuned", "binding affinity", "binding afinity", "bindng affinity", "affinity-ft", "binding-aff"]) {
    test(`"${query}" finds the fine-tuned model among the first three`, async ({ request }) => {
      const ids = (await search(request, query)).map((r) => r.id);
      expect(ids.slice(0, 3)).toContain(MODEL);
    });
  }

  test("the exact name comes first, and results are ranked best first", async ({ request }) => {
    const results = await search(request, "models/binding-affinity-ft");
    expect(results[0]?.id).toBe(MODEL);
    const scores = results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  test("owners and tags are searched too", async ({ request }) => {
    expect((await search(request, "med-chem-ml")).length).toBeGreaterThan(0);
    expect((await search(request, "task binding")).map((r) => r.id)).toContain(MODEL);
  });

  test("a type filter narrows: models only, jobs only", async ({ request }) => {
    const all = await search(request, "binding");
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(["dataset", "job"]));
    const models = await search(request, "binding", "&type=model");
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((r) => r.type === "dataset" && r.kind === "model")).toBe(true);
    expect(models.map((r) => r.id)).toContain(MODEL);
    const jobs = await search(request, "binding", "&type=job");
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((r) => r.type === "job")).toBe(true);
  });

  test("an empty query suggests models, recently changed nodes and failed outputs", async ({ request }) => {
    const response = await request.get("/api/v1/search?q=");
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { results: Result[]; suggestions: { models: Result[]; recentlyChanged: Result[]; failed: Result[] } };
    expect(body.results).toEqual([]);
    expect(body.suggestions.models.map((r) => r.id)).toContain(MODEL);
    expect(body.suggestions.recentlyChanged.length).toBeGreaterThan(0);
    expect(body.suggestions.failed.map((r) => r.id)).toContain(DEMO_STORY.failedBatch);
  });

  test("nonsense finds nothing, and a bad type or limit is refused with the field named", async ({ request }) => {
    expect(await search(request, "zzqxv wqpt")).toEqual([]);
    const badType = await request.get("/api/v1/search?q=x&type=table");
    expect(badType.status()).toBe(400);
    expect(JSON.stringify(await badType.json())).toContain("type");
    const badLimit = await request.get("/api/v1/search?q=x&limit=0");
    expect(badLimit.status()).toBe(400);
    expect(JSON.stringify(await badLimit.json())).toContain("limit");
  });
});
