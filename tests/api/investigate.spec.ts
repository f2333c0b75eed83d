import { expect, test, type APIRequestContext } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import type { CausesView, FlagImpact, FlagView, Investigation, LineageDiffView, NodeFlags, SyntheticReportView } from "../../lib/lineage/investigate-view";
import type { LineageGraph } from "../../lib/lineage/types";
import { getJson } from "./support/api";

/**
 * Investigating failed outputs over HTTP, against the seeded demo: the failed molecule batch's
 * investigation, the lineage diff, common causes, synthetic share, flags that propagate (through
 * the event log) and as-of views. Flags added here are removed again, because later specs share
 * the server; each flag test removes its own in `finally`.
 */

const S = DEMO_STORY;
const q = encodeURIComponent;
const LAST_PASSING = S.passingBatches[S.passingBatches.length - 1];
const batch = (date: string) => S.failedBatch.replace("2026-11-02", date);

async function addFlag(request: APIRequestContext, body: Record<string, unknown>): Promise<FlagView> {
  const response = await request.post("/api/v1/flags", { data: body });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { flag: FlagView }).flag;
}

async function removeFlag(request: APIRequestContext, flagId: string, reason = "test cleanup"): Promise<FlagView> {
  const response = await request.delete(`/api/v1/flags/${q(flagId)}`, { data: { reason } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { flag: FlagView }).flag;
}

test.describe("GET /api/v1/investigate", () => {
  test("the failed batch: failing checks on top, compared with the most recent passing batch", async ({ request }) => {
    const { status, body } = await getJson<Investigation>(request, `/api/v1/investigate?node=${q(S.failedBatch)}`);
    expect(status).toBe(200);
    expect(body.failure.isFailed).toBe(true);
    expect(body.failure.reasons.map((r) => r.check)).toContain("tox21-alerts");
    expect(body.comparison).toMatchObject({ isDefault: true, b: { id: LAST_PASSING } });
    expect(body.asOf.isRequested).toBe(false);
    const ids = body.graph.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining([S.fineTunedModelVersions.v3, S.syntheticSetVersion, S.biasedAssaysVersion, S.failedBatchRun]));
  });

  test("shows the changed checkpoint, the synthetic batch that entered training and the changed temperature", async ({ request }) => {
    const { body } = await getJson<Investigation>(request, `/api/v1/investigate?node=${q(S.failedBatch)}`);
    const diff = body.diff as LineageDiffView;
    expect(diff.ranked[0]).toMatchObject({ kind: "input-changed", node: S.fineTunedModelVersions.v3, counterpart: S.fineTunedModelVersions.v2 });
    expect(diff.ranked.slice(0, 3).map((r) => r.kind)).toContain("input-added");
    expect(diff.inputs.added.map((x) => x.node)).toContain(S.syntheticSetVersion);
    expect(diff.parameters).toContainEqual(expect.objectContaining({ node: S.failedBatchRun, key: "temperature", a: "1.2", b: "0.9" }));
    expect(diff.marks[S.fineTunedModelVersions.v3]).toBe("changed");
    expect(body.synthetic?.sources[0]).toMatchObject({ node: S.syntheticSetVersion, enteredTraining: [S.finetuneRuns.v3] });
  });

  test("is the graph as of the event that made the batch: as-of a later time does not change it", async ({ request }) => {
    const made = await getJson<Investigation>(request, `/api/v1/investigate?node=${q(S.failedBatch)}`);
    const later = await getJson<Investigation>(request, `/api/v1/investigate?node=${q(S.failedBatch)}&asOf=2026-11-06`);
    expect(later.body.asOf.isRequested).toBe(true);
    expect(later.body.asOf.seq).toBeGreaterThan(made.body.asOf.seq);
    const upstream = (inv: Investigation) => inv.graph.nodes.filter((n) => !(inv.diff?.marks[n.id] === "counterpart" || inv.diff?.marks[n.id] === "removed")).map((n) => n.id).sort();
    expect(upstream(later.body)).toEqual(upstream(made.body));
  });

  test("answers 404 for an unknown node and for an as-of before the node existed, 400 without a node", async ({ request }) => {
    expect((await getJson(request, `/api/v1/investigate?node=${q("datasetVersion:nope:nope:1")}`)).status).toBe(404);
    expect((await getJson(request, `/api/v1/investigate?node=${q(S.failedBatch)}&asOf=2026-10-02`)).status).toBe(404);
    expect((await getJson(request, `/api/v1/investigate`)).status).toBe(400);
  });
});

