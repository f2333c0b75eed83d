import "server-only";
import { columnLineageOf, schemaFieldsOf, hasColumnFacets } from "@/lib/lineage/columns";
import { nodeId } from "@/lib/lineage/node-id";
import { canonicalJson } from "@/lib/schemas/canonical";
import { rowGroups, tuples } from "./store/rows";
import { getStep, runStep, type SqlSteps } from "./store/sql-steps";

/**
 * The column projection: a dataset version's schema (DatasetField) and the field-to-field edges of
 * its column lineage (FieldNode, FieldEdge), from the `schema` and `columnLineage` facets an event
 * states for that version. Called by the projection for every dataset version an event writes
 * whose facets in that event carry either facet (so an event without them costs nothing), in the
 * same transaction, and so again by every replay of the log: rebuild, verification and as-of views
 * derive these tables like the rest of the projection.
 *
 * A schema facet replaces the version's schema (a facet re-sent replaces the old one). Field edges
 * add up like dataset edges: a pair recorded once stays, with the transformation, version and run
 * of its latest recording.
 */

type Facets = Record<string, unknown>;

export interface ColumnTarget {
  namespace: string;
  name: string;
  datasetKey: string;
  versionKey: string;
  /** The run that produced the version, when the event is a run's. */
  runId: string | null;
}

export { hasColumnFacets };

/**
 * The projection step for one dataset version (see the module comment); `facets` are the event's
 * own for it. `fieldIds` (field key → FieldNode id) spares the lookups of fields already met in the
 * same transaction (the projection's cache passes its own): the versions of a dataset name the
 * same fields again and again.
 */
export function* projectColumns(seq: number, target: ColumnTarget, facets: Facets, fieldIds = new Map<string, number>()): SqlSteps<void> {
  if (facets.schema !== undefined) {
    const fields = schemaFieldsOf(facets);
    yield runStep(`DELETE FROM "DatasetField" WHERE "versionKey" = ?`, [target.versionKey]);
    // Many fields to a statement: a wide schema is one event's hundreds of rows.
    for (const [at, size] of rowGroups(fields.length)) {
      yield runStep(
        `INSERT INTO "DatasetField" ("versionKey", "field", "datasetKey", "type", "description", "position", "seq") VALUES ${tuples(size, 7)}`,
        fields.slice(at, at + size).flatMap((f, i) => [target.versionKey, f.field, target.datasetKey, f.type, f.description, at + i, seq]),
      );
    }
    for (const f of fields) yield* fieldNodeId(seq, target.namespace, target.name, f.field, fieldIds);
  }
  for (const lineage of columnLineageOf(facets)) {
    const targetId = yield* fieldNodeId(seq, target.namespace, target.name, lineage.field, fieldIds);
    for (const source of lineage.sources) {
      const sourceId = yield* fieldNodeId(seq, source.namespace, source.name, source.field, fieldIds);
      const transformations = canonicalJson(source.transformations);
      const isMasked = source.transformations.some((t) => t.masking) ? 1 : 0;
      yield runStep(
        `INSERT INTO "FieldEdge" ("sourceId", "targetId", "transformations", "transformationDescription", "transformationType", "isMasked", "versionKey", "runId", "seq")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT ("sourceId", "targetId") DO UPDATE SET "transformations" = excluded."transformations",
           "transformationDescription" = excluded."transformationDescription", "transformationType" = excluded."transformationType",
           "isMasked" = excluded."isMasked", "versionKey" = excluded."versionKey", "runId" = excluded."runId"`,
        [sourceId, targetId, transformations, lineage.transformationDescription, lineage.transformationType, isMasked, target.versionKey, target.runId, seq],
      );
    }
  }
}

/** The id of a field's node, created on first mention. */
function* fieldNodeId(seq: number, namespace: string, dataset: string, field: string, known: Map<string, number>): SqlSteps<number> {
  const key = nodeId.datasetField(namespace, dataset, field);
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const found = (yield getStep(`SELECT "id" FROM "FieldNode" WHERE "key" = ?`, [key])) as { id: number } | undefined;
  const id = found
    ? Number(found.id)
    : Number(
        ((yield getStep(
          `INSERT INTO "FieldNode" ("key", "datasetKey", "namespace", "dataset", "field", "seq") VALUES (?, ?, ?, ?, ?, ?) RETURNING "id"`,
          [key, nodeId.dataset(namespace, dataset), namespace, dataset, field, seq],
        )) as { id: number }).id,
      );
  known.set(key, id);
  return id;
}
