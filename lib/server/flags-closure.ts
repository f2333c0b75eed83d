import "server-only";
import type { Queryable } from "./store/types";
import { isFlagActive, propagateFlags, type Flag, type InheritedFlag } from "@/lib/lineage/flags";

/**
 * Where flags reach: the active flags (as of a point in the log) propagated down the version graph,
 * hop by hop in SQL (one frontier query per hop, Edge indexed by source) and then through the pure
 * `propagateFlags`. Entity nodes count as flagged when the version (datasets) or run (jobs) their
 * card shows, the latest, is. Recomputed only when the log grows: the result is cached per database, log head and
 * as-of point, so the lineage API can mark `isFlagged` on every request for the cost of a lookup.
 */

export interface FlagPropagation {
  /** Active flags, oldest first. */
  flags: Flag[];
  /** Inherited flags by node id (versions and runs), nearest first. */
  inherited: Map<string, InheritedFlag[]>;
  /** Every node that is flagged or affected: versions, runs, and their datasets and jobs. */
  flaggedKeys: Set<string>;
}

/** The Flag table's columns read as a `Flag` (the table names the node and the author for what they are). */
export const FLAG_COLUMNS = `"flagId", "versionKey" AS "node", "kind", "severity", "reason", "createdBy" AS "by", "createdAt", "seq", "removedAt", "removedBy", "removedReason", "removedSeq"`;

const cache = new WeakMap<Queryable, Map<string, FlagPropagation>>();

/** Flags in force at `asOfSeq` (the whole log when omitted) and everything they reach. */
export async function getFlagPropagation(db: Queryable, asOfSeq?: number): Promise<FlagPropagation> {
  const head = (await db.get<{ seq: number | null }>(`SELECT MAX("seq") AS "seq" FROM "Event"`))?.seq ?? 0;
  // Points past the head are the head (and a bound PostgreSQL can hold as an integer).
  const point = Math.min(asOfSeq ?? head, head);
  const key = `${head}:${point}`;
  let byKey = cache.get(db);
  const hit = byKey?.get(key);
  if (hit) return hit;

  const rows = await db.all<Flag>(`SELECT ${FLAG_COLUMNS} FROM "Flag" WHERE "seq" <= ? ORDER BY "seq"`, [point]);
  const flags = rows.filter((f) => isFlagActive(f, point));
  const result = await propagate(db, flags, point);

  // Only the latest log head is worth keeping; a few as-of points per head.
  if (!byKey || ![...byKey.keys()].every((k) => k.startsWith(`${head}:`))) {
    byKey = new Map();
    cache.set(db, byKey);
  }
  if (byKey.size >= 16) byKey.clear();
  byKey.set(key, result);
  return result;
}

async function propagate(db: Queryable, flags: Flag[], asOfSeq: number): Promise<FlagPropagation> {
  const flaggedKeys = new Set<string>();
  const inherited = new Map<string, InheritedFlag[]>();
  if (flags.length === 0) return { flags, inherited, flaggedKeys };

  const step = (frontier: number[]) =>
    db.all<{ sourceId: number; targetId: number; key: string; type: string }>(
      `SELECT e."sourceId", e."targetId", n."key", n."type" FROM "Edge" e JOIN "Node" n ON n."id" = e."targetId"
       WHERE e."sourceId" IN ${db.dialect.jsonValues("integer")} AND e."seq" <= ?`,
      [JSON.stringify(frontier), asOfSeq],
    );
  const keyOf = new Map<number, string>();
  const typeOf = new Map<string, string>();
  const downstream = new Map<string, string[]>();
  let frontier: number[] = [];
  const idByKey = new Map(
    (await db.all<{ id: number; key: string }>(`SELECT "id", "key" FROM "Node" WHERE "key" IN ${db.dialect.jsonValues("text")}`, [
      JSON.stringify(flags.map((f) => f.node)),
    ])).map((r) => [r.key, r.id]),
  );
  for (const f of flags) {
    const id = idByKey.get(f.node);
    if (id === undefined || keyOf.has(id)) continue;
    keyOf.set(id, f.node);
    typeOf.set(f.node, "datasetVersion");
    frontier.push(id);
  }
  // The version graph is acyclic, but the visited set makes termination independent of that.
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const e of await step(frontier)) {
      const source = keyOf.get(e.sourceId) as string;
      const list = downstream.get(source) ?? [];
      list.push(e.key);
      downstream.set(source, list);
      if (!keyOf.has(e.targetId)) {
        keyOf.set(e.targetId, e.key);
        typeOf.set(e.key, e.type);
        next.push(e.targetId);
      }
    }
    frontier = next;
  }
  for (const list of downstream.values()) list.sort();

  const result = propagateFlags(
    flags.map((f) => ({ flagId: f.flagId, node: f.node })),
    (id) => downstream.get(id) ?? [],
    (id) => typeOf.get(id) === "run",
  );
  for (const [k, v] of result) inherited.set(k, v);
  for (const f of flags) flaggedKeys.add(f.node);
  for (const k of inherited.keys()) flaggedKeys.add(k);

  // Entity level: a dataset whose latest version is flagged or affected, a job whose latest run is.
  // A dataset card shows its latest version, so an older version under a flag does not make the
  // card read "flagged" while the version it names is clean.
  const keys = JSON.stringify([...flaggedKeys]);
  const values = db.dialect.jsonValues("text");
  for (const r of await db.all<{ k: string }>(
    `SELECT "key" AS "k" FROM "Dataset" WHERE "latestVersionKey" IN ${values}
     UNION SELECT "key" AS "k" FROM "Job" WHERE "latestRunId" IN (SELECT substr("value", 5) FROM ${values} AS "keys" WHERE "value" LIKE 'run:%')`,
    [keys, keys],
  )) {
    flaggedKeys.add(r.k);
  }
  return { flags, inherited, flaggedKeys };
}
