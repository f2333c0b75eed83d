import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "./db";
import { addFlag, getFlagImpact, removeFlag } from "./flags";
import { ingestEvents } from "./ingest";
import { resolveAsOf, seqAtTime } from "./investigate-asof";
import { getCauses, getDiff, getInvestigation, getSynthetic, madeAtSeq } from "./investigate";
import { getLineage } from "./lineage";
import { buildDrugDiscoveryEvents, DEMO_STORY } from "@/lib/demo/drug-discovery";
import { createTestDatabase } from "@/tests/support/db";
import type { Principal } from "./auth";
import { lineageHref } from "@/lib/lineage/url-state";

const TEST_WRITER: Principal = { kind: "api-key", sender: "test", keyId: 1, role: "editor", isAdmin: false };

let db: Sqlite;
let cleanup: () => void;
beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const outcomes = await ingestEvents(storeOver(db), buildDrugDiscoveryEvents(), { sender: "demo" });
  expect(outcomes.every((o) => o.status === "created")).toBe(true);
});
afterAll(() => cleanup());

const S = DEMO_STORY;

describe("investigating the demo's failed molecule batch", () => {
  it("shows the failing checks and compares with the most recent passing batch by default", async () => {
    const inv = await getInvestigation(storeOver(db), S.failedBatch);
    expect(inv.failure.isFailed).toBe(true);
    expect(inv.failure.reasons.map((r) => r.check)).toContain("tox21-alerts");
    expect(inv.comparison.isDefault).toBe(true);
    expect(inv.comparison.b?.id).toBe(S.passingBatches[S.passingBatches.length - 1]);
  });

  it("finds the changed checkpoint (v3 vs v2), the synthetic set that entered training and the temperature", async () => {
    const { diff } = await getInvestigation(storeOver(db), S.failedBatch);
    expect(diff).not.toBeNull();
    const ranked = diff?.ranked ?? [];
    expect(ranked[0]).toMatchObject({ kind: "input-changed", node: S.fineTunedModelVersions.v3, counterpart: S.fineTunedModelVersions.v2 });
    expect(diff?.inputs.added.map((x) => x.node)).toContain(S.syntheticSetVersion);
    expect(diff?.parameters).toContainEqual(expect.objectContaining({ node: S.failedBatchRun, key: "temperature", a: "1.2", b: "0.9" }));
    expect(diff?.marks[S.fineTunedModelVersions.v3]).toBe("changed");
    expect(diff?.reasons.map((r) => r.reason)).toContain("add synthetic augmentation batch gen-1 to training set");
  });

  it("draws the graph as it was when the batch was made: nothing from later nights", async () => {
    const inv = await getInvestigation(storeOver(db), S.failedBatch);
    expect(inv.asOf.seq).toBe(await madeAtSeq(storeOver(db), S.failedBatch));
    const ids = new Set(inv.graph.nodes.map((n) => n.id));
    expect(ids.has(S.fineTunedModelVersions.v3)).toBe(true);
    expect(ids.has(S.biasedAssaysVersion)).toBe(true);
    // The batch's own evaluation came later; it is not upstream, and not in the graph.
    expect(ids.has(S.failedBatchReport)).toBe(false);
  });

  it("reports the synthetic data behind the batch: one feedback generation through gen-1", async () => {
    const inv = await getInvestigation(storeOver(db), S.failedBatch);
    expect(inv.synthetic?.generation).toBe(1);
    expect(inv.synthetic?.sources[0]).toMatchObject({ node: S.syntheticSetVersion, enteredTraining: [S.finetuneRuns.v3] });
    const v3 = await getSynthetic(storeOver(db), S.fineTunedModelVersions.v3);
    expect(v3).toMatchObject({ isModel: true, generation: 1 });
    expect(v3.share).toBeGreaterThan(0);
    expect(await getSynthetic(storeOver(db), S.fineTunedModelVersions.v2)).toMatchObject({ generation: 0, share: 0 });
  });

  it("answers the diff endpoint's question directly, with labels", async () => {
    const diff = await getDiff(storeOver(db), S.failedBatch, undefined);
    expect(diff.b).toBe(S.passingBatches[S.passingBatches.length - 1]);
    expect(diff.labels[S.fineTunedModelVersions.v3]).toBe("models/binding-affinity-ft@v3");
  });
});

