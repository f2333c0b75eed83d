// Column lineage on every backend: the column projection's statements (written once for the Store)
// and the column-lineage reads give the same answers on SQLite and PostgreSQL.
import { storeOver } from "@/lib/server/db";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getColumnLineage, getVersionSchema } from "@/lib/server/column-lineage";
import { ColumnRows } from "@/lib/server/columns-projection";
import { ingestEvents } from "@/lib/server/ingest";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import type { ColumnLineageGraph } from "@/lib/lineage/columns";
import { createTestDatabase } from "../support/db";
import { BACKENDS, copyLineageTables, testStoreFor } from "../support/stores";

const AIRFLOW = path.resolve(import.meta.dirname, "../fixtures/openlineage/events/compat-airflow");
const events = fs
  .readdirSync(AIRFLOW)
  .filter((f) => /^line_\d+\.json$/.test(f))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(AIRFLOW, f), "utf8")) as Record<string, unknown>);

const UPLOAD_A = "datasetField:bigquery:mock-project.test.upload:a";
const query = (nodeId: string, depth = 20, withDownstream = false, limit = 300) => ({ nodeId, depth, withDownstream, limit });

const source = createTestDatabase();
let truth: ColumnLineageGraph;
beforeAll(async () => {
  const outcomes = await ingestEvents(storeOver(source.db), events, { sender: "test", receivedAt: "2026-11-24T00:00:00.000Z" });
  expect(outcomes.every((o) => o.status === "created")).toBe(true);
  truth = await getColumnLineage(sqliteStore(source.db), query(UPLOAD_A, 20, true));
});
afterAll(() => source.cleanup());

describe("the column lineage's truth", () => {
  it("walks one field upstream and downstream in Marquez's shape", async () => {
    expect(truth.graph.map((n) => n.id)).toEqual([
      "datasetField:bigquery:mock-project.test.upload:a",
      "datasetField:bigquery:mock-project.test.upload_cp:a",
      "datasetField:gs://mock-bucket:copied.csv:a",
      "datasetField:gs://mock-bucket:result.csv:a",
      "datasetField:gs://mock-bucket:test.csv:a",
    ]);
    const node = truth.graph[0];
    expect(node).toMatchObject({
      type: "DATASET_FIELD",
      data: { namespace: "bigquery", dataset: "mock-project.test.upload", field: "a", fieldType: "INTEGER", datasetVersion: "01936893-9751-7b3c-8f76-8ac6d0e5f8a3" },
      inEdges: [
        { origin: "datasetField:gs://mock-bucket:copied.csv:a", destination: UPLOAD_A },
        { origin: "datasetField:gs://mock-bucket:test.csv:a", destination: UPLOAD_A },
      ],
      outEdges: [{ origin: UPLOAD_A, destination: "datasetField:bigquery:mock-project.test.upload_cp:a" }],
    });
    expect(node.data.inputFields).toEqual([
      { namespace: "gs://mock-bucket", dataset: "copied.csv", field: "a", transformationDescription: "identical", transformationType: "IDENTITY", transformations: [] },
      { namespace: "gs://mock-bucket", dataset: "test.csv", field: "a", transformationDescription: "identical", transformationType: "IDENTITY", transformations: [] },
    ]);
    expect(truth.truncated).toBe(false);
  });
});

describe.each(BACKENDS)("on %s", (backend) => {
  const t = testStoreFor(backend, async () => {
    await copyLineageTables(sqliteStore(source.db), t.store);
  });

  it("answers the same graph for the same rows", async () => {
    expect(await getColumnLineage(t.store, query(UPLOAD_A, 20, true))).toEqual(truth);
  });

  it("walks upstream only unless asked for downstream, and stops at the depth", async () => {
    const up = await getColumnLineage(t.store, query("datasetField:gs://mock-bucket:result.csv:a"));
    expect(up.graph.map((n) => n.data.dataset)).toEqual(["mock-project.test.upload", "mock-project.test.upload_cp", "copied.csv", "result.csv", "test.csv"]);
    const oneHop = await getColumnLineage(t.store, query("datasetField:gs://mock-bucket:result.csv:a", 1));
    expect(oneHop.graph.map((n) => n.data.dataset)).toEqual(["mock-project.test.upload_cp", "result.csv"]);
    const noDownstream = await getColumnLineage(t.store, query(UPLOAD_A));
    expect(noDownstream.graph.map((n) => n.data.dataset)).not.toContain("result.csv");
  });

  it("answers every field of a dataset, and cuts at the node budget", async () => {
    const all = await getColumnLineage(t.store, query("dataset:bigquery:mock-project.test.upload_cp", 0));
    expect(all.graph.map((n) => n.data.field)).toEqual(["a", "b", "c", "d"]);
    const cut = await getColumnLineage(t.store, query("dataset:bigquery:mock-project.test.upload_cp", 5, true, 6));
    expect(cut.graph).toHaveLength(6);
    expect(cut.truncated).toBe(true);
  });

  it("is a 404 for an unknown field or dataset and a 400 for another kind of node", async () => {
    await expect(getColumnLineage(t.store, query("datasetField:bigquery:mock-project.test.upload:zz"))).rejects.toMatchObject({ code: "not_found" });
    await expect(getColumnLineage(t.store, query("dataset:nowhere:nothing"))).rejects.toMatchObject({ code: "not_found" });
    await expect(getColumnLineage(t.store, query("job:ns:x"))).rejects.toMatchObject({ code: "bad_request" });
  });
});

// A store of its own (the copied rows above leave PostgreSQL's id sequences behind).
describe.each(BACKENDS)("the column projection's statements on %s", (backend) => {
  const t = testStoreFor(backend);

  it("writes the column projection's statements (nested paths, ':' in names) and reads them back", async () => {
    const target = { namespace: "lake", name: "t:1", datasetKey: "dataset:lake:t:1", versionKey: "datasetVersion:lake:t:1:v1", runId: null };
    const facets = {
      schema: { fields: [{ name: "a:b", type: "int" }, { name: "address", type: "struct", fields: [{ name: "city", type: "string" }] }] },
      columnLineage: { fields: { "a:b": { inputFields: [{ namespace: "lake", name: "src", field: "address.city", transformations: [{ type: "DIRECT", subtype: "IDENTITY", masking: true }] }] } } },
    };
    const project = (seq: number) =>
      t.store.transaction(async (tx) => {
        const rows = new ColumnRows();
        await rows.project(tx, seq, target, facets, { isStored: true });
        await rows.flush(tx);
      });
    await project(900);
    // Again: a retry of the same facts changes nothing.
    await project(901);
    expect(await getVersionSchema(t.store, target.versionKey)).toEqual([
      { field: "a:b", type: "int", description: null },
      { field: "address", type: "struct", description: null },
      { field: "address.city", type: "string", description: null },
    ]);
    const g = await getColumnLineage(t.store, query("datasetField:lake:t:1:a:b"));
    expect(g.graph.map((n) => n.id)).toEqual(["datasetField:lake:src:address.city", "datasetField:lake:t:1:a:b"]);
    expect(g.graph[1].data.inputFields[0].transformations).toEqual([{ type: "DIRECT", subtype: "IDENTITY", description: null, masking: true }]);
  });
});
