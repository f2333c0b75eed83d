import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORY } from "@/lib/demo/drug-discovery";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { buildEventsExport, type ExportQuery } from "@/lib/server/export";
import { verifyExport } from "@/lib/server/export-verify";
import { ingestEvents } from "@/lib/server/ingest";
import { getLineage } from "@/lib/server/lineage";
import { verifyProjection } from "@/lib/server/rebuild";
import { signerFromKey } from "@/lib/server/signing";
import type { LineageGraph } from "@/lib/lineage/types";
import { generateKeyPairSync } from "node:crypto";
import { createTestDatabase, runEvent, ingestDemoStory } from "../support/db";

/**
 * The NDJSON export is re-importable: the events behind a view, ingested into an empty store, give
 * the same view. Two stores, the service functions, no server.
 */

let source: Sqlite;
let cleanupSource: () => void;

beforeAll(async () => {
  ({ db: source, cleanup: cleanupSource } = createTestDatabase());
  await ingestDemoStory(source);
});
afterAll(() => cleanupSource());

/** A view as a person sees it; the neighbour counts are about the whole store, so they are left out. */
function comparable(graph: LineageGraph) {
  return {
    focus: graph.focus,
    truncated: graph.truncated,
    nodes: graph.nodes.map(({ upstreamCount: _u, downstreamCount: _d, ...rest }) => rest),
    edges: graph.edges,
  };
}

async function roundTrip(query: ExportQuery) {
  const exported = await buildEventsExport(storeOver(source), query, null);
  const target = createTestDatabase();
  try {
    const lines = exported.body.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
    const outcomes = await ingestEvents(storeOver(target.db), lines, { sender: "cli" });
    expect(outcomes.filter((o) => o.status !== "created")).toEqual([]);
    expect((await verifyProjection(storeOver(target.db))).ok).toBe(true);
    const lineageQuery = { nodeId: query.node, depth: Number(query.depth ?? 2), direction: query.direction ?? "both", limit: Number(query.limit ?? 500) };
    const original = await getLineage(storeOver(source), lineageQuery);
    const replayed = await getLineage(storeOver(target.db), lineageQuery);
    return { exported, original: comparable(original), replayed: comparable(replayed) };
  } finally {
    target.cleanup();
  }
}

describe("NDJSON export of a view", () => {
  const cases: [string, ExportQuery][] = [
    ["the failed batch's version graph, depth 3", { node: DEMO_STORY.failedBatch, depth: 3, direction: "both", limit: 500 }],
    ["the fine-tuned model's upstream versions, depth 6", { node: DEMO_STORY.fineTunedModelVersions.v3, depth: 6, direction: "upstream", limit: 500 }],
    ["the fine-tuned model's entity graph (with its cycle), depth 2", { node: DEMO_STORY.fineTunedModel, depth: 2, direction: "both", limit: 500 }],
    ["a job's entity graph, depth 1", { node: DEMO_STORY.generateJob, depth: 1, direction: "both", limit: 500 }],
  ];
  for (const [name, query] of cases) {
    it(`round-trips into an empty store to the same graph: ${name}`, async () => {
      const { exported, original, replayed } = await roundTrip(query);
      expect(original.nodes.length).toBeGreaterThan(2);
      expect(replayed).toEqual(original);
      // A view, not the whole log.
      expect(exported.seqs.length).toBeLessThan(119);
    });
  }

  it("writes each event as the canonical text the log hashed, in log order", async () => {
    const { body, seqs } = await buildEventsExport(storeOver(source), cases[0][1], null);
    const payloads = source
      .prepare("SELECT payload FROM Event WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq")
      .all(JSON.stringify(seqs)) as { payload: string }[];
    expect(body).toBe(payloads.map((p) => `${p.payload}\n`).join(""));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it("is pinned to a log head: asOf leaves out later events", async () => {
    const pinned = await buildEventsExport(storeOver(source), { ...cases[2][1], asOf: "60" }, null);
    expect(pinned.seqs.every((s) => s <= 60)).toBe(true);
    expect(pinned.attestation.statement.view.asOf).toBe(60);
    expect(pinned.attestation.statement.head?.seq).toBe(60);
  });

  it("comes with an attestation that verifies the bytes offline", async () => {
    const signer = signerFromKey(generateKeyPairSync("ed25519").privateKey);
    const { body, attestation } = await buildEventsExport(storeOver(source), cases[0][1], signer);
    const options = { attestation: JSON.stringify(attestation), publicKeyPem: signer.publicKeyPem };
    expect(verifyExport(body, options).ok).toBe(true);
    expect(verifyExport(body.replace("2026-11-02", "2026-11-03"), options).ok).toBe(false);
  });

  it("keeps what a run at the view's edge read: the event that created its unnamed input version comes along", async () => {
    const store = createTestDatabase();
    const target = createTestDatabase();
    try {
      const RAW = "0190a1b2-0000-7000-8000-0000000000a1";
      const TRAIN = "0190a1b2-0000-7000-8000-0000000000a2";
      const raw = { namespace: "s3://lake", name: "raw" };
      await ingestEvents(storeOver(store.db),
        [
          runEvent({ runId: RAW, job: "ingest-raw", time: "2026-11-01T08:00:00Z", outputs: [{ ...raw, facets: { version: { datasetVersion: "r1" } } }] }),
          // Reads "raw" without naming a version: the projection resolves it to r1, the latest then.
          runEvent({ runId: TRAIN, job: "train", time: "2026-11-01T09:00:00Z", inputs: [raw], outputs: [{ namespace: "s3://lake", name: "model", facets: { version: { datasetVersion: "m1" } } }] }),
        ],
        { sender: "test" },
      );
      const { body } = await buildEventsExport(storeOver(store.db), { node: "datasetVersion:s3://lake:model:m1", depth: 1, direction: "upstream", limit: 500 }, null);
      await ingestEvents(storeOver(target.db), body.trimEnd().split("\n").map((l) => JSON.parse(l) as unknown), { sender: "cli" });
      const upstreamOfTrain = await getLineage(storeOver(target.db), { nodeId: `run:${TRAIN}`, depth: 1, direction: "upstream", limit: 10 });
      expect(upstreamOfTrain.nodes.map((n) => n.id)).toContain("datasetVersion:s3://lake:raw:r1");
    } finally {
      store.cleanup();
      target.cleanup();
    }
  });
});
