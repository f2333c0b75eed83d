import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectError, getJson, postEvent, uniqueNamespace, type JsonObject } from "./support/api";

/**
 * GET /api/v1/column-lineage in Marquez's shape, over the demo's real Airflow column-lineage events
 * (compat-airflow: GCS files -> BigQuery upload -> upload_cp -> result.csv) and events of its own
 * with nested fields and ':' in names; the schema in node details; Changes' retyped fields.
 */

interface InputField {
  namespace: string;
  dataset: string;
  field: string;
  transformationDescription: string | null;
  transformationType: string | null;
  transformations: { type: string; subtype: string | null; description: string | null; masking: boolean }[];
}
interface FieldNode {
  id: string;
  type: string;
  data: { namespace: string; dataset: string; datasetVersion: string | null; field: string; fieldType: string | null; inputFields: InputField[] };
  inEdges: { origin: string; destination: string }[];
  outEdges: { origin: string; destination: string }[];
}
interface Answer {
  graph: FieldNode[];
  truncated: boolean;
}

const UPLOAD_A = "datasetField:bigquery:mock-project.test.upload:a";
const RESULT_A = "datasetField:gs://mock-bucket:result.csv:a";

function url(nodeId: string, params: Record<string, string | number | boolean> = {}): string {
  const query = new URLSearchParams({ nodeId, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  return `/api/v1/column-lineage?${query}`;
}

const ids = (a: Answer) => a.graph.map((n) => n.id);

test.describe("GET /api/v1/column-lineage", () => {
  test("one field upstream: its sources and theirs, with the transformation, in Marquez's shape", async ({ request }) => {
    const { status, body } = await getJson<Answer>(request, url(RESULT_A));
    expect(status).toBe(200);
    expect(ids(body)).toEqual([
      "datasetField:bigquery:mock-project.test.upload:a",
      "datasetField:bigquery:mock-project.test.upload_cp:a",
      "datasetField:gs://mock-bucket:copied.csv:a",
      RESULT_A,
      "datasetField:gs://mock-bucket:test.csv:a",
    ]);
    const result = body.graph.find((n) => n.id === RESULT_A)!;
    expect(result).toMatchObject({
      type: "DATASET_FIELD",
      data: { namespace: "gs://mock-bucket", dataset: "result.csv", field: "a", fieldType: "INTEGER" },
      inEdges: [{ origin: "datasetField:bigquery:mock-project.test.upload_cp:a", destination: RESULT_A }],
      outEdges: [],
    });
    expect(result.data.inputFields).toEqual([
      { namespace: "bigquery", dataset: "mock-project.test.upload_cp", field: "a", transformationDescription: "identical", transformationType: "IDENTITY", transformations: [] },
    ]);
    expect(body.truncated).toBe(false);
  });

  test("downstream only when asked: withDownstream=true adds the fields a field flows into", async ({ request }) => {
    const up = await getJson<Answer>(request, url(UPLOAD_A));
    expect(ids(up.body)).not.toContain(RESULT_A);
    const both = await getJson<Answer>(request, url(UPLOAD_A, { withDownstream: true }));
    expect(ids(both.body)).toContain(RESULT_A);
    expect(ids(both.body)).toContain("datasetField:gs://mock-bucket:copied.csv:a");
  });

  test("depth bounds the walk, and the node budget cuts it with truncated", async ({ request }) => {
    const one = await getJson<Answer>(request, url(RESULT_A, { depth: 1 }));
    expect(ids(one.body)).toEqual(["datasetField:bigquery:mock-project.test.upload_cp:a", RESULT_A]);
    const zero = await getJson<Answer>(request, url(RESULT_A, { depth: 0 }));
    expect(ids(zero.body)).toEqual([RESULT_A]);
    const cut = await getJson<Answer>(request, url(RESULT_A, { limit: 2 }));
    expect(cut.body.graph).toHaveLength(2);
    expect(cut.body.truncated).toBe(true);
  });

  test("a whole dataset: every field of it, with its upstream", async ({ request }) => {
    const { status, body } = await getJson<Answer>(request, url("dataset:bigquery:mock-project.test.upload_cp", { depth: 1 }));
    expect(status).toBe(200);
    const own = body.graph.filter((n) => n.data.dataset === "mock-project.test.upload_cp").map((n) => n.data.field);
    expect(own).toEqual(["a", "b", "c", "d"]);
    expect(body.graph.filter((n) => n.data.dataset === "mock-project.test.upload")).toHaveLength(4);
  });

  test("unknown nodes are 404 and bad parameters 400, with the usual error body", async ({ request }) => {
    expectError(await getJson(request, url("datasetField:bigquery:mock-project.test.upload:nope")), 404, "not_found");
    expectError(await getJson(request, url("dataset:nowhere:nothing")), 404, "not_found");
    const badDepth = expectError(await getJson(request, url(UPLOAD_A, { depth: 51 })), 400, "bad_request");
    expect(badDepth.map((d) => d.path)).toContain("depth");
    const badNode = expectError(await getJson(request, url("job:x:y")), 400, "bad_request");
    expect(badNode.map((d) => d.path)).toContain("nodeId");
    expectError(await getJson(request, "/api/v1/column-lineage"), 400, "bad_request");
  });

  test("nested fields and field names with ':' from 1-2-0 facets, transformations and masking included", async ({ request }) => {
    const ns = uniqueNamespace("columns");
    const facet = (schemaURL: string, body: JsonObject) => ({ _producer: "https://github.com/threadline/tests/api", _schemaURL: schemaURL, ...body });
    const event = {
      eventType: "COMPLETE",
      eventTime: new Date().toISOString(),
      run: { runId: randomUUID() },
      job: { namespace: ns, name: "features" },
      producer: "https://github.com/threadline/tests/api",
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
      inputs: [
        {
          namespace: ns,
          name: "patients",
          facets: {
            schema: facet("https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", {
              fields: [{ name: "id", type: "string" }, { name: "address", type: "struct", fields: [{ name: "city", type: "string" }] }],
            }),
          },
        },
      ],
      outputs: [
        {
          namespace: ns,
          name: "features:v2",
          facets: {
            schema: facet("https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", { fields: [{ name: "patient:key", type: "string" }, { name: "city", type: "string" }] }),
            columnLineage: facet("https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json", {
              fields: {
                "patient:key": { inputFields: [{ namespace: ns, name: "patients", field: "id", transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description: "sha256(id)", masking: true }] }] },
                city: { inputFields: [{ namespace: ns, name: "patients", field: "address.city", transformations: [{ type: "DIRECT", subtype: "IDENTITY" }] }] },
              },
            }),
          },
        },
      ],
    };
    expect((await postEvent(request, event)).status).toBe(201);

    const key = `datasetField:${ns}:features:v2:patient:key`;
    const { status, body } = await getJson<Answer>(request, url(key));
    expect(status).toBe(200);
    expect(ids(body)).toEqual([`datasetField:${ns}:features:v2:patient:key`, `datasetField:${ns}:patients:id`]);
    expect(body.graph[0].data).toMatchObject({ dataset: "features:v2", field: "patient:key", fieldType: "string" });
    expect(body.graph[0].data.inputFields).toEqual([
      { namespace: ns, dataset: "patients", field: "id", transformationDescription: "sha256(id)", transformationType: "DIRECT", transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description: "sha256(id)", masking: true }] },
    ]);

    const nested = await getJson<Answer>(request, url(`datasetField:${ns}:patients:address.city`, { withDownstream: true }));
    expect(ids(nested.body)).toEqual([`datasetField:${ns}:features:v2:city`, `datasetField:${ns}:patients:address.city`]);

    // The dataset's details carry its schema, nested fields by path.
    const detail = await getJson<{ schema: { name: string; type: string | null }[] }>(request, `/api/v1/nodes/${encodeURIComponent(`dataset:${ns}:patients`)}`);
    expect(detail.body.schema.map((f) => `${f.name}:${f.type}`)).toEqual(["id:string", "address:struct", "address.city:string"]);
  });

  test("Changes between two versions of a dataset list its added, removed and retyped fields", async ({ request }) => {
    const ns = uniqueNamespace("schema-change");
    const version = (fields: JsonObject[], v: string, time: string) => ({
      eventType: "COMPLETE",
      eventTime: time,
      run: { runId: randomUUID() },
      job: { namespace: ns, name: "build" },
      producer: "https://github.com/threadline/tests/api",
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
      inputs: [],
      outputs: [
        {
          namespace: ns,
          name: "features",
          facets: {
            version: { _producer: "https://github.com/threadline/tests/api", _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json", datasetVersion: v },
            schema: { _producer: "https://github.com/threadline/tests/api", _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", fields },
          },
        },
      ],
    });
    await postEvent(request, version([{ name: "id", type: "string" }, { name: "dose_mg", type: "float" }, { name: "site", type: "string" }], "v1", "2026-11-01T10:00:00Z"));
    await postEvent(request, version([{ name: "id", type: "string" }, { name: "dose_mg", type: "string" }, { name: "arm", type: "string" }], "v2", "2026-11-02T10:00:00Z"));
    const { body } = await getJson<{ changes: { label: string; schemaChanges: { added: string[]; removed: string[]; retyped: { field: string; from: string; to: string }[] } }[] }>(
      request,
      `/api/v1/nodes/${encodeURIComponent(`dataset:${ns}:features`)}`,
    );
    expect(body.changes[0]).toMatchObject({ label: "v2", schemaChanges: { added: ["arm"], removed: ["site"], retyped: [{ field: "dose_mg", from: "float", to: "string" }] } });
  });

  test("impact: everything downstream of a field with hops, datasets onward through the dataset graph, as JSON and CSV", async ({ request }) => {
    const { status, body } = await getJson<{ fields: { id: string; hops: number }[]; datasets: { id: string; kind: string; hops: number; via: string }[] }>(
      request,
      `/api/v1/column-lineage/impact?${new URLSearchParams({ nodeId: "datasetField:gs://mock-bucket:copied.csv:a" })}`,
    );
    expect(status).toBe(200);
    expect(body.fields.map((f) => `${f.id}@${f.hops}`)).toEqual([
      "datasetField:bigquery:mock-project.test.upload:a@1",
      "datasetField:bigquery:mock-project.test.upload_cp:a@2",
      "datasetField:gs://mock-bucket:result.csv:a@3",
    ]);
    expect(body.datasets.map((d) => `${d.id}@${d.hops}:${d.via}`)).toEqual([
      "dataset:bigquery:mock-project.test.upload@1:column",
      "dataset:bigquery:mock-project.test.upload_cp@2:column",
      "dataset:gs://mock-bucket:result.csv@3:column",
    ]);
    const csv = await request.get(`/api/v1/column-lineage/impact?${new URLSearchParams({ nodeId: "datasetField:gs://mock-bucket:copied.csv:a", format: "csv" })}`);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect(csv.headers()["content-disposition"]).toContain("attachment");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toEqual([
      "kind,namespace,dataset,field,hops,via,id",
      "field,bigquery,mock-project.test.upload,a,1,column,datasetField:bigquery:mock-project.test.upload:a",
      "field,bigquery,mock-project.test.upload_cp,a,2,column,datasetField:bigquery:mock-project.test.upload_cp:a",
      "field,gs://mock-bucket,result.csv,a,3,column,datasetField:gs://mock-bucket:result.csv:a",
      "data,bigquery,mock-project.test.upload,,1,column,dataset:bigquery:mock-project.test.upload",
      "data,bigquery,mock-project.test.upload_cp,,2,column,dataset:bigquery:mock-project.test.upload_cp",
      "data,gs://mock-bucket,result.csv,,3,column,dataset:gs://mock-bucket:result.csv",
    ]);
    expectError(await getJson(request, `/api/v1/column-lineage/impact?nodeId=${encodeURIComponent("dataset:bigquery:x")}`), 400, "bad_request");
    expectError(await getJson(request, `/api/v1/column-lineage/impact?nodeId=${encodeURIComponent("datasetField:bigquery:x:y")}`), 404, "not_found");
  });

  test("impact goes on through the dataset graph where column lineage stops: the model trained on a feature table", async ({ request }) => {
    const ns = uniqueNamespace("impact");
    const base = { producer: "https://github.com/threadline/tests/api", schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent", eventType: "COMPLETE" };
    const features = {
      ...base,
      eventTime: new Date().toISOString(),
      run: { runId: randomUUID() },
      job: { namespace: ns, name: "featurise" },
      inputs: [{ namespace: ns, name: "patients" }],
      outputs: [
        {
          namespace: ns,
          name: "features",
          facets: {
            columnLineage: {
              _producer: "https://github.com/threadline/tests/api",
              _schemaURL: "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
              fields: { pid_hash: { inputFields: [{ namespace: ns, name: "patients", field: "patient_id", transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", masking: true }] }] } },
            },
          },
        },
      ],
    };
    const train = { ...base, eventTime: new Date().toISOString(), run: { runId: randomUUID() }, job: { namespace: ns, name: "train" }, inputs: [{ namespace: ns, name: "features" }], outputs: [{ namespace: ns, name: "model", facets: { datasetType: { _producer: "https://github.com/threadline/tests/api", _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetTypeDatasetFacet.json", datasetType: "MODEL" } } }] };
    expect((await postEvent(request, features)).status).toBe(201);
    expect((await postEvent(request, train)).status).toBe(201);
    const { body } = await getJson<{ datasets: { id: string; kind: string; hops: number; via: string }[] }>(
      request,
      `/api/v1/column-lineage/impact?${new URLSearchParams({ nodeId: `datasetField:${ns}:patients:patient_id` })}`,
    );
    expect(body.datasets).toEqual([
      { id: `dataset:${ns}:features`, namespace: ns, name: "features", kind: "data", hops: 1, via: "column" },
      { id: `dataset:${ns}:model`, namespace: ns, name: "model", kind: "model", hops: 2, via: "dataset" },
    ]);
    const fields = await getJson<{ datasets: Record<string, { field: string; hasLineage: boolean; isMasked: boolean }[]> }>(
      request,
      `/api/v1/column-lineage/fields?${new URLSearchParams([["dataset", `dataset:${ns}:features`], ["dataset", `dataset:${ns}:patients`]])}`,
    );
    expect(fields.body.datasets[`dataset:${ns}:features`]).toEqual([{ id: `datasetField:${ns}:features:pid_hash`, field: "pid_hash", type: null, hasLineage: true, isMasked: true }]);
    expect(fields.body.datasets[`dataset:${ns}:patients`]).toEqual([{ id: `datasetField:${ns}:patients:patient_id`, field: "patient_id", type: null, hasLineage: false, isMasked: false }]);
  });
});