describe("common causes across the generated batches", () => {
  it("ranks fine-tuned model v3 first; factors behind every batch score 0", async () => {
    const causes = await getCauses(storeOver(db), S.generatedBatches);
    expect(causes).toMatchObject({ total: 14, failed: 3, passing: 11 });
    expect(causes.causes[0]).toMatchObject({ node: S.fineTunedModelVersions.v3, failedWith: 3, passingWith: 2, kind: "checkpoint" });
    expect(causes.causes[0].alsoPresent.map((x) => x.node)).toEqual(expect.arrayContaining([S.syntheticSetVersion, S.biasedAssaysVersion]));
    const everywhere = causes.causes.find((c) => c.node === S.baseModelVersion || c.alsoPresent.some((x) => x.node === S.baseModelVersion));
    expect(everywhere?.lift).toBe(1);
    expect(causes.causes[0].href).toBe(lineageHref(S.fineTunedModelVersions.v3));
  });

  it("takes a job: its runs are the outcomes", async () => {
    const causes = await getCauses(storeOver(db), S.generateJob);
    expect(causes.scope.type).toBe("job");
    expect(causes.failed).toBe(3);
    expect(causes.causes[0].node).toBe(S.fineTunedModelVersions.v3);
  });
});

describe("flagging the biased assay set", () => {
  it("marks the fine-tuned model v3 and the failed batch as affected, not v2", async () => {
    const flag = await addFlag(storeOver(db), { action: "add", node: S.biasedAssaysVersion, kind: "bias", severity: "high", reason: "vendor curve fit" }, TEST_WRITER);
    try {
      const { summary } = await getFlagImpact(storeOver(db), flag.flagId);
      expect(summary.models.map((m) => m.id)).toContain(S.fineTunedModelVersions.v3);
      expect(summary.models.map((m) => m.id)).not.toContain(S.fineTunedModelVersions.v2);
      expect(summary.outputs.map((m) => m.id)).toEqual(expect.arrayContaining(S.failedBatches));
      expect(summary.nodes.find((n) => n.id === S.failedBatch)?.hops).toBe(3);
      const inv = await getInvestigation(storeOver(db), S.failedBatch);
      expect(inv.flags.inherited[0].description).toBe("propagated from assays/kinase-binding-2026q3@delivery-1, 3 hops up");
    } finally {
      await removeFlag(storeOver(db), { action: "remove", flagId: flag.flagId }, TEST_WRITER);
    }
  });
});

describe("as-of by time", () => {
  it("maps a time to the end of the log prefix before it, and a date to the end of that day", async () => {
    const before = await seqAtTime(storeOver(db), "2026-10-19T00:00:00.000Z");
    const graph = await getLineage(storeOver(db), { nodeId: S.fineTunedModel, depth: 1, direction: "downstream", limit: 100, asOfSeq: before });
    expect(graph.nodes.map((n) => n.id)).not.toContain(S.syntheticSet);
    expect((await resolveAsOf(storeOver(db), "2026-10-18"))?.seq).toBe(before);
    expect(await resolveAsOf(storeOver(db), "12")).toEqual({ seq: 12, time: expect.any(String) });
    await expect(resolveAsOf(storeOver(db), "yesterday")).rejects.toThrow(/asOf/);
    expect(await resolveAsOf(storeOver(db), "")).toBeUndefined();
  });

  it("refuses an investigation as of a time before the node existed", async () => {
    await expect(getInvestigation(storeOver(db), S.failedBatch, { asOf: { seq: 3, time: null } })).rejects.toThrow(/did not exist yet/);
  });
});
