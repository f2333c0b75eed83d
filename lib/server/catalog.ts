import "server-only";
import type { Queryable, SqlValue } from "./store/types";
import { containsPattern } from "./store/dialect";
import { listFailedOutputs } from "./overview";
import type { CatalogItem, CatalogPage, StartingPoints, StoreStats } from "@/lib/lineage/types";
import type { CatalogSort, CatalogType } from "@/lib/schemas/catalog";

/** Store-wide reads: counts, the catalogue, the explorer's starting points. Search lives in ./search. */

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

/** Every namespace with how many jobs and datasets it holds, by name. */
export async function listNamespaces(store: Queryable): Promise<{ namespace: string; jobs: number; datasets: number }[]> {
  return store.all<{ namespace: string; jobs: number; datasets: number }>(
    `SELECT "namespace", SUM(CASE WHEN "type" = 'job' THEN 1 ELSE 0 END) AS "jobs", SUM(CASE WHEN "type" = 'dataset' THEN 1 ELSE 0 END) AS "datasets"
     FROM "Node" WHERE "type" IN ('job', 'dataset') GROUP BY "namespace" ORDER BY "namespace"`,
  );
}

interface CatalogFilter {
  type: CatalogType;
  namespace?: string;
  q?: string;
}

/** The WHERE clause and its parameters for one table's side of the catalogue (`d` Dataset or `j` Job). */
function whereOf(store: Queryable, alias: "d" | "j", filter: CatalogFilter, isModelsOnly = false): { sql: string; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (isModelsOnly) clauses.push(`${alias}."kind" = 'model'`);
  if (filter.namespace) {
    clauses.push(`${alias}."namespace" = ?`);
    params.push(filter.namespace);
  }
  if (filter.q) {
    clauses.push(`${alias}."name" ${store.dialect.likeInsensitive} ? ESCAPE '\\'`);
    params.push(containsPattern(filter.q));
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

/**
 * One page of the catalogue: the datasets (models are datasets of kind model, so "dataset" includes
 * them, as the overview's count does) or jobs the filters match (a namespace, a part of the name), by
 * name or most recently updated first, with how many of each type match. Datasets count their
 * versions, jobs their runs, through the indexes on datasetKey and jobKey.
 */
export async function listCatalog(store: Queryable, query: CatalogFilter & { sort: CatalogSort; page: number; pageSize: number }): Promise<CatalogPage> {
  const dataset = whereOf(store, "d", query);
  const model = whereOf(store, "d", query, true);
  const job = whereOf(store, "j", query);
  const counts = (await store.get<{ dataset: number; model: number; job: number }>(
    `SELECT (SELECT COUNT(*) FROM "Dataset" d ${dataset.sql}) AS "dataset", (SELECT COUNT(*) FROM "Dataset" d ${model.sql}) AS "model",
            (SELECT COUNT(*) FROM "Job" j ${job.sql}) AS "job"`,
    [...dataset.params, ...model.params, ...job.params],
  ))!;
  const numbers = { dataset: Number(counts.dataset), model: Number(counts.model), job: Number(counts.job) };
  const total = query.type === "all" ? numbers.dataset + numbers.job : numbers[query.type];

  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (query.type !== "job") {
    const where = query.type === "model" ? model : dataset;
    parts.push(
      `SELECT d."key" AS "id", 'dataset' AS "type", d."namespace", d."name", d."kind", d."description", d."updatedAt",
              (SELECT COUNT(*) FROM "DatasetVersion" v WHERE v."datasetKey" = d."key") AS "children"
       FROM "Dataset" d ${where.sql}`,
    );
    params.push(...where.params);
  }
  if (query.type === "all" || query.type === "job") {
    parts.push(
      `SELECT j."key" AS "id", 'job' AS "type", j."namespace", j."name", j."kind", j."description", j."updatedAt",
              (SELECT COUNT(*) FROM "Run" r WHERE r."jobKey" = j."key") AS "children"
       FROM "Job" j ${job.sql}`,
    );
    params.push(...job.params);
  }
  const order = query.sort === "updated" ? `"updatedAt" DESC, "name", "id"` : `"name", "namespace", "id"`;
  const pageCount = Math.max(1, Math.ceil(total / query.pageSize));
  const page = Math.min(query.page, pageCount);
  const rows = await store.all<CatalogItem>(`SELECT * FROM (${parts.join(" UNION ALL ")}) c ORDER BY ${order} LIMIT ? OFFSET ?`, [
    ...params,
    query.pageSize,
    (page - 1) * query.pageSize,
  ]);
  return { items: rows.map((r) => ({ ...r, children: Number(r.children) })), counts: numbers, total, page, pageCount };
}

/**
 * Where the explorer suggests to start when no node is chosen: models, the datasets and jobs that
 * changed last, and the latest failed outputs; with the store's counts, so an empty store says so.
 */
export async function getStartingPoints(store: Queryable, limit = 5): Promise<StartingPoints> {
  const [stats, models, recent, failed] = await Promise.all([
    getStats(store),
    listCatalog(store, { type: "model", sort: "updated", page: 1, pageSize: limit }),
    listCatalog(store, { type: "all", sort: "updated", page: 1, pageSize: limit }),
    listFailedOutputs(store, limit),
  ]);
  return { stats, models: models.items, recent: recent.items, failed };
}
