import "server-only";
import { columnLineageOf, schemaFieldsOf, hasColumnFacets } from "@/lib/lineage/columns";
import { nodeId } from "@/lib/lineage/node-id";
import { canonicalJson } from "@/lib/schemas/canonical";
import { allSettled, IdBlock, insertRows } from "./store/rows";
import type { Queryable, SqlValue } from "./store/types";

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
 *
 * The rows of one write transaction wait in a ColumnRows and go out many to a statement at its
 * end (`flush`): a batch of a thousand events names the same fields again and again, and one
 * statement per field and per version was most of what a batch still wrote one row at a time.
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

/** Keys bound to one lookup statement (a wide schema names thousands of fields). */
const KEYS_PER_READ = 5_000;

/** The keys of every field the column projection of `facets` for `target` names. */
export function fieldKeysOf(target: Pick<ColumnTarget, "namespace" | "name">, facets: Facets): string[] {
  const keys: string[] = [];
  if (facets.schema !== undefined) for (const f of schemaFieldsOf(facets)) keys.push(nodeId.datasetField(target.namespace, target.name, f.field));
  for (const lineage of columnLineageOf(facets)) {
    keys.push(nodeId.datasetField(target.namespace, target.name, lineage.field));
    for (const s of lineage.sources) keys.push(nodeId.datasetField(s.namespace, s.name, s.field));
  }
  return keys;
}

/**
 * The column projection's rows of one write transaction, until `flush` writes them: new fields
 * (their ids drawn ahead), each version's schema as it stands (a later schema in the same batch
 * replaces an earlier one in memory), the versions stored before whose schema is replaced, and
 * field edges (one row per pair: the first recording's seq, the latest's transformation).
 */
export class ColumnRows {
  /** Field key → FieldNode id; null: known to have no row. */
  readonly fieldIds = new Map<string, number | null>();
  private readonly ids = new IdBlock("FieldNode");
  private newFields: SqlValue[][] = [];
  private readonly schemas = new Map<string, SqlValue[][]>();
  private readonly replaced = new Set<string>();
  private readonly fieldEdges = new Map<string, SqlValue[]>();

  get pendingRows(): number {
    return this.newFields.length + this.schemas.size + this.replaced.size + this.fieldEdges.size;
  }

  /** Entries held, to bound memory on long replays. */
  get size(): number {
    return this.fieldIds.size + this.pendingRows;
  }

  /** Forgets the field ids; flush first. */
  clear(): void {
    if (this.pendingRows > 0) throw new Error("ColumnRows cleared before its pending rows were flushed");
    this.fieldIds.clear();
  }

  /**
   * Reads the ids of the fields among `keys` not known yet, KEYS_PER_READ to a statement, and draws
   * ids for those with no row. The projection calls it once for a whole batch (prefetchProjection);
   * `project` calls it for what that missed, so without a prefetch a version costs one read.
   */
  async prefetch(db: Queryable, keys: Iterable<string>): Promise<void> {
    const wanted = [...new Set(keys)].filter((k) => !this.fieldIds.has(k));
    if (wanted.length === 0) return;
    for (let at = 0; at < wanted.length; at += KEYS_PER_READ) {
      const rows = await db.all<{ key: string; id: number }>(
        `SELECT "key", "id" FROM "FieldNode" WHERE "key" IN ${db.dialect.jsonValues("text")}`,
        [JSON.stringify(wanted.slice(at, at + KEYS_PER_READ))],
      );
      for (const r of rows) this.fieldIds.set(r.key, Number(r.id));
    }
    let absent = 0;
    for (const key of wanted) {
      if (!this.fieldIds.has(key)) {
        this.fieldIds.set(key, null);
        absent++;
      }
    }
    await this.ids.reserve(db, absent);
  }

