import "server-only";
import type { Queryable } from "./store/types";
import type { StoreStats } from "@/lib/lineage/types";

/** Store-wide reads: counts. Search lives in ./search. */

interface CountedAt {
  head: string;
  stats: StoreStats;
}

/** The last counts per store handle, with the log head they were counted at. */
const lastCounts = new WeakMap<Queryable, CountedAt>();

/**
 * What the store holds. Counting scans six tables, and every row in them comes from an event of the
 * log, so the counts change only when the log's head does: they are kept with the head they were
 * counted at, and a read whose head is unchanged (one index lookup) answers from them. A head read
 * anew each time keeps the answer true when another server or process appends.
 */
export async function getStats(store: Queryable): Promise<StoreStats> {
  const head = await store.get<{ head: string }>(`SELECT "seq" || ':' || "hash" AS "head" FROM "Event" ORDER BY "seq" DESC LIMIT 1`);
  const cached = lastCounts.get(store);
  if (cached && head && cached.head === head.head) return { ...cached.stats };
  // One statement, so the counts and the head they are kept with are of one moment even while events arrive.
  const row = await store.get<StoreStats & { head: string | null }>(
    `SELECT (SELECT COUNT(*) FROM "Event") AS "events", (SELECT COUNT(*) FROM "Job") AS "jobs",
            (SELECT COUNT(*) FROM "Run") AS "runs", (SELECT COUNT(*) FROM "Dataset") AS "datasets",
            (SELECT COUNT(*) FROM "DatasetVersion") AS "datasetVersions", (SELECT COUNT(*) FROM "Edge") AS "edges",
            (SELECT "seq" || ':' || "hash" FROM "Event" ORDER BY "seq" DESC LIMIT 1) AS "head"`,
  );
  const { head: countedAt, ...stats } = row!;
  if (countedAt !== null) lastCounts.set(store, { head: countedAt, stats });
  return stats;
}
