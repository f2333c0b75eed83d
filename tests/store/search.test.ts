// Search on every backend (the store contract): SQLite's FTS5 trigram index and PostgreSQL's
// pg_trgm index find the same nodes, ranked the same, for the same rows; `%` and `_` in a query are
// characters, never wildcards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildDrugDiscoveryEvents, DEMO_STORY } from "@/lib/demo/drug-discovery";
import { storeOver } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { searchNodes, suggestNodes } from "@/lib/server/search";
import { createTestDatabase, runEvent } from "../support/db";
import { BACKENDS, storeWithRowsOf } from "../support/stores";

const RATE = "0190a1b2-0000-7000-8000-0000000000e1";
const SWEEP_A = "0190a1b2-0000-7000-8000-0000000000e2";
const SWEEP_B = "0190a1b2-0000-7000-8000-0000000000e3";
const mlflowRun = (runName: string) => ({ threadline_mlflow: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/x", runName } });

// The demo story, plus names that hold `%` and runs whose names differ only where a `_` is.
const source = createTestDatabase();
beforeAll(async () => {
  const outcomes = await ingestEvents(
    storeOver(source.db),
    [
      ...buildDrugDiscoveryEvents(),
      runEvent({ runId: RATE, job: "score", outputs: [{ namespace: "reports", name: "hit-rate%" }, { namespace: "reports", name: "hit-rate1" }] }),
      runEvent({ runId: SWEEP_A, job: "sweep", runFacets: mlflowRun("lr_0.1") }),
      runEvent({ runId: SWEEP_B, job: "sweep", runFacets: mlflowRun("lrx0.1") }),
    ],
    { sender: "demo", receivedAt: "2026-11-24T00:00:00.000Z" },
  );
  expect(outcomes.every((o) => o.status === "created")).toBe(true);
});
afterAll(() => source.cleanup());

const QUERIES = ["fine-tuned", "fine tuned", "finetuned", "binding affinity", "bindng afinity", "kinase", "assays", "generate", "hit-rate%", "lr_0.1", "%", "_", "a"];

describe.each(BACKENDS)("on %s", (backend) => {
  const store = storeWithRowsOf(backend, () => storeOver(source.db));

  const ids = async (query: string) => (await searchNodes(store(), query)).map((r) => r.id);

  it("finds the fine-tuned model however its name is typed, misspelt too", async () => {
    for (const query of ["fine-tuned", "fine tuned", "finetuned", "binding affinity", "bindng afinity"]) {
      expect(await ids(query), query).toContain(DEMO_STORY.fineTunedModel);
    }
  });

  it("takes % and _ as characters, not as wildcards", async () => {
    // "hit-rate1" is a near miss of "hit-rate%" (a typo away), never an exact match of it.
    const rate = await searchNodes(store(), "hit-rate%");
    expect(rate[0]?.id).toBe("dataset:reports:hit-rate%");
    expect(rate.find((r) => r.id === "dataset:reports:hit-rate1")?.score ?? 0).toBeLessThan(rate[0]!.score);
    expect(await ids("%")).toEqual(["dataset:reports:hit-rate%"]);
    expect(await ids("lr_0.1")).toContain(`run:${SWEEP_A}`);
    expect(await ids("lr_0.1")).not.toContain(`run:${SWEEP_B}`);
  });

  it("answers what SQLite answers, result for result and score for score, and the same suggestions", async () => {
    const sqlite = storeOver(source.db);
    for (const query of QUERIES) {
      for (const type of ["all", "dataset", "model", "job"] as const) {
        expect(await searchNodes(store(), query, { type }), `${query} (${type})`).toEqual(await searchNodes(sqlite, query, { type }));
      }
    }
    expect(await suggestNodes(store())).toEqual(await suggestNodes(sqlite));
  });
});
