/**
 * The log's bytes are the audit trail: every stored content hash and chain hash was computed from
 * the canonical text of its event, so any change to validation, canonical JSON, hashing or the way
 * a batch is chained must leave the rows a given input produces exactly as they were. These pins
 * were taken from the write path before its per-event work was made faster (issue 15); a faster
 * path that writes one byte differently fails here.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { verifyChain } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { LOG_COLUMNS } from "@/lib/server/event-log";
import { createTestDatabase } from "../support/db";

const RECEIVED_AT = "2026-12-07T00:00:00.000Z";
const FIXTURES = path.resolve(__dirname, "../fixtures/openlineage/events");

/** Real producers' events (Airflow, Marquez, the fluentd proxy), in a fixed order. */
function fixtureEvents(): unknown[] {
  const events: unknown[] = [];
  for (const dir of ["compat-airflow", "marquez-test", "ol-fluentd-proxy"]) {
    for (const name of fs.readdirSync(path.join(FIXTURES, dir)).filter((n) => n.endsWith(".json") && n !== "config.json").sort()) {
      events.push(JSON.parse(fs.readFileSync(path.join(FIXTURES, dir, name), "utf8")));
    }
  }
  return events;
}

let db: Sqlite;
let cleanup: () => void;
beforeEach(() => {
  ({ db, cleanup } = createTestDatabase());
});
afterEach(() => cleanup());

describe("the event log's rows", () => {
  it("are byte for byte what they were: content hashes, chain hashes and payloads of real producers' events", async () => {
    const store = storeOver(db);
    const events = fixtureEvents();
    // Two batches and a lone event: chaining across transactions and within one.
    const outcomes = [
      ...(await ingestEvents(store, events.slice(0, 20), { sender: "pinned", receivedAt: RECEIVED_AT })),
      ...(await ingestEvents(store, events.slice(20, -1), { sender: "pinned", receivedAt: RECEIVED_AT })),
      ...(await ingestEvents(store, events.slice(-1), { sender: "pinned", receivedAt: RECEIVED_AT })),
    ];
    expect(outcomes.map((o) => o.status)).toEqual(events.map(() => "created"));
    const rows = db.prepare(`SELECT ${LOG_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "Event" ORDER BY seq`).raw().all() as unknown[][];
    expect(rows).toHaveLength(35);
    // The first Airflow event, whole.
    expect(rows[0]).toMatchInlineSnapshot(`
      [
        1,
        "8edd534a32d821ce0bcd597b83d3c1ea94cf1017d9b68080c7278640f3765789",
        "RunEvent",
        "START",
        "2024-11-26T13:05:23.809Z",
        "2026-12-07T00:00:00.000Z",
        "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0",
        "pinned",
        "01936893-9751-7a91-a2a0-a51101a3970c",
        "job:airflow:BQ",
        "{"eventTime":"2024-11-26T13:05:23.809955+00:00","eventType":"START","inputs":[],"job":{"facets":{"airflow":{"_producer":"https://github.com/apache/airflow/tree/providers-openlineage/1.14.0","_schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobFacet","taskGroups":{},"taskTree":{},"tasks":{"copy":{"downstream_task_ids":["download"],"emits_ol_events":true,"is_setup":false,"is_teardown":false,"operator":"***.providers.google.cloud.transfers.bigquery_to_bigquery.BigQueryToBigQueryOperator","ui_color":"#e6f0e4","ui_fgcolor":"#000","ui_label":"copy"},"download":{"downstream_task_ids":[],"emits_ol_events":true,"is_setup":false,"is_teardown":false,"operator":"***.providers.google.cloud.transfers.bigquery_to_gcs.BigQueryToGCSOperator","ui_color":"#e4e6f0","ui_fgcolor":"#000","ui_label":"download"},"upload":{"downstream_task_ids":["copy"],"emits_ol_events":true,"is_setup":false,"is_teardown":false,"operator":"***.providers.google.cloud.transfers.gcs_to_bigquery.GCSToBigQueryOperator","ui_color":"#f0eee4","ui_fgcolor":"#000","ui_label":"upload"}}},"jobType":{"_producer":"https://github.com/apache/airflow/tree/providers-openlineage/1.14.0","_schemaURL":"https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet","integration":"AIRFLOW","jobType":"DAG","processingType":"BATCH"},"ownership":{"_producer":"https://github.com/apache/airflow/tree/providers-openlineage/1.14.0","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet","owners":[{"name":"***"}]}},"name":"BQ","namespace":"airflow"},"outputs":[],"producer":"https://github.com/apache/airflow/tree/providers-openlineage/1.14.0","run":{"facets":{"airflowDagRun":{"_producer":"https://github.com/apache/airflow/tree/providers-openlineage/1.14.0","_schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunFacet","dag":{"dag_id":"BQ","fileloc":"/files/dags/bq.py","owner":"airflow","start_date":"2024-01-01T00:00:00+00:00","tags":"[]","timetable":{},"timetable_summary":"None"},"dagRun":{"conf":{},"dag_id":"BQ","data_interval_end":"2024-11-26T13:05:23.281750+00:00","data_interval_start":"2024-11-26T13:05:23.281750+00:00","external_trigger":true,"run_id":"manual__2024-11-26T13:05:23.281750+00:00","run_type":"manual","start_date":"2024-11-26T13:05:23.809955+00:00"}},"nominalTime":{"_producer":"https://github.com/apache/airflow/tree/providers-openlineage/1.14.0","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet","nominalEndTime":"2024-11-26T13:05:23.281750+00:00","nominalStartTime":"2024-11-26T13:05:23.281750+00:00"},"processing_engine":{"_producer":"https://github.com/apache/airflow/tree/providers-openlineage/1.14.0","_schemaURL":"https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet","name":"Airflow","openlineageAdapterVersion":"1.14.0","version":"3.0.0.dev0"}},"runId":"01936893-9751-7a91-a2a0-a51101a3970c"},"schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "8e86e497e65f681af37420382a831688b6eb44d625cd814c61a1da18f0712cc9",
      ]
    `);
    const digest = createHash("sha256").update(JSON.stringify(rows)).digest("hex");
    expect({ head: rows.at(-1)!.at(-1), digest }).toMatchInlineSnapshot(`
      {
        "digest": "1b0571ce810d62c5d518fb2594bdd83726493c7509dcf4d2935be1420bce5146",
        "head": "1695081f19cb457afdd3efc25072211920565b9f6495c5fbe7703f51304b6050",
      }
    `);
    expect((await verifyChain(store)).ok).toBe(true);
  });
});