test.describe("GET /api/v1/diff", () => {
  test("defaults b to the most recent passing output of the same job and returns the documented shape", async ({ request }) => {
    const { status, body } = await getJson<LineageDiffView>(request, `/api/v1/diff?a=${q(S.failedBatch)}`);
    expect(status).toBe(200);
    expect(body.a).toBe(S.failedBatch);
    expect(body.b).toBe(LAST_PASSING);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(["parameters", "inputs", "code", "reasons", "ranked"]));
    expect(Object.keys(body.inputs).sort()).toEqual(["added", "changed", "removed"]);
    expect(body.inputs.changed).toContainEqual(expect.objectContaining({ node: S.fineTunedModel, a: S.fineTunedModelVersions.v3, b: S.fineTunedModelVersions.v2 }));
    expect(body.code).toContainEqual(expect.objectContaining({ node: S.finetuneRuns.v3, counterpart: S.finetuneRuns.v2 }));
    expect(body.reasons.map((r) => r.reason)).toContain("add synthetic augmentation batch gen-1 to training set");
  });

  test("compares with any chosen version: a v3 batch at low temperature differs in prompt and temperature, not checkpoint", async ({ request }) => {
    const { body } = await getJson<LineageDiffView>(request, `/api/v1/diff?a=${q(S.failedBatch)}&b=${q(batch("2026-10-28"))}`);
    expect(body.inputs.changed.map((c) => c.node)).toEqual([S.promptTemplate]);
    expect(body.parameters).toContainEqual(expect.objectContaining({ key: "temperature", a: "1.2", b: "0.8" }));
    expect(body.ranked.some((r) => r.node === S.fineTunedModelVersions.v3)).toBe(false);
  });

  test("a run can be diffed against a run", async ({ request }) => {
    const { status, body } = await getJson<LineageDiffView>(request, `/api/v1/diff?a=${q(S.finetuneRuns.v3)}&b=${q(S.finetuneRuns.v2)}`);
    expect(status).toBe(200);
    expect(body.inputs.added.map((x) => x.node)).toContain(S.syntheticSetVersion);
    expect(body.parameters).toContainEqual(expect.objectContaining({ key: "batch_size", a: "96", b: "64" }));
  });

  test("400 without a, 404 for unknown nodes", async ({ request }) => {
    const missing = await getJson<{ error: { code: string; details: { path: string }[] } }>(request, `/api/v1/diff`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d) => d.path)).toContain("a");
    expect((await getJson(request, `/api/v1/diff?a=${q("run:00000000-0000-4000-8000-000000000000")}`)).status).toBe(404);
  });
});

