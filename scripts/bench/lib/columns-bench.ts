/**
 * The column-lineage benchmark (docs/benchmarks.md, "Column lineage"): a store of one million field
 * edges, 20 fields per dataset, filled through the real write path (columnLineage and schema facets
 * in OpenLineage events, ingested in batches), then the 3-hop field walk the API answers
 * (getColumnLineage: walk, fields, their sources and types), timed upstream and both ways from
 * random fields, and the bytes each field edge takes on disk.
 */
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { openSqlite, storeOver, type Sqlite } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { getColumnLineage } from "@/lib/server/column-lineage";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import { nodeId } from "@/lib/lineage/node-id";
import { seededRandom } from "../../harness/random";
import { summarise, type LatencySummary } from "../../harness/stats";
import { createMigratedDatabase, removeDatabase } from "./store";

export interface ColumnFigures {
  fieldEdges: number;
  fieldsPerDataset: number;
  datasets: number;
  ingestSeconds: number;
  /** getColumnLineage at depth 3, upstream only and both ways, in ms. */
  walkUpstream: LatencySummary;
  walkBoth: LatencySummary;
  /** The same walks in CPU time of this process: what the walk costs when the machine is shared. */
  walkUpstreamCpu: LatencySummary;
  walkBothCpu: LatencySummary;
  /** Median fields in one 3-hop answer. */
  fieldsPerAnswer: { upstream: number; both: number };
  /** FieldEdge's table and index pages per edge, and FieldNode's per field. */
  bytesPerFieldEdge: number;
  bytesPerFieldNode: number;
}

const NS = "bench-columns";
const PRODUCER = "https://threadline.dev/bench";
const INPUTS_PER_FIELD = 2;
const BATCH = 200;

const datasetName = (layer: number, i: number) => `L${String(layer).padStart(3, "0")}/t${String(i).padStart(4, "0")}`;

/**
 * Datasets in layers of `width`; each dataset of a layer is written by one run from two datasets of
 * the layer before, each of its fields from one field of each (IDENTITY and a TRANSFORMATION), so
 * every field has two sources and two or so consumers: a 3-hop walk reaches about 15 fields each way.
 */
function* layerEvents(layers: number, width: number, fields: number, random: () => number) {
  const schema = Array.from({ length: fields }, (_, k) => ({ name: `f${k}`, type: k % 3 === 0 ? "STRING" : "DOUBLE" }));
  for (let layer = 1; layer < layers; layer++) {
    for (let i = 0; i < width; i++) {
      const a = datasetName(layer - 1, Math.floor(random() * width));
      const b = datasetName(layer - 1, Math.floor(random() * width));
      const lineage: Record<string, unknown> = {};
      for (let k = 0; k < fields; k++) {
        lineage[`f${k}`] = {
          inputFields: [
            { namespace: NS, name: a, field: `f${k}`, transformations: [{ type: "DIRECT", subtype: "IDENTITY" }] },
            { namespace: NS, name: b, field: `f${(k + 1) % fields}`, transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description: "scaled" }] },
          ],
        };
      }
      yield {
        eventType: "COMPLETE",
        eventTime: new Date(Date.UTC(2026, 10, 1) + layer * 60_000).toISOString(),
        producer: PRODUCER,
        schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        run: { runId: randomUUID() },
        job: { namespace: NS, name: `build/${datasetName(layer, i)}` },
        inputs: [{ namespace: NS, name: a }, { namespace: NS, name: b }],
        outputs: [
          {
            namespace: NS,
            name: datasetName(layer, i),
            facets: {
              schema: { _producer: PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json", fields: schema },
              columnLineage: { _producer: PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json", fields: lineage },
            },
          },
        ],
      };
    }
  }
}

function objectBytes(db: Sqlite, table: string): number {
  const names = db.prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index')").all(table);
  let bytes = 0;
  for (const { name } of names) bytes += db.prepare<[string], { bytes: number | null }>("SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = ?").get(name)?.bytes ?? 0;
  return bytes;
}

