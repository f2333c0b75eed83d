import "server-only";
import type { Queryable } from "./store/types";
import { nodeId } from "@/lib/lineage/node-id";
import { readFlagFacet, type FlagInfo } from "@/lib/schemas/threadline-facets";
import { readFailureReasons, type FailureReason } from "@/lib/schemas/columns";

/**
 * The projection of flags. A flag is a DatasetEvent whose dataset carries a `threadline_flag` facet
 * (and the `version` facet naming the flagged version), appended to the log like any event — so a
 * flag is tamper-evident, replayable and visible in as-of views. `projectEvent` hands such events
 * here after the ordinary projection has run (which creates the version if needed and records that
 * the event touched it); the facet itself is kept off the dataset's and version's facets, which
 * describe data, not opinions about it.
 *
 * - add: a Flag row (an add for a flagId already known changes nothing: the first one stands);
 *   kind `failed` also marks the version failed, with the flag as its reason.
 * - remove: the removal is written on the row (removedAt/By/Reason/Seq); nothing is deleted. A
 *   removed `failed` flag takes its reason back, and the version passes again if none is left.
 */

interface FlagDataset {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
}

export interface FlagEventParts<E> {
  /** The event without its threadline_flag facet: what the ordinary projection sees. */
  event: E;
  /** The flag, or null when the facet is unusable (no flagId, unknown action): then it is ignored. */
  flag: ProjectableFlag | null;
}

export interface ProjectableFlag {
  info: FlagInfo;
  /** The flagged version named by the version facet; null: the dataset's latest version. */
  versionKey: string | null;
  datasetKey: string;
  time: string;
}

/** Separates the flag facet from a DatasetEvent; null when the event has none. */
export function splitFlagEvent<E extends { eventTime: string; dataset?: FlagDataset }>(kind: string, event: E): FlagEventParts<E> | null {
  if (kind !== "DatasetEvent" || !event.dataset?.facets || !("threadline_flag" in event.dataset.facets)) return null;
  const info = readFlagFacet(event.dataset.facets);
  const { threadline_flag: _flag, ...facets } = event.dataset.facets;
  const stripped = { ...event, dataset: { ...event.dataset, facets } };
  if (!info) return { event: stripped, flag: null };
  const version = facets.version as { datasetVersion?: unknown } | undefined;
  const label = typeof version?.datasetVersion === "string" && version.datasetVersion.length > 0 ? version.datasetVersion : null;
  const { namespace, name } = event.dataset;
  const ms = Date.parse(event.eventTime);
  return {
    event: stripped,
    flag: {
      info,
      versionKey: label ? nodeId.datasetVersion(namespace, name, label) : null,
      datasetKey: nodeId.dataset(namespace, name),
      time: Number.isNaN(ms) ? event.eventTime : new Date(ms).toISOString(),
    },
  };
}

const SQL = {
  latestVersion: `SELECT "latestVersionKey" FROM "Dataset" WHERE key = ?`,
  insert: `INSERT INTO "Flag" ("flagId", "versionKey", "datasetKey", kind, severity, reason, "createdBy", "createdAt", seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  get: `SELECT kind, "versionKey", "removedSeq" FROM "Flag" WHERE "flagId" = ?`,
  remove: `UPDATE "Flag" SET "removedAt" = ?, "removedBy" = ?, "removedReason" = ?, "removedSeq" = ?
           WHERE "flagId" = ? AND "removedSeq" IS NULL`,
  version: `SELECT "failureReasons" FROM "DatasetVersion" WHERE key = ?`,
  setFailure: `UPDATE "DatasetVersion" SET "isFailed" = ?, "failureReasons" = ? WHERE key = ?`,
} as const;

/** Applies one flag event. Call in the transaction that logged it, after the ordinary projection. */
export async function projectFlag(db: Queryable, seq: number, split: ProjectableFlag): Promise<void> {
  const flag = split.info;
  const by = flag.by ?? "unknown";
  if (flag.action === "add") {
    const versionKey = split.versionKey ?? (await db.get<{ latestVersionKey: string | null }>(SQL.latestVersion, [split.datasetKey]))?.latestVersionKey ?? null;
    if (!versionKey) return;
    const inserted = await db.run(SQL.insert, [flag.flagId, versionKey, split.datasetKey, flag.kind, flag.severity, flag.reason, by, split.time, seq]);
    if (inserted.changes > 0 && flag.kind === "failed") {
      await updateFailure(db, versionKey, (reasons) => [
        ...reasons,
        { source: "flag", flagId: flag.flagId, message: flag.reason || "marked failed", by },
      ]);
    }
    return;
  }
  const existing = await db.get<{ kind: string; versionKey: string; removedSeq: number | null }>(SQL.get, [flag.flagId]);
  if (!existing || existing.removedSeq !== null) return;
  await db.run(SQL.remove, [split.time, by, flag.reason || null, seq, flag.flagId]);
  if (existing.kind === "failed") {
    await updateFailure(db, existing.versionKey, (reasons) => reasons.filter((r) => !(r.source === "flag" && r.flagId === flag.flagId)));
  }
}

async function updateFailure(db: Queryable, versionKey: string, change: (reasons: FailureReason[]) => FailureReason[]): Promise<void> {
  const row = await db.get<{ failureReasons: string }>(SQL.version, [versionKey]);
  if (!row) return;
  const next = change(readFailureReasons(row.failureReasons));
  await db.run(SQL.setFailure, [next.length > 0 ? 1 : 0, JSON.stringify(next), versionKey]);
}
