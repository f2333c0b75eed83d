import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { replayLog, verifyProjection } from "@/lib/server/rebuild";
import { searchNodes } from "@/lib/server/search";
import { createTestDatabase, runEvent } from "../support/db";

// The search index (FTS5 trigram, prisma/migrations/*_node_search) is kept in step with datasets
// and jobs by triggers: these tests go through the real write path and the real SQL.
const P = { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/x" };
const documented = (description: string) => ({ documentation: { ...P, description } });
const owned = (owner: string) => ({ ownership: { ...P, owners: [{ name: owner, type: "TEAM" }] } });

let db: Sqlite;
let cleanup: () => void;
beforeEach(async () => {
  ({ db, cleanup } = createTestDatabase());
  await ingestEvents(storeOver(db),
    [
      runEvent({
        runId: "0190a1b2-0000-7000-8000-0000000000c1",
        job: "finetune-binding-model",
        inputs: [{ namespace: "lake", name: "curated/training-corpus", facets: owned("team:curation") }],
        outputs: [{ namespace: "mlflow", name: "models/binding-affinity-ft", facets: documented("chem-base-gt fine-tuned (LoRA) on assays") }],
      }),
    ],
    { sender: "test" },
  );
});
afterEach(() => cleanup());

const ids = async (query: string, type?: "all" | "dataset" | "model" | "job") => (await searchNodes(storeOver(db), query, { type })).map((r) => r.id);
const MODEL = "dataset:mlflow:models/binding-affinity-ft";

describe("searchNodes", () => {
  it("finds a node by words of its name, its description and its owners, with any separators", async () => {
    expect(await ids("binding affinity")).toContain(MODEL);
    expect(await ids("fine tuned")).toEqual([MODEL]);
    expect(await ids("finetuned")).toContain(MODEL);
    expect(await ids("team curation")).toEqual(["dataset:lake:curated/training-corpus"]);
  });

  it("finds a misspelt word through shared trigrams", async () => {
    expect(await ids("bindng afinity")).toContain(MODEL);
  });

  it("narrows to jobs", async () => {
    expect(await ids("binding", "job")).toEqual(["job:tests:finetune-binding-model"]);
  });

  it("follows a later event: a new description is found, the old one no longer", async () => {
    await ingestEvents(storeOver(db),
      [runEvent({ runId: "0190a1b2-0000-7000-8000-0000000000c2", job: "finetune-binding-model", outputs: [{ namespace: "mlflow", name: "models/binding-affinity-ft", facets: documented("kinase panel distillation") }] })],
      { sender: "test" },
    );
    expect(await ids("kinase distillation")).toEqual([MODEL]);
    expect(await ids("LoRA")).toEqual([]);
  });

  it("is rebuilt with the projection, and verification ignores it", async () => {
    for (const table of ["Node", "Edge", "Job", "Run", "Dataset", "DatasetVersion", "RunDataset", "EventNode"]) db.prepare(`DELETE FROM "${table}"`).run();
    expect(await ids("binding")).toEqual([]);
    await replayLog(storeOver(db));
    expect(await ids("binding affinity")).toContain(MODEL);
    expect((await verifyProjection(storeOver(db))).ok).toBe(true);
  });
});
