/**
 * Lineage API benchmark: GET /api/v1/lineage against the running server, one request at a time,
 * over a seeded sample of focus nodes of every type, at 1, 3 and 10 hops (the API's default budget
 * of 500 nodes) and for neighbourhoods that fill a 2,000-node budget.
 */
import Database from "better-sqlite3";
import type { LineageGraph } from "@/lib/lineage/types";
import type { Client } from "./http-load";
import { seededRandom } from "../../harness/random";
import { spread, summarise, type LatencySummary, type Spread } from "../../harness/stats";

export interface QueryCase {
  name: string;
  depth: number;
  limit: number;
  direction: "both" | "upstream" | "downstream";
}

export interface QueryFigure extends QueryCase {
  foci: number;
  /** One summary per pass over the foci. */
  passes: LatencySummary[];
  p50: Spread;
  p95: Spread;
  /** Mean nodes per answer, and the share of answers the budget cut. */
  meanNodes: number;
  truncatedShare: number;
}

/** A seeded sample of node keys, the same number of each node type. */
export function sampleFoci(databaseFile: string, perType: number, seed: number): string[] {
  const db = new Database(databaseFile, { readonly: true });
  try {
    const random = seededRandom(seed);
    const keys: string[] = [];
    for (const type of ["dataset", "job", "datasetVersion", "run"]) {
      const range = db.prepare<[string], { lo: number; hi: number; n: number }>("SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM Node WHERE type = ?").get(type);
      if (!range || range.n === 0) continue;
      const pick = db.prepare<[string, number], { key: string }>("SELECT key FROM Node WHERE type = ? AND id >= ? ORDER BY id LIMIT 1");
      const seen = new Set<string>();
      for (let attempt = 0; seen.size < Math.min(perType, range.n) && attempt < perType * 20; attempt++) {
        const row = pick.get(type, range.lo + Math.floor(random() * (range.hi - range.lo + 1)));
        if (row) seen.add(row.key);
      }
      keys.push(...seen);
    }
    // Interleave types so every pass prefix is a fair mix.
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
    return keys;
  } finally {
    db.close();
  }
}

export const lineagePath = (nodeId: string, c: QueryCase) =>
  `/api/v1/lineage?${new URLSearchParams({ nodeId, depth: String(c.depth), direction: c.direction, limit: String(c.limit) })}`;

export async function fetchLineage(client: Client, nodeId: string, c: QueryCase): Promise<LineageGraph> {
  const res = await client.get(lineagePath(nodeId, c));
  if (res.status !== 200) throw new Error(`GET ${lineagePath(nodeId, c)} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as LineageGraph;
}

/**
 * Candidates for big neighbourhoods: the nodes with the most edges (hub datasets and versions, the
 * jobs and runs around them), interleaved with a seeded sample of everything else.
 */
export function bigNeighbourhoodCandidates(databaseFile: string, count: number, seed: number): string[] {
  const db = new Database(databaseFile, { readonly: true });
  try {
    const hubs = db
      .prepare<[number], { key: string }>(
        `SELECT n.key FROM (SELECT id, SUM(c) AS degree FROM (
            SELECT sourceId AS id, COUNT(*) AS c FROM Edge GROUP BY sourceId
            UNION ALL SELECT targetId AS id, COUNT(*) AS c FROM Edge GROUP BY targetId) GROUP BY id ORDER BY degree DESC LIMIT ?) d
         JOIN Node n ON n.id = d.id`,
      )
      .all(count)
      .map((r) => r.key);
    const sample = sampleFoci(databaseFile, Math.ceil(count / 4), seed);
    const out: string[] = [];
    for (let i = 0; out.length < count * 2 && (i < hubs.length || i < sample.length); i++) {
      if (hubs[i]) out.push(hubs[i]!);
      if (sample[i]) out.push(sample[i]!);
    }
    return [...new Set(out)];
  } finally {
    db.close();
  }
}

/** Foci whose neighbourhood fills the case's budget (probed once each, in order, until `wanted`). */
export async function fociFillingBudget(client: Client, candidates: readonly string[], c: QueryCase, wanted: number): Promise<string[]> {
  const found: string[] = [];
  for (const key of candidates) {
    const graph = await fetchLineage(client, key, c);
    if (graph.nodes.length >= c.limit) found.push(key);
    if (found.length >= wanted) break;
  }
  return found;
}

/** `passes` sequential passes over the foci (after one warm-up pass), timing each request. */
export async function measureQueries(client: Client, foci: readonly string[], c: QueryCase, passes: number): Promise<QueryFigure> {
  return (await measureQueriesInTurn([client], foci, c, passes))[0]!;
}

/**
 * measureQueries on several servers at once, their passes in turn (one warm-up pass each, then the
 * first pass on each server, the second on each, …): a figure and its baseline measured apart are
 * minutes apart, and on two shared cores the same build's 2,000-node p95 ranged 53–74 ms from one
 * run to the next (docs/benchmarks.md, eighth round). One figure per client, in their order. Each
 * client's kept-alive socket idles while the others' passes run, so a pass must take less than the
 * server's keep-alive (5 s): 200 foci of 3 hops or 40 of 2,000 nodes take 1–3 s at 1M edges.
 */
export async function measureQueriesInTurn(clients: readonly Client[], foci: readonly string[], c: QueryCase, passes: number): Promise<QueryFigure[]> {
  const answers: { nodes: number; truncated: number }[] = [];
  for (const client of clients) {
    let nodes = 0;
    let truncated = 0;
    for (const key of foci) {
      const graph = await fetchLineage(client, key, c);
      nodes += graph.nodes.length;
      if (graph.truncated) truncated++;
    }
    answers.push({ nodes, truncated });
  }
  const summaries: LatencySummary[][] = clients.map(() => []);
  for (let p = 0; p < passes; p++) {
    for (const [i, client] of clients.entries()) {
      const ms: number[] = [];
      for (const key of foci) {
        const res = await client.get(lineagePath(key, c));
        if (res.status !== 200) throw new Error(`GET lineage answered ${res.status}`);
        ms.push(res.ms);
      }
      summaries[i]!.push(summarise(ms));
    }
  }
  return clients.map((_, i) => ({
    ...c,
    foci: foci.length,
    passes: summaries[i]!,
    p50: spread(summaries[i]!.map((s) => s.p50)),
    p95: spread(summaries[i]!.map((s) => s.p95)),
    meanNodes: foci.length ? answers[i]!.nodes / foci.length : 0,
    truncatedShare: foci.length ? answers[i]!.truncated / foci.length : 0,
  }));
}
