import "server-only";
import type { ColumnLineageGraph, ColumnLineageInputField, ColumnLineageNode, DatasetFieldSummary, FieldImpact, FieldTransformation, SchemaField } from "@/lib/lineage/columns";
import { isDatasetFieldId, nodeTypeOf } from "@/lib/lineage/node-id";
import { AppError } from "./errors";
import type { Queryable } from "./store/types";

/**
 * Reads of the column projection (columns-projection.ts) on any Store: the column-lineage graph
 * around a field or a dataset's fields, in Marquez's shape, and a dataset version's schema.
 *
 * The walk goes hop by hop over FieldEdge's two indexes (upstream: target -> source, downstream:
 * source -> target), a few hundred ids per statement, so its cost follows the fields it reaches,
 * not the size of the store.
 */

export interface ColumnLineageQuery {
  /** datasetField:<ns>:<dataset>:<field>, or dataset:<ns>:<name> for all its fields. */
  nodeId: string;
  depth: number;
  withDownstream: boolean;
  /** Most fields in the answer. */
  limit: number;
}

interface FieldNodeRow {
  id: number;
  key: string;
  datasetKey: string;
  namespace: string;
  dataset: string;
  field: string;
}

interface EdgeRow {
  sourceId: number;
  targetId: number;
  transformations: string;
  transformationDescription: string | null;
  transformationType: string | null;
}

/** Ids per statement: well inside SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

function placeholders(n: number): string {
  return new Array(n).fill("?").join(", ");
}

async function inChunks<T>(ids: readonly number[], read: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await read(ids.slice(i, i + CHUNK))));
  return out;
}

/** The field nodes a column-lineage query starts from; 404 for an unknown node, 400 for another kind of id. */
async function startFields(q: Queryable, id: string): Promise<number[]> {
  if (isDatasetFieldId(id)) {
    const row = await q.get<{ id: number }>(`SELECT "id" FROM "FieldNode" WHERE "key" = ?`, [id]);
    if (!row) throw new AppError("not_found", `No field ${id}.`, [{ path: "nodeId", message: "unknown field" }]);
    return [Number(row.id)];
  }
  if (nodeTypeOf(id) === "dataset") {
    const rows = await q.all<{ id: number }>(`SELECT "id" FROM "FieldNode" WHERE "datasetKey" = ? ORDER BY "key"`, [id]);
    if (rows.length === 0) {
      const dataset = await q.get(`SELECT 1 AS "found" FROM "Dataset" WHERE "key" = ?`, [id]);
      if (!dataset) throw new AppError("not_found", `No dataset ${id}.`, [{ path: "nodeId", message: "unknown dataset" }]);
    }
    return rows.map((r) => Number(r.id));
  }
  throw new AppError("bad_request", "Column lineage starts at a field or a dataset.", [
    { path: "nodeId", message: "expected datasetField:<namespace>:<dataset>:<field> or dataset:<namespace>:<name>" },
  ]);
}

/**
 * Field ids reachable from `start` within `depth` hops in one direction, breadth first, until
 * `budget` ids are known in all (`seen` is shared by both directions and grows in place).
 * Returns whether the budget cut the walk short.
 */
async function walk(q: Queryable, start: readonly number[], direction: "upstream" | "downstream", depth: number, seen: Set<number>, budget: number): Promise<boolean> {
  const [from, to] = direction === "upstream" ? ['"targetId"', '"sourceId"'] : ['"sourceId"', '"targetId"'];
  let frontier = [...start];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const rows = await inChunks(frontier, (chunk) =>
      q.all<{ next: number }>(`SELECT ${to} AS "next" FROM "FieldEdge" WHERE ${from} IN (${placeholders(chunk.length)})`, chunk),
    );
    const next: number[] = [];
    for (const { next: raw } of rows) {
      const id = Number(raw);
      if (seen.has(id)) continue;
      if (seen.size >= budget) return true;
      seen.add(id);
      next.push(id);
    }
    frontier = next;
  }
  return false;
}

function readTransformations(text: string): FieldTransformation[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as FieldTransformation[]) : [];
  } catch {
    return [];
  }
}