export async function runColumnsBench(
  file: string,
  options: { fieldEdges: number; fieldsPerDataset: number; samples: number; seed: number },
  log: (line: string) => void,
): Promise<ColumnFigures> {
  const random = seededRandom(options.seed);
  const datasets = Math.ceil(options.fieldEdges / (options.fieldsPerDataset * INPUTS_PER_FIELD));
  const width = Math.max(10, Math.round(Math.sqrt(datasets) * 2));
  const layers = Math.ceil(datasets / width) + 1;
  removeDatabase(file);
  await createMigratedDatabase(file);
  const db = openSqlite(file);
  try {
    const started = performance.now();
    let batch: Record<string, unknown>[] = [];
    let sent = 0;
    const flush = async () => {
      const outcomes = await ingestEvents(storeOver(db), batch, { sender: "bench" });
      const rejected = outcomes.find((o) => o.status === "rejected");
      if (rejected) throw new Error(`bench event rejected: ${JSON.stringify(rejected.errors)}`);
      sent += batch.length;
      batch = [];
      if (sent % 5_000 === 0) log(`columns: ${sent} of ${datasets} output datasets ingested`);
    };
    for (const event of layerEvents(layers, width, options.fieldsPerDataset, random)) {
      if (sent + batch.length >= datasets) break;
      batch.push(event);
      if (batch.length === BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    const ingestSeconds = (performance.now() - started) / 1000;
    const fieldEdges = (db.prepare("SELECT COUNT(*) AS n FROM FieldEdge").get() as { n: number }).n;
    const fieldNodes = (db.prepare("SELECT COUNT(*) AS n FROM FieldNode").get() as { n: number }).n;
    log(`columns: ${fieldEdges} field edges, ${fieldNodes} fields in ${ingestSeconds.toFixed(0)} s`);

    const store = sqliteStore(db);
    const lastLayer = Math.floor(sent / width);
    const pick = () => {
      // A field with three layers above it and, for the both-ways walk, some below.
      const layer = 4 + Math.floor(random() * Math.max(1, lastLayer - 6));
      return nodeId.datasetField(NS, datasetName(layer, Math.floor(random() * width)), `f${Math.floor(random() * options.fieldsPerDataset)}`);
    };
    const time = async (withDownstream: boolean) => {
      const ms: number[] = [];
      const cpu: number[] = [];
      const sizes: number[] = [];
      for (let i = 0; i < 20; i++) await getColumnLineage(store, { nodeId: pick(), depth: 3, withDownstream, limit: 300 });
      for (let i = 0; i < options.samples; i++) {
        const nodeId = pick();
        const cpuBefore = process.cpuUsage();
        const t = performance.now();
        const answer = await getColumnLineage(store, { nodeId, depth: 3, withDownstream, limit: 300 });
        ms.push(performance.now() - t);
        const used = process.cpuUsage(cpuBefore);
        cpu.push((used.user + used.system) / 1000);
        sizes.push(answer.graph.length);
      }
      sizes.sort((a, b) => a - b);
      return { summary: summarise(ms), cpu: summarise(cpu), fields: sizes[Math.floor(sizes.length / 2)] ?? 0 };
    };
    const upstream = await time(false);
    const both = await time(true);
    db.pragma("wal_checkpoint(TRUNCATE)");
    return {
      fieldEdges,
      fieldsPerDataset: options.fieldsPerDataset,
      datasets: sent,
      ingestSeconds,
      walkUpstream: upstream.summary,
      walkBoth: both.summary,
      walkUpstreamCpu: upstream.cpu,
      walkBothCpu: both.cpu,
      fieldsPerAnswer: { upstream: upstream.fields, both: both.fields },
      bytesPerFieldEdge: objectBytes(db, "FieldEdge") / fieldEdges,
      bytesPerFieldNode: objectBytes(db, "FieldNode") / fieldNodes,
    };
  } finally {
    db.close();
  }
}