test.describe("GET /api/v1/investigate/causes", () => {
  test("ranks fine-tuned model v3 first across the generated batches, with the counts behind it", async ({ request }) => {
    const { status, body } = await getJson<CausesView>(request, `/api/v1/investigate/causes?nodeId=${q(S.generatedBatches)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 14, failed: 3, passing: 11 });
    expect(body.causes[0]).toMatchObject({ node: S.fineTunedModelVersions.v3, failedWith: 3, passingWith: 2, failedWithout: 0, passingWithout: 9, rateWithout: 0 });
    expect(body.causes[0].lift).toBeCloseTo(2.8, 2);
    // The link opens the cause with it selected, so its details are in the panel at once.
    expect(body.causes[0].href).toBe(`/lineage?node=${q(S.fineTunedModelVersions.v3)}&selected=${q(S.fineTunedModelVersions.v3)}`);
    // The base model is behind every batch: lift 1, score 0, so it cannot rank first.
    const everywhere = body.causes.find((c) => c.node === S.baseModelVersion || c.alsoPresent.some((x) => x.node === S.baseModelVersion));
    expect(everywhere).toMatchObject({ lift: 1, score: 0 });
  });

  test("takes a job; 404 for an unknown one, 400 without nodeId", async ({ request }) => {
    const job = await getJson<CausesView>(request, `/api/v1/investigate/causes?nodeId=${q(S.generateJob)}`);
    expect(job.body.scope.type).toBe("job");
    expect(job.body.causes[0].node).toBe(S.fineTunedModelVersions.v3);
    expect((await getJson(request, `/api/v1/investigate/causes?nodeId=${q("job:nope:nope")}`)).status).toBe(404);
    expect((await getJson(request, `/api/v1/investigate/causes`)).status).toBe(400);
  });
});

test.describe("GET /api/v1/investigate/synthetic", () => {
  test("fine-tuned model v3 is one feedback generation deep, v2 none", async ({ request }) => {
    const v3 = await getJson<SyntheticReportView>(request, `/api/v1/investigate/synthetic?nodeId=${q(S.fineTunedModelVersions.v3)}`);
    expect(v3.status).toBe(200);
    expect(v3.body).toMatchObject({ isModel: true, generation: 1 });
    expect(v3.body.share).toBeGreaterThan(0);
    expect(v3.body.sources[0]).toMatchObject({ node: S.syntheticSetVersion, isRecordedSynthetic: true });
    expect(v3.body.thresholds).toEqual({ share: 0.5, generations: 2 });
    const v2 = await getJson<SyntheticReportView>(request, `/api/v1/investigate/synthetic?nodeId=${q(S.fineTunedModelVersions.v2)}`);
    expect(v2.body).toMatchObject({ share: 0, generation: 0, warnings: [] });
  });
});

test.describe("flags", () => {
  test("flagging the biased assay set marks the fine-tuned model v3 and the failed batch as affected", async ({ request }) => {
    const before = (await getJson<{ events: number }>(request, "/api/v1/stats")).body.events;
    const flag = await addFlag(request, { node: S.biasedAssaysVersion, kind: "bias", severity: "high", reason: "vendor curve fit inflates pKd", by: "reviewer" });
    try {
      expect(flag).toMatchObject({ kind: "bias", severity: "high", by: "reviewer", isActive: true, node: S.biasedAssaysVersion });
      // The flag is an event in the log, and the chain still verifies.
      expect((await getJson<{ events: number }>(request, "/api/v1/stats")).body.events).toBe(before + 1);
      expect((await getJson<{ ok: boolean }>(request, "/api/v1/audit/verify")).body.ok).toBe(true);

      const impact = await getJson<FlagImpact>(request, `/api/v1/flags/${q(flag.flagId)}`);
      expect(impact.body.summary.models.map((m) => m.id)).toEqual([S.fineTunedModelVersions.v3]);
      expect(impact.body.summary.outputs.map((m) => m.id)).toEqual(expect.arrayContaining(S.failedBatches));
      expect(impact.body.summary.nodes.map((m) => m.id)).not.toContain(S.fineTunedModelVersions.v2);

      const inherited = await getJson<NodeFlags>(request, `/api/v1/investigate/flags?nodeId=${q(S.failedBatch)}`);
      expect(inherited.body.isFlagged).toBe(true);
      expect(inherited.body.inherited[0]).toMatchObject({ flagId: flag.flagId, hops: 3, description: "propagated from assays/kinase-binding-2026q3@delivery-1, 3 hops up" });

      const lineage = await getJson<LineageGraph>(request, `/api/v1/lineage?nodeId=${q(S.failedBatch)}&direction=upstream&depth=6`);
      const flagged = new Set(lineage.body.nodes.filter((n) => n.isFlagged).map((n) => n.id));
      expect(flagged.has(S.failedBatch)).toBe(true);
      expect(flagged.has(S.fineTunedModelVersions.v3)).toBe(true);
      expect(flagged.has(S.promptVersions.p2)).toBe(false);

      const csv = await request.get(`/api/v1/flags/${q(flag.flagId)}/impact.csv`);
      expect(csv.headers()["content-type"]).toContain("text/csv");
      const lines = (await csv.text()).trimEnd().split("\r\n");
      expect(lines[0]).toBe("flag_id,flag_kind,severity,flagged_node,node_id,node_type,name,version,kind,hops,is_failed");
      expect(lines.some((l) => l.includes(S.failedBatch) && l.endsWith(",3,true"))).toBe(true);
    } finally {
      const removed = await removeFlag(request, flag.flagId, "re-measured in house");
      expect(removed).toMatchObject({ isActive: false, removedReason: "re-measured in house" });
    }
    // Removal is recorded, never a deletion: the flag is still listed, inactive, and no longer spreads.
    const all = await getJson<{ flags: FlagView[] }>(request, `/api/v1/flags?includeRemoved=true&node=${q(S.biasedAssaysVersion)}`);
    expect(all.body.flags.find((f) => f.flagId === flag.flagId)).toMatchObject({ isActive: false, removedBy: "anonymous" });
    expect((await getJson<{ flags: FlagView[] }>(request, `/api/v1/flags?node=${q(S.biasedAssaysVersion)}`)).body.flags).toEqual([]);
    expect((await getJson<NodeFlags>(request, `/api/v1/investigate/flags?nodeId=${q(S.failedBatch)}`)).body.isFlagged).toBe(false);
    const again = await request.delete(`/api/v1/flags/${q(flag.flagId)}`);
    expect(again.status()).toBe(410);
  });

  test("marking a passing batch failed (a 'failed' flag) makes it a failed output with the reason; removing it takes it back", async ({ request }) => {
    const node = batch("2026-10-06");
    const flag = await addFlag(request, { node, kind: "failed", severity: "high", reason: "wet-lab retest: 40 % insoluble" });
    try {
      const inv = await getJson<Investigation>(request, `/api/v1/investigate?node=${q(node)}`);
      expect(inv.body.failure.isFailed).toBe(true);
      expect(inv.body.failure.reasons).toContainEqual(expect.objectContaining({ source: "flag", flagId: flag.flagId, message: "wet-lab retest: 40 % insoluble" }));
    } finally {
      await removeFlag(request, flag.flagId);
    }
    const after = await getJson<Investigation>(request, `/api/v1/investigate?node=${q(node)}`);
    expect(after.body.failure.isFailed).toBe(false);
  });

  test("refuses a bad body with the field named, and a flag on something that is not a dataset version", async ({ request }) => {
    const bad = await request.post("/api/v1/flags", { data: { node: S.biasedAssaysVersion, kind: "sloppy", reason: "" } });
    expect(bad.status()).toBe(400);
    const paths = ((await bad.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["kind", "reason"]));
    const notVersion = await request.post("/api/v1/flags", { data: { node: S.biasedAssays, kind: "bias", reason: "r" } });
    expect(notVersion.status()).toBe(404);
    expect((await request.get(`/api/v1/flags/${q("flag-unknown")}`)).status()).toBe(404);
  });
});

test.describe("as-of by time", () => {
  test("the lineage API maps asOf=<ISO time> to the log as it was then; asOf=<seq> still works", async ({ request }) => {
    // The synthetic set fed fine-tuning for the first time on 20 October (v3).
    const url = (asOf?: string) =>
      `/api/v1/lineage?nodeId=${q(S.syntheticSet)}&direction=downstream&depth=1${asOf ? `&asOf=${q(asOf)}` : ""}`;
    const now = await getJson<LineageGraph>(request, url());
    expect(now.body.nodes.map((n) => n.id)).toContain(S.finetuneJob);
    const then = await getJson<LineageGraph>(request, url("2026-10-18T12:00:00Z"));
    expect(then.status).toBe(200);
    expect(then.body.nodes.map((n) => n.id)).not.toContain(S.finetuneJob);
    expect((await getJson<LineageGraph>(request, url("2026-10-18"))).body.nodes.map((n) => n.id)).not.toContain(S.finetuneJob);
    expect((await getJson<LineageGraph>(request, url("1000000"))).body.nodes.map((n) => n.id)).toContain(S.finetuneJob);
    const bad = await getJson<{ error: { code: string; details: { path: string }[] } }>(request, url("last tuesday"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("asOf");
  });
});
