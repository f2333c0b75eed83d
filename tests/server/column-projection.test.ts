import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "@/lib/server/db";
import type { Queryable } from "@/lib/server/store/types";
import { ingestEvents } from "@/lib/server/ingest";
import { storeAsOf } from "@/lib/server/as-of-store";
import { getVersionSchema } from "@/lib/server/column-lineage";
import { projectionSnapshot, replayLog, verifyProjection } from "@/lib/server/rebuild";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import { createTestDatabase, runEvent } from "../support/db";

const AIRFLOW = path.resolve(import.meta.dirname, "../fixtures/openlineage/events/compat-airflow");
const airflowEvents = () =>
  fs
    .readdirSync(AIRFLOW)
    .filter((f) => /^line_\d+\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(AIRFLOW, f), "utf8")) as Record<string, unknown>);

let db: Sqlite;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = createTestDatabase()));
afterEach(() => cleanup());

async function ingest(events: Record<string, unknown>[]) {
  const outcomes = await ingestEvents(storeOver(db), events, { sender: "test", receivedAt: "2026-11-24T00:00:00.000Z" });
  expect(outcomes.map((o) => o.status)).toEqual(events.map(() => "created"));
  return outcomes.map((o) => o.seq as number);
}

/** Every field edge as "source -> target (type: description) transformations". */
function fieldEdges(store: Sqlite = db): string[] {
  return store
    .prepare<[], { source: string; target: string; tt: string | null; td: string | null; t: string; masked: number }>(
      `SELECT s.key AS source, t.key AS target, e.transformationType AS tt, e.transformationDescription AS td, e.transformations AS t, e.isMasked AS masked
       FROM FieldEdge e JOIN FieldNode s ON s.id = e.sourceId JOIN FieldNode t ON t.id = e.targetId ORDER BY s.key, t.key`,
    )
    .all()
    .map((r) => `${r.source} -> ${r.target} (${r.tt}: ${r.td}) ${r.t}${r.masked ? " masked" : ""}`);
}

