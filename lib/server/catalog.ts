import "server-only";
import type { Queryable } from "./store/types";
import type { StoreStats } from "@/lib/lineage/types";

/** Store-wide reads: counts. Search lives in ./search. */

export async function getStats(store: Queryable): Promise<StoreStats> {
  // One statement, so the counts are of one moment even while events arrive.
  const row = await store.get<StoreStats>(
    `SELECT (SELECT COUNT(*) FROM "Event") AS "events", (SELECT COUNT(*) FROM "Job") AS "jobs",
            (SELECT COUNT(*) FROM "Run") AS "runs", (SELECT COUNT(*) FROM "Dataset") AS "datasets",
            (SELECT COUNT(*) FROM "DatasetVersion") AS "datasetVersions", (SELECT COUNT(*) FROM "Edge") AS "edges"`,
  );
  return row!;
}
