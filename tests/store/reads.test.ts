// The reads of a store on every backend (the store contract): node details, as-of views, the
// investigate view (diff, causes, synthetic data, flags), the audit log, exports and share
// snapshots answer the same on PostgreSQL as on SQLite for the same rows. The truth is the demo
// story (with a flag added and removed) ingested into SQLite through the write path and read there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_STORY } from "@/lib/demo/drug-discovery";
import { ANONYMOUS } from "@/lib/server/auth";
import { getAuditEvent, listAuditEvents } from "@/lib/server/audit";
import { storeOver } from "@/lib/server/db";
import { buildEventsExport, buildProvExport, PROV_ATTESTATION_ID } from "@/lib/server/export";
import { addFlag, getFlagImpact, getNodeFlags, listFlags, removeFlag } from "@/lib/server/flags";
import { getCauses, getDiff, getInvestigation, getSynthetic, listFailedOutputs } from "@/lib/server/investigate";
import { describeEach, describeEachQuery } from "@/lib/server/lineage";
import { getNodeDetail, getNodeDetailPage } from "@/lib/server/nodes";
import { createShare, getSharedNode, openShare, sharedViewQuery } from "@/lib/server/shares";
import type { Queryable, Store } from "@/lib/server/store/types";
import { readView, resolveViewPoint, storeAt } from "@/lib/server/views";
import { AuditQuerySchema } from "@/lib/schemas/audit";
import { ShareCreateSchema } from "@/lib/schemas/share";
import { parseViewQuery } from "@/lib/schemas/view-query";
import { createTestDatabase, ingestDemoStory } from "../support/db";
import { BACKENDS, LINEAGE_TABLES, storeWithRowsOf } from "../support/stores";

const S = DEMO_STORY;
const source = createTestDatabase();
let sqlite: Store;
let shareToken: string;
beforeAll(async () => {
  await ingestDemoStory(source.db);
  const flag = await addFlag(storeOver(source.db), { action: "add", node: S.biasedAssaysVersion, kind: "bias", severity: "high", reason: "vendor curve fit" }, ANONYMOUS);
  await addFlag(storeOver(source.db), { action: "add", node: S.failedBatch, kind: "failed", severity: "medium", reason: "retest" }, ANONYMOUS);
  await removeFlag(storeOver(source.db), { action: "remove", flagId: flag.flagId, reason: "checked" }, ANONYMOUS);
  sqlite = storeOver(source.db);
  const created = await createShare(sqlite, ShareCreateSchema.parse({ view: { nodeId: S.fineTunedModel, depth: 2 } }), ANONYMOUS, {
    now: new Date("2026-12-01T00:00:00.000Z"),
  });
  shareToken = created.token;
});
afterAll(() => source.cleanup());