  /**
   * Projects one version's column facets (see the module comment); `facets` are the event's own for
   * it. `isStored`: the version's row is in the database already (not created by the rows still
   * pending), so a schema it had there must be deleted before the new one goes in.
   */
  async project(db: Queryable, seq: number, target: ColumnTarget, facets: Facets, { isStored }: { isStored: boolean }): Promise<void> {
    await this.prefetch(db, fieldKeysOf(target, facets));
    if (facets.schema !== undefined) {
      const fields = schemaFieldsOf(facets);
      if (isStored) this.replaced.add(target.versionKey);
      this.schemas.set(
        target.versionKey,
        fields.map((f, position) => [target.versionKey, f.field, target.datasetKey, f.type, f.description, position, seq]),
      );
      for (const f of fields) await this.fieldId(db, seq, target.namespace, target.name, f.field);
    }
    for (const lineage of columnLineageOf(facets)) {
      const targetId = await this.fieldId(db, seq, target.namespace, target.name, lineage.field);
      for (const source of lineage.sources) {
        const sourceId = await this.fieldId(db, seq, source.namespace, source.name, source.field);
        const pair = `${sourceId}>${targetId}`;
        const isMasked = source.transformations.some((t) => t.masking) ? 1 : 0;
        // As ON CONFLICT DO UPDATE: the pair keeps the seq that first recorded it.
        const firstSeq = this.fieldEdges.get(pair)?.[8] ?? seq;
        this.fieldEdges.set(pair, [
          sourceId, targetId, canonicalJson(source.transformations), lineage.transformationDescription, lineage.transformationType, isMasked, target.versionKey, target.runId, firstSeq,
        ]);
      }
    }
  }

  /** The id of a field's node; a new field's row waits for `flush`. */
  private async fieldId(db: Queryable, seq: number, namespace: string, dataset: string, field: string): Promise<number> {
    const key = nodeId.datasetField(namespace, dataset, field);
    const known = this.fieldIds.get(key);
    if (known !== undefined && known !== null) return known;
    const id = await this.ids.next(db);
    this.newFields.push([id, key, nodeId.dataset(namespace, dataset), namespace, dataset, field, seq]);
    this.fieldIds.set(key, id);
    return id;
  }

  /** Writes the pending rows, many to a statement. */
  async flush(db: Queryable): Promise<void> {
    // Every statement sent, in this order (the old schemas deleted before the new go in), and the
    // rows forgotten before any answer is awaited: a pipelined batch projects the next batch into
    // this cache as soon as this one's rows are on their way.
    const sent: Promise<unknown>[] = [insertRows(db, "FieldNode", ["id", "key", "datasetKey", "namespace", "dataset", "field", "seq"], this.newFields)];
    const replaced = [...this.replaced];
    for (let at = 0; at < replaced.length; at += KEYS_PER_READ) {
      sent.push(db.run(`DELETE FROM "DatasetField" WHERE "versionKey" IN ${db.dialect.jsonValues("text")}`, [JSON.stringify(replaced.slice(at, at + KEYS_PER_READ))]));
    }
    sent.push(insertRows(db, "DatasetField", ["versionKey", "field", "datasetKey", "type", "description", "position", "seq"], [...this.schemas.values()].flat()));
    sent.push(
      insertRows(
        db,
        "FieldEdge",
        ["sourceId", "targetId", "transformations", "transformationDescription", "transformationType", "isMasked", "versionKey", "runId", "seq"],
        [...this.fieldEdges.values()],
        `ON CONFLICT ("sourceId", "targetId") DO UPDATE SET "transformations" = excluded."transformations",
         "transformationDescription" = excluded."transformationDescription", "transformationType" = excluded."transformationType",
         "isMasked" = excluded."isMasked", "versionKey" = excluded."versionKey", "runId" = excluded."runId"`,
      ),
    );
    this.newFields = [];
    this.schemas.clear();
    this.replaced.clear();
    this.fieldEdges.clear();
    await allSettled(sent);
  }
}
