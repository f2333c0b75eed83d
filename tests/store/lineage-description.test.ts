/**
 * How a walk's nodes are described (the store contract, on every backend). A version's kind is its
 * dataset's and a run's its job's, as they are when the answer is read: across a neighbourhood of
 * more than 500 nodes, described in several statements on PostgreSQL, and after a dataset's or
 * job's kind changed once its versions and runs were written. Where reads run side by side, the
 * nodes go out in parts of 500 as they join the walk, the focus with the first of them: a cut
 * neighbourhood takes no statement beyond its parts.
 */
import { describe, expect, it } from "vitest";

import { ingestEvents } from "@/lib/server/ingest";
import { getLineage } from "@/lib/server/lineage";
import type { LineageGraph } from "@/lib/lineage/types";
import type { Queryable } from "@/lib/server/store/types";
import { BACKENDS, testStoreFor } from "../support/stores";

const NS = "s3://kinds-lake";
const PRODUCER = "https://threadline.test/kinds";
const RUNS = 300;
const job = (jobType: string) => ({
  namespace: "kinds-platform",
  name: "generate",
  facets: { jobType: { _producer: PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json", processingType: "BATCH", integration: "SPARK", jobType } },
});
const dataset = (name: string, version: string, datasetType?: string) => ({
  namespace: NS,
  name,
  facets: {
    version: { _producer: PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json", datasetVersion: version },
    ...(datasetType
      ? { datasetType: { _producer: PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetTypeDatasetFacet.json", datasetType } }
      : {}),
  },
});
const time = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();

/** RUNS runs of one job, each reading the one prompt version and writing a version of its own of one output dataset. */
function runEvents(): unknown[] {
  return Array.from({ length: RUNS }, (_, i) => ({
    eventType: "COMPLETE",
    eventTime: time(i),
    producer: PRODUCER,
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    run: { runId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
    job: job("GENERATION"),
    inputs: [dataset("prompts/base", "v1", "PROMPT")],
    outputs: [dataset("generated/answers", `r${i}`, "OUTPUT")],
  }));
}

const FOCUS = `datasetVersion:${NS}:prompts/base:v1`;

/** Each node type's kinds in the neighbourhood (a set each, so one stray kind shows). */
function kindsByType(graph: LineageGraph): Record<string, string[]> {
  const kinds: Record<string, Set<string | null>> = {};
  for (const node of graph.nodes) (kinds[node.type] ??= new Set()).add(node.kind);
  return Object.fromEntries(Object.entries(kinds).map(([type, set]) => [type, [...set].map(String).sort()]));
}

describe.each(BACKENDS)("on %s", (backend) => {
  const t = testStoreFor(backend, async () => {
    const outcomes = await ingestEvents(t.store, runEvents(), { sender: "tests", receivedAt: time(0) });
    expect(outcomes.every((o) => o.status === "created")).toBe(true);
  });
  const neighbourhood = () => getLineage(t.store, { nodeId: FOCUS, depth: 2, direction: "downstream", limit: 2_000 });

  it("gives every version its dataset's kind and every run its job's, across a description of several statements", async () => {
    const graph = await neighbourhood();
    expect(graph.nodes).toHaveLength(1 + 2 * RUNS);
    expect(kindsByType(graph)).toEqual({ datasetVersion: ["output", "prompt"], run: ["generation"] });
    const outputs = graph.nodes.filter((n) => n.type === "datasetVersion" && n.id !== FOCUS);
    expect(outputs).toHaveLength(RUNS);
    expect(outputs.every((n) => n.kind === "output")).toBe(true);
  });

  it.skipIf(backend === "sqlite")("describes a cut neighbourhood in as many statements as it has parts of 500 nodes, the focus among them", async () => {
    for (const [limit, parts] of [
      [300, 1],
      [550, 2],
    ]) {
      let statements = 0;
      const store = t.store;
      const counted: Queryable = {
        dialect: store.dialect,
        all: (sql, params) => {
          if (sql.includes(`JOIN "Node" n ON n."id" = f."value"`)) statements++;
          return store.all(sql, params);
        },
        values: (sql, params) => {
          if (sql.includes(`JOIN "Node" n ON n."id" = f."value"`)) statements++;
          return store.values(sql, params);
        },
        get: (sql, params) => store.get(sql, params),
        run: (sql, params) => store.run(sql, params),
      };
      const graph = await getLineage(counted, { nodeId: FOCUS, depth: 2, direction: "downstream", limit: limit! });
      expect(graph.truncated).toBe(true);
      expect(graph.nodes).toHaveLength(limit!);
      expect(graph.nodes.some((n) => n.id === FOCUS)).toBe(true);
      expect(statements).toBe(parts);
    }
  });

  it("gives the versions and runs written before a dataset's or job's kind changed the new kind", async () => {
    const later = time(RUNS + 1);
    const outcomes = await ingestEvents(
      t.store,
      [
        {
          eventTime: later,
          producer: PRODUCER,
          schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
          dataset: dataset("generated/answers", `r${RUNS - 1}`, "EVAL"),
        },
        {
          eventType: "COMPLETE",
          eventTime: later,
          producer: PRODUCER,
          schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
          run: { runId: "00000000-0000-4000-8000-999999999999" },
          job: job("FINE_TUNING"),
        },
      ],
      { sender: "tests", receivedAt: later },
    );
    expect(outcomes.map((o) => o.status)).toEqual(["created", "created"]);
    const graph = await neighbourhood();
    expect(graph.nodes).toHaveLength(1 + 2 * RUNS);
    expect(kindsByType(graph)).toEqual({ datasetVersion: ["eval", "prompt"], run: ["fine_tuning"] });
  });
});
