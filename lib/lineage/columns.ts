import { isRecord, nonEmptyString } from "./json";

/**
 * Column-level lineage and schemas, read out of OpenLineage dataset facets (pure: plain data in,
 * plain data out). The projection stores what these return; the API, the explorer and the
 * investigation compare and walk it.
 *
 * - `schema` (SchemaDatasetFacet 1-1-x): `fields: [{ name, type, description, fields: [...] }]`;
 *   a nested field keeps its path (`address.city`).
 * - `columnLineage` (ColumnLineageDatasetFacet 1-2-0): `fields: { <output field>: { inputFields:
 *   [{ namespace, name, field, transformations: [{ type, subtype, description, masking }] }] } }`,
 *   and the older form, where the output field carries `transformationDescription` and
 *   `transformationType` instead. `dataset: [...]` lists inputs that affect the whole dataset
 *   (a filter, a join key): they apply to every output field.
 */

type Facets = Record<string, unknown>;

export interface SchemaField {
  /** Path of the field: nested fields joined by "." (address.city). */
  field: string;
  type: string | null;
  description: string | null;
}

export interface FieldTransformation {
  /** DIRECT | INDIRECT */
  type: string;
  /** IDENTITY, TRANSFORMATION, AGGREGATION, JOIN, FILTER, GROUP_BY, SORT, WINDOW, CONDITIONAL... */
  subtype: string | null;
  description: string | null;
  masking: boolean;
}

/** One input field an output field is derived from, with how. */
export interface FieldSource {
  namespace: string;
  name: string;
  field: string;
  transformations: FieldTransformation[];
}

/** The sources of one output field, as a columnLineage facet states them. */
export interface FieldLineage {
  field: string;
  sources: FieldSource[];
  /** The older form's description and type of the output field's transformation. */
  transformationDescription: string | null;
  transformationType: string | null;
}

/** True when the facets carry a schema or column lineage (the only ones the column projection reads). */
export function hasColumnFacets(facets: Facets | undefined): boolean {
  return facets !== undefined && (isRecord(facets.schema) || isRecord(facets.columnLineage));
}

/** The fields of a schema facet, depth-first in the producer's order, nested ones by path; a repeated path counts once. */
export function schemaFieldsOf(facets: Facets | undefined): SchemaField[] {
  const schema = facets?.schema;
  if (!isRecord(schema)) return [];
  const out: SchemaField[] = [];
  const seen = new Set<string>();
  const walk = (fields: unknown, prefix: string) => {
    if (!Array.isArray(fields)) return;
    for (const f of fields) {
      if (!isRecord(f)) continue;
      const name = nonEmptyString(f.name);
      if (name === null) continue;
      const field = prefix ? `${prefix}.${name}` : name;
      if (!seen.has(field)) {
        seen.add(field);
        out.push({ field, type: nonEmptyString(f.type), description: nonEmptyString(f.description) });
      }
      walk(f.fields, field);
    }
  };
  walk(schema.fields, "");
  return out;
}

function transformationsOf(value: unknown): FieldTransformation[] {
  if (!Array.isArray(value)) return [];
  const out: FieldTransformation[] = [];
  for (const t of value) {
    if (!isRecord(t)) continue;
    const type = nonEmptyString(t.type);
    if (type === null) continue;
    out.push({ type, subtype: nonEmptyString(t.subtype), description: nonEmptyString(t.description), masking: t.masking === true });
  }
  return out;
}

