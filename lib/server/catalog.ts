import "server-only";
import type { Sqlite } from "./db";
import type { Queryable } from "./store/types";
import { describeNodes } from "./lineage";
import { nodeId } from "@/lib/lineage/node-id";
import type { SearchResult, StoreStats } from "@/lib/lineage/types";

/** Store-wide reads: counts and search. */

export async function getStats(store: Queryable): Promise<StoreStats> {
  // One statement, so the counts are of one moment even while events arrive.
  const row = await store.get<StoreStats>(
    `SELECT (SELECT COUNT(*) FROM "Event") AS "events", (SELECT COUNT(*) FROM "Job") AS "jobs",
            (SELECT COUNT(*) FROM "Run") AS "runs", (SELECT COUNT(*) FROM "Dataset") AS "datasets",
            (SELECT COUNT(*) FROM "DatasetVersion") AS "datasetVersions", (SELECT COUNT(*) FROM "Edge") AS "edges"`,
  );
  return row!;
}

/**
 * Datasets and jobs whose name or namespace matches, and runs by run id (with or without dashes,
 * as MLflow shows it) or by run name (an MLflow run's `threadline_mlflow.runName`), best first:
 * exact, prefix, word, substring.
 */
export function searchNodes(db: Sqlite, query: string, limit = 20): SearchResult[] {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return [];
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = db
    .prepare<[string, string], { key: string; namespace: string; name: string }>(
      `SELECT key, namespace, name FROM Node
       WHERE type IN ('dataset', 'job') AND (name LIKE ? ESCAPE '\\' OR namespace LIKE ? ESCAPE '\\')
       LIMIT 500`,
    )
    .all(like, like);
  const scored = [
    ...rows.map((r) => ({ key: r.key, score: scoreMatch(q, r.name.toLowerCase(), r.namespace.toLowerCase()), runName: null as string | null })),
    ...searchRuns(db, q, like),
  ]
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key))
    .slice(0, limit);
  const described = new Map(describeNodes(db, scored.map((s) => s.key)).map((n) => [n.id, n]));
  return scored.flatMap((s) => {
    const n = described.get(s.key);
    // A run shows as "<job> @ <run name>": the job is what it belongs to, the name what people call it.
    return n ? [{ id: n.id, type: n.type, namespace: n.namespace, name: n.name, version: s.runName ?? n.version, kind: n.kind, score: s.score }] : [];
  });
}

/**
 * Runs by id prefix (an index range on runId: a UUID typed with or without its dashes) and by run
 * name. The name match reads the runs' facets, so it is bounded: names are for recent work.
 */
function searchRuns(db: Sqlite, q: string, like: string): { key: string; score: number; runName: string | null }[] {
  const hex = q.replace(/-/g, "");
  const hits = new Map<string, { key: string; score: number; runName: string | null }>();
  if (/^[0-9a-f]{6,32}$/.test(hex)) {
    const prefix = [8, 4, 4, 4, 12].reduce<{ out: string; rest: string }>(
      (acc, size, i) => (acc.rest ? { out: acc.out + (i > 0 && acc.out.length > 0 ? "-" : "") + acc.rest.slice(0, size), rest: acc.rest.slice(size) } : acc),
      { out: "", rest: hex },
    ).out;
    const rows = db
      .prepare<[string, string], { runId: string; runName: string | null }>(
        `SELECT runId, json_extract(facets, '$.threadline_mlflow.runName') AS runName FROM Run WHERE runId >= ? AND runId < ? ORDER BY runId LIMIT 20`,
      )
      .all(prefix, `${prefix}\uffff`);
    for (const r of rows) hits.set(r.runId, { key: nodeId.run(r.runId), score: r.runId.replace(/-/g, "") === hex ? 100 : 85, runName: r.runName });
  }
  const named = db
    .prepare<[string], { runId: string; runName: string }>(
      `SELECT runId, json_extract(facets, '$.threadline_mlflow.runName') AS runName FROM Run
       WHERE json_extract(facets, '$.threadline_mlflow.runName') LIKE ? ESCAPE '\\'
       ORDER BY COALESCE(startedAt, '') DESC LIMIT 50`,
    )
    .all(like);
  for (const r of named) {
    if (hits.has(r.runId)) continue;
    const name = r.runName.toLowerCase();
    hits.set(r.runId, { key: nodeId.run(r.runId), score: name === q ? 95 : name.startsWith(q) ? 75 : 55, runName: r.runName });
  }
  return [...hits.values()];
}

/** Relevance of a name/namespace to a query; higher is better. Exported for its test. */
export function scoreMatch(q: string, name: string, namespace: string): number {
  const base = name.split("/").pop() ?? name;
  if (name === q || base === q) return 100;
  if (base.startsWith(q)) return 90 - Math.min(base.length - q.length, 20) / 2;
  if (name.startsWith(q)) return 80;
  const word = name.search(new RegExp(`(^|[/_.\\-\\s])${q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  if (word >= 0) return 70 - Math.min(word, 20) / 2;
  const at = name.indexOf(q);
  if (at >= 0) return 60 - Math.min(at, 20) / 2;
  return namespace.includes(q) ? 30 : 0;
}