const schema = (fields: unknown[]) => ({ schema: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", fields } });
const version = (v: string) => ({ version: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/x", datasetVersion: v } });
const lineage = (fields: Record<string, unknown>, dataset: unknown[] = []) => ({
  columnLineage: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json", fields, dataset },
});

describe("column projection of the real Airflow events (compat-airflow)", () => {
  it("records every field edge of the three BigQuery/GCS tasks with the older form's transformation", async () => {
    await ingest(airflowEvents());
    const identity = "(IDENTITY: identical) []";
    const expected: string[] = [];
    for (const f of ["a", "b", "c", "d"]) {
      expected.push(`datasetField:bigquery:mock-project.test.upload:${f} -> datasetField:bigquery:mock-project.test.upload_cp:${f} ${identity}`);
      expected.push(`datasetField:bigquery:mock-project.test.upload_cp:${f} -> datasetField:gs://mock-bucket:result.csv:${f} ${identity}`);
      expected.push(`datasetField:gs://mock-bucket:copied.csv:${f} -> datasetField:bigquery:mock-project.test.upload:${f} ${identity}`);
      expected.push(`datasetField:gs://mock-bucket:test.csv:${f} -> datasetField:bigquery:mock-project.test.upload:${f} ${identity}`);
    }
    expect(fieldEdges()).toEqual(expected.sort());
  });

  it("records each output version's schema in the producer's order, and the fields of the inputs", async () => {
    await ingest(airflowEvents());
    const upload = db.prepare<[], { key: string }>("SELECT latestVersionKey AS key FROM Dataset WHERE key = 'dataset:bigquery:mock-project.test.upload'").get()!;
    expect(await getVersionSchema(sqliteStore(db), upload.key)).toEqual(
      ["a", "b", "c", "d"].map((field) => ({ field, type: "INTEGER", description: null })),
    );
    const fields = db.prepare("SELECT key FROM FieldNode WHERE datasetKey = 'dataset:gs://mock-bucket:copied.csv' ORDER BY key").all();
    expect(fields).toEqual(["a", "b", "c", "d"].map((f) => ({ key: `datasetField:gs://mock-bucket:copied.csv:${f}` })));
  });

  it("is rebuilt equal from the log, and verification finds a field edge removed behind its back", async () => {
    await ingest(airflowEvents());
    const before = (await projectionSnapshot(storeOver(db)));
    expect(before.FieldEdge).toHaveLength(16);
    await replayLog(storeOver(db));
    expect((await projectionSnapshot(storeOver(db)))).toEqual(before);
    expect((await verifyProjection(storeOver(db))).ok).toBe(true);
    db.prepare("DELETE FROM FieldEdge WHERE rowid = (SELECT MIN(rowid) FROM FieldEdge)").run();
    expect((await verifyProjection(storeOver(db)))).toMatchObject({ ok: false, firstDifference: { table: "FieldEdge" } });
  });
});

describe("column projection of 1-2-0 column lineage and nested schemas", () => {
  const patients = { namespace: "clinic", name: "raw.patients" };
  const features = { namespace: "ml", name: "features:v" };

  function featuresRun(runId: string, time: string, doseType: string) {
    return runEvent({
      runId,
      time,
      job: "build-features",
      inputs: [{ ...patients, facets: schema([{ name: "patient_id", type: "string" }, { name: "address", type: "struct", fields: [{ name: "city", type: "string" }, { name: "zip", type: "string" }] }, { name: "dose", type: "float" }]) }],
      outputs: [
        {
          ...features,
          facets: {
            ...version(runId.slice(-2)),
            ...schema([{ name: "patient:key", type: "string", description: "hashed patient id" }, { name: "city", type: "string" }, { name: "dose_mg", type: doseType }]),
            ...lineage(
              {
                "patient:key": { inputFields: [{ ...patients, field: "patient_id", transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description: "sha256(patient_id)", masking: true }] }] },
                city: { inputFields: [{ ...patients, field: "address.city", transformations: [{ type: "DIRECT", subtype: "IDENTITY" }] }] },
                dose_mg: { inputFields: [{ ...patients, field: "dose", transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description: "dose * 1000" }] }] },
              },
              [{ ...patients, field: "address.zip", transformations: [{ type: "INDIRECT", subtype: "FILTER", description: "zip in study area" }] }],
            ),
          },
        },
      ],
    });
  }

  it("keeps nested paths, field names with ':', subtypes, masking and whole-dataset (INDIRECT) inputs", async () => {
    await ingest([featuresRun("0190a1b2-0000-7000-8000-0000000000a1", "2026-11-01T10:00:00Z", "float")]);
    const edges = fieldEdges();
    expect(edges).toContain(
      'datasetField:clinic:raw.patients:patient_id -> datasetField:ml:features:v:patient:key (null: null) [{"description":"sha256(patient_id)","masking":true,"subtype":"TRANSFORMATION","type":"DIRECT"}] masked',
    );
    expect(edges).toContain('datasetField:clinic:raw.patients:address.city -> datasetField:ml:features:v:city (null: null) [{"description":null,"masking":false,"subtype":"IDENTITY","type":"DIRECT"}]');
    // The filter on zip made every output field.
    expect(edges.filter((e) => e.startsWith("datasetField:clinic:raw.patients:address.zip ->"))).toHaveLength(3);
    expect(edges).toHaveLength(6);
    const nested = db.prepare("SELECT field, type FROM DatasetField WHERE datasetKey = 'dataset:clinic:raw.patients' ORDER BY position").all();
    expect(nested).toEqual([
      { field: "patient_id", type: "string" },
      { field: "address", type: "struct" },
      { field: "address.city", type: "string" },
      { field: "address.zip", type: "string" },
      { field: "dose", type: "float" },
    ]);
  });

  it("answers as of an event before and after a schema change, and keeps each version's schema", async () => {
    const [first, second] = await ingest([
      featuresRun("0190a1b2-0000-7000-8000-0000000000a1", "2026-11-01T10:00:00Z", "float"),
      featuresRun("0190a1b2-0000-7000-8000-0000000000a2", "2026-11-02T10:00:00Z", "string"),
    ]);
    const doseOf = async (store: Queryable, version: string) =>
      (
        await store.get<{ type: string }>(`SELECT "type" FROM "DatasetField" WHERE "versionKey" = ? AND "field" = 'dose_mg'`, [
          `datasetVersion:ml:features:v:${version}`,
        ])
      )?.type;
    const fieldEdges = (store: Queryable) =>
      store.all(
        `SELECT s."key" AS "source", t."key" AS "target", e."transformations", e."transformationDescription", e."transformationType",
                e."isMasked", e."versionKey", e."runId", e."seq"
         FROM "FieldNode" s JOIN "FieldEdge" e ON e."sourceId" = s."id" JOIN "FieldNode" t ON t."id" = e."targetId" ORDER BY s."key", t."key"`,
      );
    const live = storeOver(db);
    expect(await doseOf(live, "a1")).toBe("float");
    expect(await doseOf(live, "a2")).toBe("string");
    const then = await storeAsOf(live, first);
    expect(await doseOf(then, "a1")).toBe("float");
    expect(await doseOf(then, "a2")).toBeUndefined();
    expect(await storeAsOf(live, second)).toBe(live);
    expect(await fieldEdges(then)).toEqual(
      (await fieldEdges(live)).map((e) => ({ ...(e as object), runId: "0190a1b2-0000-7000-8000-0000000000a1", versionKey: "datasetVersion:ml:features:v:a1" })),
    );
  });

  it("replaces a version's schema when its schema facet is sent again", async () => {
    const run = "0190a1b2-0000-7000-8000-0000000000a3";
    const out = (fields: unknown[]) => runEvent({ runId: run, eventType: "RUNNING", outputs: [{ ...features, facets: { ...version("v9"), ...schema(fields) } }] });
    await ingest([out([{ name: "a", type: "int" }, { name: "b", type: "int" }]), { ...out([{ name: "a", type: "bigint" }]), eventType: "COMPLETE" }]);
    expect(db.prepare("SELECT field, type FROM DatasetField WHERE versionKey = 'datasetVersion:ml:features:v:v9'").all()).toEqual([{ field: "a", type: "bigint" }]);
  });
});