function sourcesOf(value: unknown): FieldSource[] {
  if (!Array.isArray(value)) return [];
  const out: FieldSource[] = [];
  for (const i of value) {
    if (!isRecord(i)) continue;
    const namespace = nonEmptyString(i.namespace);
    const name = nonEmptyString(i.name);
    const field = nonEmptyString(i.field);
    if (namespace === null || name === null || field === null) continue;
    out.push({ namespace, name, field, transformations: transformationsOf(i.transformations) });
  }
  return out;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sourceKey = (s: FieldSource) => `${s.namespace}\0${s.name}\0${s.field}`;

/**
 * The column lineage of a dataset's facets: each output field with its sources, sorted by field
 * and source (an object's key order is not part of an event's meaning: the log stores it canonical).
 * Whole-dataset inputs (`dataset: [...]`) are added to every output field named in `fields` or in
 * the schema; a source named twice for one field is merged into one, its transformations joined.
 */
export function columnLineageOf(facets: Facets | undefined): FieldLineage[] {
  const facet = facets?.columnLineage;
  if (!isRecord(facet)) return [];
  const byField = new Map<string, FieldLineage>();
  if (isRecord(facet.fields)) {
    for (const [field, entry] of Object.entries(facet.fields)) {
      if (field === "" || !isRecord(entry)) continue;
      byField.set(field, {
        field,
        sources: sourcesOf(entry.inputFields),
        transformationDescription: nonEmptyString(entry.transformationDescription),
        transformationType: nonEmptyString(entry.transformationType),
      });
    }
  }
  const wholeDataset = sourcesOf(facet.dataset);
  if (wholeDataset.length > 0) {
    for (const { field } of schemaFieldsOf(facets)) {
      if (!byField.has(field)) byField.set(field, { field, sources: [], transformationDescription: null, transformationType: null });
    }
    for (const lineage of byField.values()) lineage.sources.push(...wholeDataset);
  }
  const out: FieldLineage[] = [];
  for (const lineage of byField.values()) {
    const merged = new Map<string, FieldSource>();
    for (const s of lineage.sources) {
      const key = sourceKey(s);
      const existing = merged.get(key);
      if (existing) existing.transformations = [...existing.transformations, ...s.transformations];
      else merged.set(key, { ...s, transformations: [...s.transformations] });
    }
    const sources = [...merged.values()].sort((a, b) => compare(sourceKey(a), sourceKey(b)));
    if (sources.length > 0) out.push({ ...lineage, sources });
  }
  return out.sort((a, b) => compare(a.field, b.field));
}

/** A short label for how a source made a field: "DIRECT/IDENTITY", "INDIRECT/FILTER", or the older form's type. */
export function transformationLabel(transformations: readonly FieldTransformation[], fallbackType: string | null): string {
  if (transformations.length === 0) return fallbackType ?? "unknown";
  return transformations.map((t) => (t.subtype ? `${t.type}/${t.subtype}` : t.type)).join(", ");
}

export interface SchemaChange {
  field: string;
  change: "added" | "removed" | "retyped";
  /** For removed and retyped fields, the type before; for added ones, null. */
  typeBefore: string | null;
  /** For added and retyped fields, the type after; for removed ones, null. */
  typeAfter: string | null;
}

/**
 * What changed between two schemas: fields added, removed and retyped (by path; a type compared
 * without regard to case, as SQL types are). In the order of the newer schema, removed ones last
 * in the older schema's order.
 */
export function schemaChanges(before: readonly SchemaField[], after: readonly SchemaField[]): SchemaChange[] {
  const old = new Map(before.map((f) => [f.field, f]));
  const now = new Set(after.map((f) => f.field));
  const changes: SchemaChange[] = [];
  for (const f of after) {
    const was = old.get(f.field);
    if (!was) changes.push({ field: f.field, change: "added", typeBefore: null, typeAfter: f.type });
    else if ((was.type ?? "").toLowerCase() !== (f.type ?? "").toLowerCase()) {
      changes.push({ field: f.field, change: "retyped", typeBefore: was.type, typeAfter: f.type });
    }
  }
  for (const f of before) if (!now.has(f.field)) changes.push({ field: f.field, change: "removed", typeBefore: f.type, typeAfter: null });
  return changes;
}

/** One sentence for a schema change: "`dose_mg` became a string (was float)". */
export function describeSchemaChange(c: SchemaChange): string {
  switch (c.change) {
    case "added":
      return `\`${c.field}\` was added${c.typeAfter ? ` (${c.typeAfter})` : ""}`;
    case "removed":
      return `\`${c.field}\` was removed${c.typeBefore ? ` (was ${c.typeBefore})` : ""}`;
    case "retyped":
      return `\`${c.field}\` became ${c.typeAfter ?? "untyped"}${c.typeBefore ? ` (was ${c.typeBefore})` : ""}`;
  }
}

// ---- The column-lineage graph as the API answers it (Marquez's shape, so its users' scripts work).

/** One input field of a graph node, with how it made the node's field. */
export interface ColumnLineageInputField {
  namespace: string;
  dataset: string;
  field: string;
  transformationDescription: string | null;
  transformationType: string | null;
  transformations: FieldTransformation[];
}

export interface ColumnLineageEdge {
  origin: string;
  destination: string;
}

export interface ColumnLineageNode {
  /** datasetField:<namespace>:<dataset>:<field> */
  id: string;
  type: "DATASET_FIELD";
  data: {
    namespace: string;
    dataset: string;
    /** The dataset's latest version (the one whose schema gives fieldType), when it has one. */
    datasetVersion: string | null;
    field: string;
    fieldType: string | null;
    inputFields: ColumnLineageInputField[];
  };
  inEdges: ColumnLineageEdge[];
  outEdges: ColumnLineageEdge[];
}

export interface ColumnLineageGraph {
  graph: ColumnLineageNode[];
  /** The node budget cut the walk short: more fields lie beyond the answer. */
  truncated: boolean;
}

/** One field of a dataset as a lineage node shows it in the columns view. */
export interface DatasetFieldSummary {
  /** datasetField:<namespace>:<dataset>:<field> */
  id: string;
  field: string;
  /** From the dataset's latest schema; null for a field known only from column lineage. */
  type: string | null;
  /** Column lineage says which fields made it. */
  hasLineage: boolean;
  /** A transformation into it masks the data. */
  isMasked: boolean;
}

/** Everything downstream of one field: GET /api/v1/column-lineage/impact. */
export interface FieldImpact {
  field: string;
  /** Fields made from it, nearest first; `hops` counts field edges. */
  fields: { id: string; namespace: string; dataset: string; field: string; hops: number }[];
  /**
   * Datasets (models and outputs among them) it ends up in: those holding a field above (`via`
   * "column") and, beyond where column lineage stops, those made from such a dataset (`via`
   * "dataset"). `hops` counts dataset-to-dataset steps from the field's own dataset.
   */
  datasets: { id: string; namespace: string; name: string; kind: string; hops: number; via: "column" | "dataset" }[];
  truncated: boolean;
}

/** The impact list as CSV (one row per field or dataset), as the download gives it. */
export function fieldImpactCsv(impact: FieldImpact): string {
  const cell = (v: string | number) => {
    const text = String(v);
    // Quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const rows: (string | number)[][] = [["kind", "namespace", "dataset", "field", "hops", "via", "id"]];
  for (const f of impact.fields) rows.push(["field", f.namespace, f.dataset, f.field, f.hops, "column", f.id]);
  for (const d of impact.datasets) rows.push([d.kind, d.namespace, d.name, "", d.hops, d.via, d.id]);
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
