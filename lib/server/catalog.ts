import "server-only";
import { getSqlite } from "./db";
import { describeNodes } from "./lineage";
import type { SearchResult, StoreStats } from "@/lib/lineage/types";

/** Store-wide reads: counts and search. */

export function getStats(): StoreStats {
  const db = getSqlite();
  const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
  return {
    events: count("Event"),
    jobs: count("Job"),
    runs: count("Run"),
    datasets: count("Dataset"),
    datasetVersions: count("DatasetVersion"),
    edges: count("Edge"),
  };
}

/** Datasets and jobs whose name or namespace matches, best first: exact, prefix, word, substring. */
export function searchNodes(query: string, limit = 20): SearchResult[] {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return [];
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = getSqlite()
    .prepare<[string, string], { key: string; namespace: string; name: string }>(
      `SELECT key, namespace, name FROM Node
       WHERE type IN ('dataset', 'job') AND (name LIKE ? ESCAPE '\\' OR namespace LIKE ? ESCAPE '\\')
       LIMIT 500`,
    )
    .all(like, like);
  const scored = rows
    .map((r) => ({ key: r.key, score: scoreMatch(q, r.name.toLowerCase(), r.namespace.toLowerCase()) }))
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key))
    .slice(0, limit);
  const described = new Map(describeNodes(getSqlite(), scored.map((s) => s.key)).map((n) => [n.id, n]));
  return scored.flatMap((s) => {
    const n = described.get(s.key);
    return n ? [{ id: n.id, type: n.type, namespace: n.namespace, name: n.name, version: n.version, kind: n.kind, score: s.score }] : [];
  });
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
