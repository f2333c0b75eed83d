import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "./db";
import { verifyChain } from "./event-log";
import { getFlagPropagation } from "./flags-closure";
import { addFlag, getFlagImpact, getNodeFlags, listFlags, removeFlag } from "./flags";
import { ingestEvents } from "./ingest";
import { getLineage } from "./lineage";
import { verifyProjection } from "./rebuild";
import { ANONYMOUS, type Principal } from "./auth";
import { createTestDatabase, runEvent } from "@/tests/support/db";

/** A writer as the routes see one: an API key by name, or a signed-in admin. */
function key(name: string): Principal {
  return { kind: "api-key", sender: name, keyId: 1, role: "editor", isAdmin: false };
}
function admin(name: string): Principal {
  return { kind: "user", sender: `user:${name}`, userId: 1, username: name, role: "admin", isAdmin: true, sessionHash: "h" };
}

let db: Sqlite;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = createTestDatabase()));
afterEach(() => cleanup());

const NS = "s3://lake";
const ds = (name: string, version: string, type = "TABLE") => ({
  namespace: NS,
  name,
  facets: { version: { datasetVersion: version }, datasetType: { datasetType: type } },
});
const v = (name: string, version: string) => `datasetVersion:${NS}:${name}:${version}`;
const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;

/** assays -> curate -> corpus -> finetune -> model -> generate -> batch; plus an unrelated corpus c0. */
async function seedPipeline() {
  const outcomes = await ingestEvents(storeOver(db),
    [
      runEvent({ runId: RUN(1), job: "curate", time: "2026-10-01T10:00:00Z", inputs: [ds("assays", "d1")], outputs: [ds("corpus", "c1")] }),
      runEvent({ runId: RUN(2), job: "curate", time: "2026-10-01T11:00:00Z", inputs: [ds("assays-old", "a0")], outputs: [ds("corpus", "c0")] }),
      runEvent({ runId: RUN(3), job: "finetune", time: "2026-10-02T10:00:00Z", inputs: [ds("corpus", "c1")], outputs: [ds("model", "v1", "MODEL")] }),
      runEvent({ runId: RUN(4), job: "generate", time: "2026-10-03T10:00:00Z", inputs: [ds("model", "v1", "MODEL")], outputs: [ds("batch", "b1", "OUTPUT")] }),
    ],
    { sender: "test" },
  );
  expect(outcomes.every((o) => o.status === "created")).toBe(true);
}

