/**
 * The order of a neighbourhood's edges (the store contract, on every backend): by the source's key
 * followed by the target's, as one text, also where one key is a prefix of another (`…:v1` beside
 * `…:v10`), whose edges that text orders by the character after `v1` and not by the keys one by one.
 */
import { describe, expect, it } from "vitest";

import { ingestEvents } from "@/lib/server/ingest";
import { getLineage } from "@/lib/server/lineage";
import type { LineageGraph } from "@/lib/lineage/types";
import { BACKENDS, testStoreFor } from "../support/stores";

const NS = "s3://order-lake";
const PRODUCER = "https://threadline.test/order";
const VERSIONS = 12;
const dataset = (name: string, version: string) => ({
  namespace: NS,
  name,
  facets: { version: { _producer: PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json", datasetVersion: version } },
});
const time = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
const event = (i: number, job: string, inputs: unknown[], outputs: unknown[]) => ({
  eventType: "COMPLETE",
  eventTime: time(i),
  producer: PRODUCER,
  schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  run: { runId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
  job: { namespace: "order-platform", name: job },
  inputs,
  outputs,
});

/**
 * Versions v1…v12 of one corpus, each written by a run that reads the one tokenizer and read by a
 * run of its own: from the tokenizer the corpus's versions are sources of edges, v1 a prefix of v10–v12.
 */
function events(): unknown[] {
  return Array.from({ length: VERSIONS }, (_, i) => [
    event(i, "tokenize", [dataset("tokenizers/bpe", "v1")], [dataset("corpus", `v${i + 1}`)]),
    event(VERSIONS + i, "train", [dataset("corpus", `v${i + 1}`)], [dataset("models/small", `v${i + 1}`)]),
  ]).flat();
}

const orderOf = (graph: LineageGraph) => graph.edges.map((e) => e.source + e.target);

describe.each(BACKENDS)("on %s", (backend) => {
  const t = testStoreFor(backend, async () => {
    const outcomes = await ingestEvents(t.store, events(), { sender: "tests", receivedAt: time(0) });
    expect(outcomes.every((o) => o.status === "created")).toBe(true);
  });

  it("orders edges by their joined keys where one source's key is a prefix of another's", async () => {
    const graph = await getLineage(t.store, { nodeId: `datasetVersion:${NS}:tokenizers/bpe:v1`, depth: 3, direction: "downstream", limit: 500 });
    expect(graph.edges).toHaveLength(3 * VERSIONS);
    const order = orderOf(graph);
    expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : 1)));
    // Meaningful: ordered key by key, v1's edge would come before v10's.
    const v1 = order.findIndex((o) => o.startsWith(`datasetVersion:${NS}:corpus:v1run:`));
    const v10 = order.findIndex((o) => o.startsWith(`datasetVersion:${NS}:corpus:v10run:`));
    expect(v10).toBeGreaterThanOrEqual(0);
    expect(v10).toBeLessThan(v1);
  });

  it("orders edges by their joined keys where no key is a prefix of another", async () => {
    // One hop from v5: its tokenize run and its train run, neither key a prefix of another.
    const graph = await getLineage(t.store, { nodeId: `datasetVersion:${NS}:corpus:v5`, depth: 2, direction: "both", limit: 500 });
    const keys = graph.nodes.map((n) => n.id).sort();
    expect(keys.some((k, i) => i > 0 && k.startsWith(keys[i - 1]!))).toBe(false);
    expect(graph.edges.length).toBeGreaterThanOrEqual(3);
    const order = orderOf(graph);
    expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : 1)));
  });
});