/** The column-lineage graph of a field or of every field of a dataset (see ColumnLineageQuery). */
export async function getColumnLineage(q: Queryable, query: ColumnLineageQuery): Promise<ColumnLineageGraph> {
  const start = await startFields(q, query.nodeId);
  const seen = new Set<number>(start.slice(0, query.limit));
  let truncated = start.length > query.limit;
  const roots = [...seen];
  truncated = (await walk(q, roots, "upstream", query.depth, seen, query.limit)) || truncated;
  if (query.withDownstream) truncated = (await walk(q, roots, "downstream", query.depth, seen, query.limit)) || truncated;
  const ids = [...seen];

  const nodes = await inChunks(ids, (chunk) =>
    q.all<FieldNodeRow>(
      `SELECT "id", "key", "datasetKey", "namespace", "dataset", "field" FROM "FieldNode" WHERE "id" IN (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  const byId = new Map(nodes.map((n) => [Number(n.id), n]));
  // Every edge into a node of the graph: its inputFields, and, where the source is in the graph too, an edge.
  const inbound = await inChunks(ids, (chunk) =>
    q.all<EdgeRow>(
      `SELECT "sourceId", "targetId", "transformations", "transformationDescription", "transformationType"
       FROM "FieldEdge" WHERE "targetId" IN (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  const outsideSources = [...new Set(inbound.map((e) => Number(e.sourceId)).filter((id) => !byId.has(id)))];
  const sourceNodes = new Map(byId);
  for (const n of await inChunks(outsideSources, (chunk) =>
    q.all<FieldNodeRow>(`SELECT "id", "key", "datasetKey", "namespace", "dataset", "field" FROM "FieldNode" WHERE "id" IN (${placeholders(chunk.length)})`, chunk),
  )) {
    sourceNodes.set(Number(n.id), n);
  }

  const types = await latestFieldTypes(q, [...new Set(nodes.map((n) => n.datasetKey))]);
  const graph = new Map<number, ColumnLineageNode>();
  for (const n of [...nodes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const latest = types.get(n.datasetKey);
    graph.set(Number(n.id), {
      id: n.key,
      type: "DATASET_FIELD",
      data: {
        namespace: n.namespace,
        dataset: n.dataset,
        datasetVersion: latest?.version ?? null,
        field: n.field,
        fieldType: latest?.types.get(n.field) ?? null,
        inputFields: [],
      },
      inEdges: [],
      outEdges: [],
    });
  }
  for (const e of inbound.sort((a, b) => Number(a.targetId) - Number(b.targetId) || Number(a.sourceId) - Number(b.sourceId))) {
    const target = graph.get(Number(e.targetId));
    const source = sourceNodes.get(Number(e.sourceId));
    if (!target || !source) continue;
    const transformations = readTransformations(e.transformations);
    const input: ColumnLineageInputField = {
      namespace: source.namespace,
      dataset: source.dataset,
      field: source.field,
      transformationDescription: e.transformationDescription ?? transformations[0]?.description ?? null,
      transformationType: e.transformationType ?? transformations[0]?.type ?? null,
      transformations,
    };
    target.data.inputFields.push(input);
    const origin = graph.get(Number(e.sourceId));
    if (origin) {
      const edge = { origin: origin.id, destination: target.id };
      target.inEdges.push(edge);
      origin.outEdges.push(edge);
    }
  }
  for (const node of graph.values()) {
    node.data.inputFields.sort((a, b) => compareText(`${a.namespace}\0${a.dataset}\0${a.field}`, `${b.namespace}\0${b.dataset}\0${b.field}`));
    node.inEdges.sort((a, b) => compareText(a.origin, b.origin));
    node.outEdges.sort((a, b) => compareText(a.destination, b.destination));
  }
  return { graph: [...graph.values()], truncated };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each dataset's latest version and the field types of its schema there. */
async function latestFieldTypes(q: Queryable, datasetKeys: readonly string[]): Promise<Map<string, { version: string; types: Map<string, string | null> }>> {
  const out = new Map<string, { version: string; types: Map<string, string | null> }>();
  for (let i = 0; i < datasetKeys.length; i += CHUNK) {
    const chunk = datasetKeys.slice(i, i + CHUNK);
    const rows = await q.all<{ datasetKey: string; version: string; field: string | null; type: string | null }>(
      `SELECT d."key" AS "datasetKey", v."version", f."field", f."type"
       FROM "Dataset" d JOIN "DatasetVersion" v ON v."key" = d."latestVersionKey"
       LEFT JOIN "DatasetField" f ON f."versionKey" = v."key"
       WHERE d."key" IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) {
      let entry = out.get(r.datasetKey);
      if (!entry) out.set(r.datasetKey, (entry = { version: r.version, types: new Map() }));
      if (r.field !== null) entry.types.set(r.field, r.type);
    }
  }
  return out;
}

/** The schema of one dataset version, in the producer's order (empty when it stated none). */
export async function getVersionSchema(q: Queryable, versionKey: string): Promise<SchemaField[]> {
  return q.all<SchemaField>(
    `SELECT "field", "type", "description" FROM "DatasetField" WHERE "versionKey" = ? ORDER BY "position"`,
    [versionKey],
  );
}

/**
 * The fields of each dataset for the explorer's columns view: those of its latest schema in the
 * producer's order, then any known only from column lineage, by name; each with whether column
 * lineage made it and whether that masks it. Datasets without fields are left out.
 */
export async function getDatasetFields(q: Queryable, datasetKeys: readonly string[]): Promise<Record<string, DatasetFieldSummary[]>> {
  type Row = { datasetKey: string; id: string; field: string; type: string | null; position: number | null; edges: number; masked: number };
  const rows: Row[] = [];
  for (let i = 0; i < datasetKeys.length; i += CHUNK) {
    const chunk = datasetKeys.slice(i, i + CHUNK);
    rows.push(
      ...(await q.all<Row>(
        `SELECT n."datasetKey", n."key" AS "id", n."field", f."type", f."position",
                (SELECT COUNT(*) FROM "FieldEdge" e WHERE e."targetId" = n."id") AS "edges",
                (SELECT COUNT(*) FROM "FieldEdge" e WHERE e."targetId" = n."id" AND e."isMasked" = 1) AS "masked"
         FROM "FieldNode" n
         LEFT JOIN "Dataset" d ON d."key" = n."datasetKey"
         LEFT JOIN "DatasetField" f ON f."versionKey" = d."latestVersionKey" AND f."field" = n."field"
         WHERE n."datasetKey" IN (${placeholders(chunk.length)})`,
        chunk,
      )),
    );
  }
  // Schema order first (a field without a place in the latest schema after them), then by name.
  const place = (r: Row) => (r.position === null ? Number.MAX_SAFE_INTEGER : Number(r.position));
  rows.sort((a, b) => place(a) - place(b) || compareText(a.field, b.field));
  const out: Record<string, DatasetFieldSummary[]> = {};
  for (const r of rows) {
    (out[r.datasetKey] ??= []).push({ id: r.id, field: r.field, type: r.type, hasLineage: Number(r.edges) > 0, isMasked: Number(r.masked) > 0 });
  }
  return out;
}

/** How far an impact walk goes, in hops of either kind (the lineage API's depth bound). */
const IMPACT_MAX_HOPS = 50;

/**
 * Everything downstream of a field (see FieldImpact): its field path hop by hop over FieldEdge,
 * the datasets holding those fields, then the dataset graph (Edge: dataset -> job -> dataset)
 * onward from them, so a model trained on a feature table shows even without column lineage into
 * it. At most `limit` fields and `limit` datasets.
 */
export async function getFieldImpact(q: Queryable, fieldKey: string, limit: number): Promise<FieldImpact> {
  if (!isDatasetFieldId(fieldKey)) {
    throw new AppError("bad_request", "Impact starts at one field.", [{ path: "nodeId", message: "expected datasetField:<namespace>:<dataset>:<field>" }]);
  }
  const [start] = await startFields(q, fieldKey);
  let truncated = false;
  const hopsOf = new Map<number, number>([[start, 0]]);
  let frontier = [start];
  for (let hop = 1; hop <= IMPACT_MAX_HOPS && frontier.length > 0; hop++) {
    const rows = await inChunks(frontier, (chunk) =>
      q.all<{ next: number }>(`SELECT "targetId" AS "next" FROM "FieldEdge" WHERE "sourceId" IN (${placeholders(chunk.length)})`, chunk),
    );
    const next: number[] = [];
    for (const { next: raw } of rows) {
      const id = Number(raw);
      if (hopsOf.has(id)) continue;
      if (hopsOf.size > limit) {
        truncated = true;
        break;
      }
      hopsOf.set(id, hop);
      next.push(id);
    }
    frontier = next;
  }
  const nodes = await inChunks([...hopsOf.keys()], (chunk) =>
    q.all<FieldNodeRow>(`SELECT "id", "key", "datasetKey", "namespace", "dataset", "field" FROM "FieldNode" WHERE "id" IN (${placeholders(chunk.length)})`, chunk),
  );
  const own = nodes.find((n) => Number(n.id) === start);
  const fields = nodes
    .filter((n) => Number(n.id) !== start)
    .map((n) => ({ id: n.key, namespace: n.namespace, dataset: n.dataset, field: n.field, hops: hopsOf.get(Number(n.id)) ?? 0 }))
    .sort((a, b) => a.hops - b.hops || compareText(a.id, b.id));

  // Datasets by column lineage: the fewest field hops to any of their fields.
  const datasetHops = new Map<string, { hops: number; via: "column" | "dataset" }>();
  for (const n of nodes) {
    if (Number(n.id) === start) continue;
    const hops = hopsOf.get(Number(n.id)) ?? 0;
    const seen = datasetHops.get(n.datasetKey);
    if (!seen || hops < seen.hops) datasetHops.set(n.datasetKey, { hops, via: "column" });
  }
  // Onward through the dataset graph, from the field's own dataset and every dataset reached.
  const startKeys = [...(own ? [own.datasetKey] : []), ...datasetHops.keys()];
  const nodeRows = await inKeyChunks(startKeys, (chunk) =>
    q.all<{ id: number; key: string }>(`SELECT "id", "key" FROM "Node" WHERE "key" IN (${placeholders(chunk.length)})`, chunk),
  );
  const visited = new Set(nodeRows.map((r) => Number(r.id)));
  let datasetFrontier = nodeRows.map((r) => ({ id: Number(r.id), hops: r.key === own?.datasetKey ? 0 : (datasetHops.get(r.key)?.hops ?? 0) }));
  for (let step = 0; step < IMPACT_MAX_HOPS * 2 && datasetFrontier.length > 0 && datasetHops.size < limit; step++) {
    const hopsById = new Map(datasetFrontier.map((f) => [f.id, f.hops]));
    const rows = await inChunks([...hopsById.keys()], (chunk) =>
      q.all<{ source: number; id: number; key: string; type: string }>(
        `SELECT e."sourceId" AS "source", n."id", n."key", n."type" FROM "Edge" e JOIN "Node" n ON n."id" = e."targetId"
         WHERE e."sourceId" IN (${placeholders(chunk.length)})`,
        chunk,
      ),
    );
    const next: { id: number; hops: number }[] = [];
    for (const r of rows) {
      const id = Number(r.id);
      if (visited.has(id)) continue;
      visited.add(id);
      // A job passes its dataset's hops on; a dataset after a job is one hop further.
      const hops = (hopsById.get(Number(r.source)) ?? 0) + (r.type === "dataset" ? 1 : 0);
      if (r.type === "dataset" && !datasetHops.has(r.key)) {
        if (datasetHops.size >= limit) {
          truncated = true;
          break;
        }
        datasetHops.set(r.key, { hops, via: "dataset" });
      }
      if (r.type === "dataset" || r.type === "job") next.push({ id, hops });
    }
    datasetFrontier = next;
  }
  const datasetRows = await inKeyChunks([...datasetHops.keys()], (chunk) =>
    q.all<{ key: string; namespace: string; name: string; kind: string }>(
      `SELECT "key", "namespace", "name", "kind" FROM "Dataset" WHERE "key" IN (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  const byKey = new Map(datasetRows.map((d) => [d.key, d]));
  // A dataset named only by a columnLineage facet has no Dataset row: its field says its name.
  const fieldDataset = new Map(nodes.map((n) => [n.datasetKey, n]));
  const datasets = [...datasetHops].map(([key, { hops, via }]) => {
    const row = byKey.get(key);
    const named = fieldDataset.get(key);
    return { id: key, namespace: row?.namespace ?? named?.namespace ?? "", name: row?.name ?? named?.dataset ?? key, kind: row?.kind ?? "data", hops, via };
  });
  datasets.sort((a, b) => a.hops - b.hops || compareText(a.id, b.id));
  return { field: fieldKey, fields, datasets, truncated };
}

async function inKeyChunks<T>(keys: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) out.push(...(await read(keys.slice(i, i + CHUNK))));
  return out;
}
