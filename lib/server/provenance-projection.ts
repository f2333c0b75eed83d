import "server-only";
import { normaliseDigest } from "@/lib/lineage/provenance";
import { readProvenanceFacet, THREADLINE_FACETS, type ProvenanceFileInfo } from "@/lib/schemas/threadline-facets";
import { runStep, type SqlSteps } from "./store/sql-steps";

/**
 * The provenance projection: the digests (ArtefactDigest), watermark (ArtefactWatermark) and
 * producer signature (ArtefactSignature) of a dataset version, from the `threadline_provenance`
 * facet an event states for it. Called by the projection for every dataset version an event
 * writes whose facets in that event carry the facet (an event without it costs nothing), in the
 * same transaction, and so again by every replay of the log: rebuild, verification and as-of
 * views derive these tables like the rest of the projection.
 *
 * A facet re-sent replaces the old one (OpenLineage's rule), so the version's rows are replaced
 * whole. A 100,000-file batch is 100,000 index rows written in its event's transaction, many rows
 * per statement (insertFileDigests).
 */

type Facets = Record<string, unknown>;

export interface ProvenanceTarget {
  namespace: string;
  versionKey: string;
}

/** True when the event's facets for a version state its provenance. */
export function hasProvenanceFacet(facets: Facets | undefined): boolean {
  return facets !== undefined && facets[THREADLINE_FACETS.provenance] !== undefined;
}

/** The projection step for one dataset version; `facets` are the event's own for it. */
export function* projectProvenance(seq: number, target: ProvenanceTarget, facets: Facets): SqlSteps<void> {
  const { versionKey } = target;
  yield runStep(`DELETE FROM "ArtefactDigest" WHERE "versionKey" = ?`, [versionKey]);
  yield runStep(`DELETE FROM "ArtefactWatermark" WHERE "versionKey" = ?`, [versionKey]);
  yield runStep(`DELETE FROM "ArtefactSignature" WHERE "versionKey" = ?`, [versionKey]);
  const provenance = readProvenanceFacet(facets);
  if (!provenance) return;
  const own = provenance.contentHash ? normaliseDigest(provenance.contentHash) : null;
  if (own) {
    yield runStep(
      `INSERT INTO "ArtefactDigest" ("digest", "versionKey", "file", "mediaType", "size", "seq") VALUES (?, ?, '', NULL, NULL, ?)`,
      [own, versionKey, seq],
    );
  }
  yield* insertFileDigests(seq, versionKey, provenance.files);
  if (provenance.watermark) {
    const { scheme, payload, keyId } = provenance.watermark;
    yield runStep(
      `INSERT INTO "ArtefactWatermark" ("scheme", "payload", "versionKey", "keyId", "seq") VALUES (?, ?, ?, ?, ?)`,
      [scheme, payload, versionKey, keyId, seq],
    );
  }
  if (provenance.signature && provenance.contentHash) {
    yield runStep(
      `INSERT INTO "ArtefactSignature" ("versionKey", "namespace", "contentHash", "signature", "signerKeyId", "seq") VALUES (?, ?, ?, ?, ?, ?)`,
      [versionKey, target.namespace, provenance.contentHash, provenance.signature, provenance.signerKeyId, seq],
    );
  }
}

/** Rows per INSERT: 6 parameters a row stays far below both backends' bind limits (SQLite 32,766, PostgreSQL 65,535). */
const ROWS_PER_INSERT = 500;

/**
 * The digest rows of a version's files, many per statement: on PostgreSQL each statement is a
 * network round trip, so a 100,000-file batch is 200 of them rather than 100,000. The same file
 * listed twice is one row (its last media type and size), resolved here, since one statement may
 * not touch a row twice; the version's old rows were deleted just before, so nothing conflicts.
 */
function* insertFileDigests(seq: number, versionKey: string, files: readonly ProvenanceFileInfo[]): SqlSteps<void> {
  const rows = new Map<string, ProvenanceFileInfo>();
  for (const file of files) rows.set(`${file.contentHash}\u0000${file.name}`, file);
  const unique = [...rows.values()];
  for (let at = 0; at < unique.length; at += ROWS_PER_INSERT) {
    const chunk = unique.slice(at, at + ROWS_PER_INSERT);
    yield runStep(
      `INSERT INTO "ArtefactDigest" ("digest", "versionKey", "file", "mediaType", "size", "seq") VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
      chunk.flatMap((f) => [f.contentHash, versionKey, f.name, f.mediaType, f.size, seq]),
    );
  }
}