describe("flags through the event log", () => {
  it("appends a DatasetEvent sent by the writer and projects a Flag row", async () => {
    await seedPipeline();
    const flag = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "vendor curve fit" }, key("api-key:reviewer"));
    expect(flag).toMatchObject({ node: v("assays", "d1"), kind: "bias", severity: "high", by: "api-key:reviewer", isActive: true, nodeLabel: "assays@d1" });
    const event = db.prepare("SELECT kind, sender, payload FROM Event WHERE seq = ?").get(flag.seq) as { kind: string; sender: string; payload: string };
    expect(event.kind).toBe("DatasetEvent");
    expect(event.sender).toBe("api-key:reviewer");
    expect(JSON.parse(event.payload).dataset.facets.threadline_flag).toMatchObject({ flagId: flag.flagId, action: "add", kind: "bias" });
    // The opinion stays off the data's own facets.
    const facets = db.prepare("SELECT facets FROM DatasetVersion WHERE key = ?").get(v("assays", "d1")) as { facets: string };
    expect(facets.facets).not.toContain("threadline_flag");
    expect((await verifyChain(storeOver(db))).ok).toBe(true);
  });

  it("records a demo-mode flag's sender as anonymous with the name typed, not as a bare anonymous", async () => {
    await seedPipeline();
    const flag = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "r", by: "lena.hoffmann" }, ANONYMOUS);
    expect(flag.by).toBe("lena.hoffmann");
    const event = db.prepare("SELECT sender FROM Event WHERE seq = ?").get(flag.seq) as { sender: string };
    expect(event.sender).toBe("anonymous (as lena.hoffmann)");
  });

  it("refuses to flag something that is not a dataset version", async () => {
    await seedPipeline();
    await expect(addFlag(storeOver(db), { action: "add", node: `dataset:${NS}:assays`, kind: "bias", severity: "low", reason: "r" }, key("t"))).rejects.toThrow(/dataset version/);
  });

  it("propagates downstream with hop counts and marks isFlagged in lineage views", async () => {
    await seedPipeline();
    const flag = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "r" }, key("t"));
    const batch = await getNodeFlags(storeOver(db), v("batch", "b1"));
    expect(batch.isFlagged).toBe(true);
    expect(batch.inherited).toEqual([
      expect.objectContaining({ flagId: flag.flagId, hops: 3, description: "propagated from assays@d1, 3 hops up" }),
    ]);
    expect((await getNodeFlags(storeOver(db), v("model", "v1"))).inherited[0].hops).toBe(2);
    expect((await getNodeFlags(storeOver(db), v("corpus", "c0"))).isFlagged).toBe(false);

    const graph = await getLineage(storeOver(db), { nodeId: v("batch", "b1"), depth: 10, direction: "upstream", limit: 100 });
    const flagged = graph.nodes.filter((n) => n.isFlagged).map((n) => n.id).sort();
    expect(flagged).toEqual([v("assays", "d1"), v("batch", "b1"), v("corpus", "c1"), v("model", "v1"), `run:${RUN(1)}`, `run:${RUN(3)}`, `run:${RUN(4)}`].sort());
    const entity = await getLineage(storeOver(db), { nodeId: `dataset:${NS}:model`, depth: 1, direction: "both", limit: 100 });
    expect(entity.nodes.find((n) => n.id === `dataset:${NS}:model`)?.isFlagged).toBe(true);
    expect(entity.nodes.find((n) => n.id === `job:tests:finetune`)?.isFlagged).toBe(true);
  });

  it("marks a dataset or job card flagged only when the latest version or run it shows is", async () => {
    await seedPipeline();
    // corpus@c1 is downstream of the flag, but corpus's latest version is c0 (made later, from
    // other inputs), and curate's latest run is the one that made c0.
    await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "r" }, key("t"));
    const entity = await getLineage(storeOver(db), { nodeId: `dataset:${NS}:corpus`, depth: 1, direction: "both", limit: 100 });
    expect(entity.nodes.find((n) => n.id === `dataset:${NS}:corpus`)).toMatchObject({ version: "c0", isFlagged: false });
    expect(entity.nodes.find((n) => n.id === "job:tests:curate")?.isFlagged).toBe(false);
    expect((await getNodeFlags(storeOver(db), v("corpus", "c1"))).isFlagged).toBe(true);
  });

  it("summarises the impact: the model and the output, nearest first", async () => {
    await seedPipeline();
    const flag = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "r" }, key("t"));
    const { summary } = await getFlagImpact(storeOver(db), flag.flagId);
    expect(summary.models.map((n) => n.id)).toEqual([v("model", "v1")]);
    expect(summary.outputs.map((n) => n.id)).toEqual([v("batch", "b1")]);
    expect(summary.counts).toMatchObject({ models: 1, outputs: 1, runs: 3, versions: 3 });
  });

  it("records a removal instead of deleting: the flag stays, inactive, and stops propagating", async () => {
    await seedPipeline();
    const flag = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "pii", severity: "critical", reason: "emails" }, key("t"));
    const removed = await removeFlag(storeOver(db), { action: "remove", flagId: flag.flagId, reason: "false positive" }, admin("lead"));
    expect(removed).toMatchObject({ isActive: false, removedBy: "user:lead", removedReason: "false positive" });
    expect(removed.removedSeq).toBeGreaterThan(flag.seq);
    expect(await listFlags(storeOver(db))).toEqual([]);
    expect(await listFlags(storeOver(db), { includeRemoved: true })).toHaveLength(1);
    expect((await getNodeFlags(storeOver(db), v("batch", "b1"))).isFlagged).toBe(false);
    // As of before the removal, it was in force.
    expect((await getFlagPropagation(storeOver(db), flag.seq)).flaggedKeys.has(v("batch", "b1"))).toBe(true);
    await expect(removeFlag(storeOver(db), { action: "remove", flagId: flag.flagId }, key("t"))).rejects.toThrow(/already removed/);
    // Its impact is still what it reached while in force.
    expect((await getFlagImpact(storeOver(db), flag.flagId)).summary.outputs.map((n) => n.id)).toEqual([v("batch", "b1")]);
  });

  it("marks a version failed with a 'failed' flag and takes it back on removal", async () => {
    await seedPipeline();
    const flag = await addFlag(storeOver(db), { action: "add", node: v("batch", "b1"), kind: "failed", severity: "high", reason: "wet-lab retest failed" }, key("t"));
    const row = () => db.prepare("SELECT isFailed, failureReasons FROM DatasetVersion WHERE key = ?").get(v("batch", "b1")) as { isFailed: number; failureReasons: string };
    expect(row().isFailed).toBe(1);
    expect(JSON.parse(row().failureReasons)).toEqual([{ source: "flag", flagId: flag.flagId, message: "wet-lab retest failed", by: "t" }]);
    await removeFlag(storeOver(db), { action: "remove", flagId: flag.flagId }, key("t"));
    expect(row()).toEqual({ isFailed: 0, failureReasons: "[]" });
  });

  it("is a function of the log: a replay reproduces flags, removals and failures", async () => {
    await seedPipeline();
    const a = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "r" }, key("t"));
    await addFlag(storeOver(db), { action: "add", node: v("batch", "b1"), kind: "failed", severity: "medium", reason: "r2" }, key("t"));
    await removeFlag(storeOver(db), { action: "remove", flagId: a.flagId }, key("t"));
    expect((await verifyProjection(storeOver(db)))).toEqual({ ok: true });
  });

  it("lets only the flag's creator or an admin remove it, and records the authenticated sender, not a claimed name", async () => {
    await seedPipeline();
    const flag = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "r", by: "someone-else" }, key("reviewer"));
    expect(flag.by).toBe("reviewer");
    await expect(removeFlag(storeOver(db), { action: "remove", flagId: flag.flagId, by: "reviewer" }, key("intruder"))).rejects.toThrow(/Only the flag's creator \(reviewer\) or an admin/);
    expect(await listFlags(storeOver(db))).toHaveLength(1);
    expect(await removeFlag(storeOver(db), { action: "remove", flagId: flag.flagId, by: "nobody" }, key("reviewer"))).toMatchObject({ isActive: false, removedBy: "reviewer" });
  });

  it("in local demo mode (anonymous writers) keeps the name a writer gives", async () => {
    await seedPipeline();
    const anonymous: Principal = { kind: "anonymous", sender: "anonymous", isAdmin: false };
    const flag = await addFlag(storeOver(db), { action: "add", node: v("assays", "d1"), kind: "bias", severity: "high", reason: "r", by: "reviewer" }, anonymous);
    expect(flag.by).toBe("reviewer");
    expect((await removeFlag(storeOver(db), { action: "remove", flagId: flag.flagId }, anonymous)).removedBy).toBe("anonymous");
  });
});
