// The audit log's reads on every backend (the store contract): job and dataset filters take a bare
// name, namespace:name or a node id; a name that fits no node or several is a bad request naming
// the field; one record reads with what its own bytes prove and its neighbours in the chain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildDrugDiscoveryEvents, DEMO_NAMESPACES, DEMO_STORY } from "@/lib/demo/drug-discovery";
import { getAuditEventDetail, listAuditEvents } from "@/lib/server/audit";
import { storeOver } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { ingestEvents } from "@/lib/server/ingest";
import { AuditQuerySchema } from "@/lib/schemas/audit";
import { createTestDatabase, runEvent } from "../support/db";
import { BACKENDS, storeWithRowsOf } from "../support/stores";

const TRAIN_A = "0190a1b2-0000-7000-8000-0000000000a1";
const TRAIN_B = "0190a1b2-0000-7000-8000-0000000000a2";

// The demo story, plus two jobs called "train" in two namespaces.
const source = createTestDatabase();
let total = 0;
beforeAll(async () => {
  const outcomes = await ingestEvents(
    storeOver(source.db),
    [...buildDrugDiscoveryEvents(), runEvent({ runId: TRAIN_A, job: "train" }), { ...runEvent({ runId: TRAIN_B, job: "train" }), job: { namespace: "tests-b", name: "train" } }],
    { sender: "demo", receivedAt: "2026-11-24T00:00:00.000Z" },
  );
  expect(outcomes.every((o) => o.status === "created")).toBe(true);
  total = outcomes.length;
});
afterAll(() => source.cleanup());

describe.each(BACKENDS)("on %s", (backend) => {
  const store = storeWithRowsOf(backend, () => storeOver(source.db));
  const seqs = async (params: Record<string, string>) => (await listAuditEvents(store(), AuditQuerySchema.parse({ limit: "200", ...params }))).events.map((e) => e.seq);
  const problem = async (params: Record<string, string>) => {
    const error = await listAuditEvents(store(), AuditQuerySchema.parse(params)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("bad_request");
    return (error as AppError).details;
  };

  it("filters by a job given by bare name, by namespace:name or by id, alike", async () => {
    const byId = await seqs({ job: DEMO_STORY.finetuneJob });
    expect(byId.length).toBeGreaterThan(2);
    expect(await seqs({ job: "finetune-binding-model" })).toEqual(byId);
    expect(await seqs({ job: `${DEMO_NAMESPACES.jobs}:finetune-binding-model` })).toEqual(byId);
  });

  it("filters by a dataset given by bare name or namespace:name, even when the namespace holds a colon", async () => {
    const byId = await seqs({ dataset: DEMO_STORY.fineTunedModel });
    expect(byId.length).toBeGreaterThan(2);
    expect(await seqs({ dataset: "models/binding-affinity-ft" })).toEqual(byId);
    expect(await seqs({ dataset: `${DEMO_NAMESPACES.models}:models/binding-affinity-ft` })).toEqual(byId);
    // A version's id narrows to the events that touched that version.
    const v3 = await seqs({ dataset: DEMO_STORY.fineTunedModelVersions.v3 });
    expect(v3.length).toBeGreaterThan(0);
    expect(v3.every((seq) => byId.includes(seq))).toBe(true);
  });

  it("says which namespaces a name shared by several jobs is in, and takes namespace:name to choose", async () => {
    expect(await problem({ job: "train" })).toEqual([{ path: "job", message: expect.stringMatching(/several namespaces \(tests:train, tests-b:train\)/) }]);
    expect(await seqs({ job: "tests-b:train" })).toEqual([total]);
    expect(await seqs({ job: "tests:train" })).toEqual([total - 1]);
  });

  it("names the field when no job or dataset has the name, but an unknown id is only a node without events", async () => {
    expect(await problem({ dataset: "models/no-such-model" })).toEqual([{ path: "dataset", message: expect.stringContaining("no dataset is named “models/no-such-model”") }]);
    // A job's name is not a dataset's.
    expect((await problem({ dataset: "finetune-binding-model" }))[0].path).toBe("dataset");
    expect(await seqs({ job: "job:nowhere:nothing" })).toEqual([]);
  });

  it("reads one record with its own hashes holding and its neighbours in the chain", async () => {
    const middle = await getAuditEventDetail(store(), 5);
    expect(middle.checks).toEqual({ contentHashHolds: true, chainHashHolds: true, linkHolds: true });
    expect([middle.previousSeq, middle.nextSeq]).toEqual([4, 6]);
    expect(middle.event.nodes.length).toBeGreaterThan(0);
    expect(middle.event.payload).toMatchObject({ eventTime: expect.any(String) });
    const first = await getAuditEventDetail(store(), 1);
    expect([first.previousSeq, first.checks.linkHolds]).toEqual([null, true]);
    expect((await getAuditEventDetail(store(), total)).nextSeq).toBeNull();
    await expect(getAuditEventDetail(store(), total + 1)).rejects.toMatchObject({ code: "not_found" });
  });
});