/** Everything the API answers about the story, read through one store (volatile fields left out). */
async function readEverything(db: Queryable) {
  const head = (await resolveViewPoint(db, undefined)).seq;
  const points = [undefined, String(Math.floor(head / 3)), String(Math.floor((2 * head) / 3)), "2026-10-20"];
  const views = [];
  for (const asOf of points) {
    for (const node of [S.fineTunedModel, S.failedBatch, S.generateJob, S.syntheticSet]) {
      const query = parseViewQuery(new URLSearchParams({ node, depth: "3", ...(asOf ? { asOf } : {}) }));
      try {
        const { point, graph, store } = await readView(db, query);
        views.push({ node, asOf, point, graph, detail: await getNodeDetail(store, node) });
      } catch (error) {
        views.push({ node, asOf, error: (error as Error).message });
      }
    }
  }
  const earlier = await storeAt(db, await resolveViewPoint(db, String(Math.floor(head / 2))));
  const flags = await listFlags(db, { includeRemoved: true });
  const withoutTimes = <T extends { signedAt?: string }>(s: T) => ({ ...s, signedAt: undefined });
  const prov = await buildProvExport(db, { node: S.failedBatch, depth: 2, direction: "both", limit: 500 }, null);
  const events = await buildEventsExport(db, { node: S.fineTunedModel, depth: 2, direction: "both", limit: 500, asOf: "60" }, null);
  const audit = AuditQuerySchema.parse({ dataset: S.biasedAssays, limit: "20" });
  return {
    views,
    pages: await getNodeDetailPage(db, S.generateJob, "runs", "1", 3),
    earlierDetail: await getNodeDetail(earlier, S.generatedBatches),
    investigation: await getInvestigation(db, S.failedBatch),
    investigationAsOf: await getInvestigation(db, S.failedBatch, { asOf: { seq: head - 5, time: null } }),
    diff: await getDiff(db, S.failedBatch, undefined),
    causes: [await getCauses(db, S.generatedBatches), await getCauses(db, S.generateJob)],
    synthetic: await getSynthetic(db, S.fineTunedModelVersions.v3),
    failed: await listFailedOutputs(db),
    flags,
    nodeFlags: await getNodeFlags(db, S.failedBatch),
    impacts: await Promise.all(flags.map((f) => getFlagImpact(db, f.flagId))),
    // The embedded attestation carries its signing time; its statement is compared without it.
    prov: {
      document: { ...prov.document, entity: Object.fromEntries(Object.entries(prov.document.entity).filter(([id]) => id !== PROV_ATTESTATION_ID)) },
      graph: prov.graph,
      statement: withoutTimes(prov.attestation.statement),
    },
    events: { body: events.body, seqs: events.seqs, statement: withoutTimes(events.attestation.statement) },
    audit: await listAuditEvents(db, audit),
    auditOlder: await listAuditEvents(db, AuditQuerySchema.parse({ limit: "7", before: String(head - 10) })),
    auditEvent: await getAuditEvent(db, 42),
    share: {
      opened: await openShare(db, shareToken),
      query: await sharedViewQuery(db, shareToken),
      node: await getSharedNode(db, shareToken, S.fineTunedModel),
    },
  };
}

describe.each(BACKENDS)("on %s", (backend) => {
  const store = storeWithRowsOf(backend, () => sqlite, [...LINEAGE_TABLES, "Share"]);

  it("answers every read as SQLite does for the same rows, now and as of earlier points", async () => {
    const truth = await readEverything(sqlite);
    // The comparison proves something only if the reads found what the story holds.
    expect(truth.views.filter((v) => "graph" in v).length).toBeGreaterThan(10);
    expect(truth.flags).toHaveLength(2);
    expect(truth.investigation.diff).not.toBeNull();
    expect(truth.audit.events.length).toBeGreaterThan(0);
    expect(truth.share.opened.status).toBe("active");
    expect(await readEverything(store())).toEqual(truth);
  }, 120_000);

  it.skipIf(backend === "sqlite")("describes every node read as arrays exactly as read as objects, now and as of a point", async () => {
    type Row = Record<string, unknown> & { id: number };
    const byId = (rows: readonly Row[]) => [...rows].sort((a, b) => a.id - b.id);
    const ids = (await store().all<{ id: number }>(`SELECT "id" FROM "Node"`)).map((r) => r.id);
    const head = (await resolveViewPoint(store(), undefined)).seq;
    for (const asOfSeq of [undefined, Math.floor(head / 2)]) {
      const q = describeEachQuery(store(), ids, asOfSeq);
      const objects = byId(await store().all<Row>(q.sql, q.params));
      // The comparison proves something only if every type, null and boolean value is among the rows.
      expect(new Set(objects.map((r) => r.type))).toEqual(new Set(["dataset", "job", "datasetVersion", "run"]));
      for (const column of ["versionFailed", "isSynthetic"]) expect(new Set(objects.map((r) => r[column]))).toEqual(new Set([true, false, null]));
      for (const column of ["version", "state"]) expect(objects.some((r) => r[column] === null)).toBe(true);
      expect(byId((await describeEach(store(), ids, asOfSeq)) as unknown as Row[])).toEqual(objects);
    }
  });

  it("reads a view of now with its focus, and answers not_found for a node it does not hold or did not hold yet at the point", async () => {
    const view = (params: Record<string, string>) => readView(store(), parseViewQuery(new URLSearchParams(params)));
    const now = await view({ node: S.fineTunedModel, depth: "1" });
    expect(now.point.isAsOf).toBe(false);
    expect(now.graph.nodes.map((n) => n.id)).toContain(S.fineTunedModel);
    await expect(view({ node: "dataset:nowhere:nothing" })).rejects.toMatchObject({ code: "not_found" });
    await expect(view({ node: S.fineTunedModel, asOf: "1" })).rejects.toMatchObject({ code: "not_found" });
  });
});
