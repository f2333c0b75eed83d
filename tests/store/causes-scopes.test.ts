// Where common causes can be looked for: the jobs and output families with failed outputs, counted
// as getCauses counts them, the same on every backend for the same rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_STORY } from "@/lib/demo/drug-discovery";
import { listFailureScopes } from "@/lib/server/causes-scopes";
import { getCauses } from "@/lib/server/investigate";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import type { FailureScope } from "@/lib/lineage/investigate-view";
import { createTestDatabase, ingestDemoStory } from "../support/db";
import { BACKENDS, storeWithRowsOf } from "../support/stores";

const source = createTestDatabase();
let truth: FailureScope[];
beforeAll(async () => {
  await ingestDemoStory(source.db);
  truth = await listFailureScopes(sqliteStore(source.db));
});
afterAll(() => source.cleanup());

describe("listFailureScopes", () => {
  it("lists only jobs and datasets with failures, the most failures first", async () => {
    expect(truth.length).toBeGreaterThan(0);
    expect(truth.every((s) => s.failed > 0 && s.failed <= s.total)).toBe(true);
    const failed = truth.map((s) => s.failed);
    expect(failed).toEqual([...failed].sort((a, b) => b - a));
    const ids = truth.map((s) => s.id);
    expect(ids).toContain(DEMO_STORY.generatedBatches);
    expect(ids).toContain(DEMO_STORY.dockingJob);
    // the curated corpus never failed
    expect(ids).not.toContain(DEMO_STORY.curatedCorpus);
  });

  it("counts failed and total outputs as the causes ranking does, a job's run failing with its outputs", async () => {
    for (const scope of truth) {
      const causes = await getCauses(sqliteStore(source.db), scope.id);
      expect({ id: scope.id, failed: scope.failed, total: scope.total }).toEqual({ id: scope.id, failed: causes.failed, total: causes.total });
    }
    // generate-candidates' runs all completed: its failures are the batches its evaluation failed
    expect(truth.find((s) => s.id === DEMO_STORY.generateJob)?.failed).toBe(DEMO_STORY.failedBatches.length);
  });

  it("stops at the limit", async () => {
    expect(await listFailureScopes(sqliteStore(source.db), 1)).toEqual(truth.slice(0, 1));
  });
});

describe.each(BACKENDS)("on %s", (backend) => {
  const store = storeWithRowsOf(backend, () => sqliteStore(source.db));

  it("answers the same scopes for the same rows", async () => {
    expect(await listFailureScopes(store())).toEqual(truth);
  });
});
