import "server-only";
import type { Sqlite } from "./db";
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

function prepare(db: Sqlite) {
  return {
    latestVersion: db.prepare<[string], { latestVersionKey: string | null }>("SELECT latestVersionKey FROM Dataset WHERE key = ?"),
    insert: db.prepare(
      `INSERT OR IGNORE INTO Flag (flagId, versionKey, datasetKey, kind, severity, reason, createdBy, createdAt, seq)
       VALUES (@flagId, @versionKey, @datasetKey, @kind, @severity, @reason, @by, @time, @seq)`,
    ),
    get: db.prepare<[string], { kind: string; versionKey: string; removedSeq: number | null }>(
      "SELECT kind, versionKey, removedSeq FROM Flag WHERE flagId = ?",
    ),
    remove: db.prepare(
      `UPDATE Flag SET removedAt = @time, removedBy = @by, removedReason = @reason, removedSeq = @seq
       WHERE flagId = @flagId AND removedSeq IS NULL`,
    ),
    version: db.prepare<[string], { failureReasons: string }>("SELECT failureReasons FROM DatasetVersion WHERE key = ?"),
    setFailure: db.prepare<[number, string, string]>("UPDATE DatasetVersion SET isFailed = ?, failureReasons = ? WHERE key = ?"),
  };
}

type Statements = ReturnType<typeof prepare>;
const statementsByDb = new WeakMap<Sqlite, Statements>();
function statements(db: Sqlite): Statements {
  let s = statementsByDb.get(db);
  if (!s) {
    s = prepare(db);
    statementsByDb.set(db, s);
  }
  return s;
}

/** Applies one flag event. Call in the transaction that logged it, after the ordinary projection. */
export function projectFlag(db: Sqlite, seq: number, split: ProjectableFlag): void {
  const s = statements(db);
  const flag = split.info;
  const by = flag.by ?? "unknown";
  if (flag.action === "add") {
    const versionKey = split.versionKey ?? s.latestVersion.get(split.datasetKey)?.latestVersionKey ?? null;
    if (!versionKey) return;
    const inserted = s.insert.run({
      flagId: flag.flagId,
      versionKey,
      datasetKey: split.datasetKey,
      kind: flag.kind,
      severity: flag.severity,
      reason: flag.reason,
      by,
      time: split.time,
      seq,
    });
    if (inserted.changes > 0 && flag.kind === "failed") {
      updateFailure(s, versionKey, (reasons) => [
        ...reasons,
        { source: "flag", flagId: flag.flagId, message: flag.reason || "marked failed", by },
      ]);
    }
    return;
  }
  const existing = s.get.get(flag.flagId);
  if (!existing || existing.removedSeq !== null) return;
  s.remove.run({ flagId: flag.flagId, time: split.time, by, reason: flag.reason || null, seq });
  if (existing.kind === "failed") {
    updateFailure(s, existing.versionKey, (reasons) => reasons.filter((r) => !(r.source === "flag" && r.flagId === flag.flagId)));
  }
}

function updateFailure(s: Statements, versionKey: string, change: (reasons: FailureReason[]) => FailureReason[]): void {
  const row = s.version.get(versionKey);
  if (!row) return;
  const next = change(readFailureReasons(row.failureReasons));
  s.setFailure.run(next.length > 0 ? 1 : 0, JSON.stringify(next), versionKey);
}
