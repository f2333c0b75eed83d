import "server-only";
import { describeNodes } from "./lineage";
import { containsPattern } from "./store/dialect";
import type { Queryable } from "./store/types";
import type { Backend } from "@/lib/config";
import { nodeId } from "@/lib/lineage/node-id";
import { FUZZY_THRESHOLD, scoreSearchHit, tokenize, trigramsOf, type SearchFields } from "@/lib/lineage/search-rank";
import type { SearchResult } from "@/lib/lineage/types";

/**
 * Search over datasets and jobs. The store finds candidates with its own index (SQLite: FTS5
 * trigram; PostgreSQL: pg_trgm), one finder per backend with the same contract (FIND_CANDIDATES),
 * and lib/lineage/search-rank ranks them, so both backends answer the same ranked results.
 */

/** What a search can be narrowed to: every node, datasets (models included), models only, jobs. */
export const SEARCH_TYPES = ["all", "dataset", "model", "job"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchOptions {
  type?: SearchType;
  limit?: number;
}

interface CandidateRow extends SearchFields {
  type: "dataset" | "job";
  kind: string;
}

/** Most candidates one query reads from the index before ranking. */
const CANDIDATE_LIMIT = 400;

/** An FTS5 string literal: the text in double quotes, inner quotes doubled. */
const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

function typeFilter(type: SearchType): string {
  if (type === "dataset") return `AND "type" = 'dataset'`;
  if (type === "model") return `AND "type" = 'dataset' AND "kind" = 'model'`;
  if (type === "job") return `AND "type" = 'job'`;
  return "";
}

const CANDIDATE_COLUMNS = `"key", "type", "kind", "name", "namespace", "description", "owners", "tags"`;

type CandidateFinder = (db: Queryable, tokens: string[], type: SearchType, wanted: number) => Promise<CandidateRow[]>;

/**
 * Tokens shorter than three letters cannot use a trigram index: with no longer token the query is a
 * case-insensitive LIKE over names and words (a scan of the index table, bounded by CANDIDATE_LIMIT).
 */
function shortTokenCandidates(db: Queryable, tokens: string[], type: SearchType): Promise<CandidateRow[]> {
  const like = containsPattern(tokens.join(""));
  const op = db.dialect.likeInsensitive;
  return db.all<CandidateRow>(
    `SELECT ${CANDIDATE_COLUMNS} FROM "NodeSearch" WHERE ("name" ${op} ? ESCAPE '\\' OR "words" ${op} ? ESCAPE '\\') ${typeFilter(type)} LIMIT ${CANDIDATE_LIMIT}`,
    [like, like],
  );
}

/**
 * Candidates for the tokens from SQLite's FTS5 trigram index (NodeSearch, kept in step with Dataset
 * and Job by triggers: prisma/migrations/*_node_search). Two passes:
 *
 * 1. exact: every token of three letters or more appears somewhere in the row (trigram MATCH is a
 *    substring match), or the query with its separators removed appears in `words`;
 * 2. near misses, only when the first pass found too little: rows sharing a trigram with a token,
 *    best bm25 first; the ranking then keeps those whose words are close enough to every token.
 *
 * Tokens shorter than three letters cannot use the trigram index: with no longer token the query
 * is a LIKE over names and words (a scan of the index table, bounded by CANDIDATE_LIMIT).
 */
async function ftsCandidates(db: Queryable, tokens: string[], type: SearchType, wanted: number): Promise<CandidateRow[]> {
  const long = tokens.filter((token) => token.length >= 3);
  if (long.length === 0) return shortTokenCandidates(db, tokens, type);
  const compact = tokens.join("");
  const exact = `(${long.map(quoted).join(" AND ")})${compact.length >= 3 ? ` OR words : ${quoted(compact)}` : ""}`;
  const match = `SELECT ${CANDIDATE_COLUMNS} FROM "NodeSearch" WHERE "NodeSearch" MATCH ? ${typeFilter(type)} ORDER BY rank LIMIT ${CANDIDATE_LIMIT}`;
  const found = await db.all<CandidateRow>(match, [exact]);
  if (found.length >= wanted) return found;
  const grams = new Set<string>();
  for (const token of long) for (const gram of trigramsOf(token)) if (!gram.includes(" ")) grams.add(gram);
  if (grams.size === 0) return found;
  const near = await db.all<CandidateRow>(match, [[...grams].map(quoted).join(" OR ")]);
  return withoutRepeats(found, near);
}

function withoutRepeats(found: CandidateRow[], more: CandidateRow[]): CandidateRow[] {
  const seen = new Set(found.map((row) => row.key));
  return [...found, ...more.filter((row) => !seen.has(row.key))];
}

/**
 * Candidates from PostgreSQL's pg_trgm index (NodeSearch."document", kept in step with Dataset and
 * Job by a trigger: prisma/postgresql/migrations/*_node_search), in the same two passes:
 *
 * 1. exact: every token of three letters or more is a substring of the row's document (ILIKE, which
 *    the trigram GIN index answers), or the query with its separators removed is one of `words`;
 *    most similar documents first;
 * 2. near misses, only when the first pass found too little: rows with a word whose trigrams are
 *    close to a token's (word_similarity at least the ranking's fuzzy threshold, so every row the
 *    ranking could keep is a candidate), closest first.
 */
async function trigramCandidates(db: Queryable, tokens: string[], type: SearchType, wanted: number): Promise<CandidateRow[]> {
  const long = tokens.filter((token) => token.length >= 3);
  if (long.length === 0) return shortTokenCandidates(db, tokens, type);
  const compact = tokens.join("");
  const every = long.map(() => `"document" ILIKE ? ESCAPE '\\'`).join(" AND ");
  const words = compact.length >= 3 ? ` OR "words" ILIKE ? ESCAPE '\\'` : "";
  const query = tokens.join(" ");
  const found = await db.all<CandidateRow>(
    `SELECT ${CANDIDATE_COLUMNS} FROM "NodeSearch" WHERE ((${every})${words}) ${typeFilter(type)}
     ORDER BY similarity("document", ?) DESC, "key" LIMIT ${CANDIDATE_LIMIT}`,
    [...long.map(containsPattern), ...(words ? [containsPattern(compact)] : []), query],
  );
  if (found.length >= wanted) return found;
  const closeness = `GREATEST(${long.map(() => `word_similarity(?, "document")`).join(", ")})`;
  const near = await db.all<CandidateRow>(
    `SELECT ${CANDIDATE_COLUMNS} FROM "NodeSearch" WHERE ${closeness} >= ${FUZZY_THRESHOLD} ${typeFilter(type)}
     ORDER BY ${closeness} DESC, "key" LIMIT ${CANDIDATE_LIMIT}`,
    [...long, ...long],
  );
  return withoutRepeats(found, near);
}

/** Each backend's own index behind one contract. */
const FIND_CANDIDATES: Record<Backend, CandidateFinder> = { sqlite: ftsCandidates, postgresql: trigramCandidates };

/**
 * Datasets and jobs matching a query, best first (see lib/lineage/search-rank for the order), and
 * with no type filter (or "job") runs by run id or MLflow run name (searchRuns).
 */
export async function searchNodes(db: Queryable, query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
  const limit = options.limit ?? 20;
  const type = options.type ?? "all";
  const tokens = tokenize(query);
  if (tokens.length === 0) return [];
  const q = query.trim().toLowerCase();
  const runs = type === "all" || type === "job" ? await searchRuns(db, q, containsPattern(q)) : [];
  const ranked = [
    ...(await FIND_CANDIDATES[db.dialect.backend](db, tokens, type, limit)).map((row) => ({ key: row.key, score: scoreSearchHit(query, row), runName: null as string | null })),
    ...runs,
  ]
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key))
    .slice(0, limit);
  const described = new Map((await describeNodes(db, ranked.map((hit) => hit.key))).map((node) => [node.id, node]));
  return ranked.flatMap((hit) => {
    const node = described.get(hit.key);
    // A run shows as "<job> @ <run name>": the job is what it belongs to, the name what people call it.
    return node ? [{ id: node.id, type: node.type, namespace: node.namespace, name: node.name, version: hit.runName ?? node.version, kind: node.kind, score: hit.score }] : [];
  });
}

/**
 * Runs by id prefix (an index range on runId: a UUID typed with or without its dashes) and by run
 * name. The name match reads the runs' facets, so it is bounded: names are for recent work.
 */
async function searchRuns(db: Queryable, q: string, like: string): Promise<{ key: string; score: number; runName: string | null }[]> {
  const runName = db.dialect.jsonText(`"facets"`, ["threadline_mlflow", "runName"]);
  const hex = q.replace(/-/g, "");
  const hits = new Map<string, { key: string; score: number; runName: string | null }>();
  if (/^[0-9a-f]{6,32}$/.test(hex)) {
    const prefix = [8, 4, 4, 4, 12].reduce<{ out: string; rest: string }>(
      (acc, size, i) => (acc.rest ? { out: acc.out + (i > 0 && acc.out.length > 0 ? "-" : "") + acc.rest.slice(0, size), rest: acc.rest.slice(size) } : acc),
      { out: "", rest: hex },
    ).out;
    const rows = await db.all<{ runId: string; runName: string | null }>(
      `SELECT "runId", ${runName} AS "runName" FROM "Run" WHERE "runId" >= ? AND "runId" < ? ORDER BY "runId" LIMIT 20`,
      [prefix, `${prefix}\uffff`],
    );
    for (const r of rows) hits.set(r.runId, { key: nodeId.run(r.runId), score: r.runId.replace(/-/g, "") === hex ? 100 : 85, runName: r.runName });
  }
  const named = await db.all<{ runId: string; runName: string }>(
    `SELECT "runId", ${runName} AS "runName" FROM "Run"
     WHERE ${runName} ${db.dialect.likeInsensitive} ? ESCAPE '\\'
     ORDER BY COALESCE("startedAt", '') DESC LIMIT 50`,
    [like],
  );
  for (const r of named) {
    if (hits.has(r.runId)) continue;
    const name = r.runName.toLowerCase();
    hits.set(r.runId, { key: nodeId.run(r.runId), score: name === q ? 95 : name.startsWith(q) ? 75 : 55, runName: r.runName });
  }
  return [...hits.values()];
}


/** What the empty search box suggests: models, the most recently changed nodes, failed outputs. */
export interface SearchSuggestions {
  models: SearchResult[];
  recentlyChanged: SearchResult[];
  failed: SearchResult[];
}

export async function suggestNodes(db: Queryable, limit = 5): Promise<SearchSuggestions> {
  const results = async (sql: string): Promise<SearchResult[]> => {
    const keys = (await db.all<{ key: string }>(sql, [limit])).map((row) => row.key);
    return (await describeNodes(db, keys)).map((node) => ({ id: node.id, type: node.type, namespace: node.namespace, name: node.name, version: node.version, kind: node.kind, score: 0 }));
  };
  return {
    models: await results(`SELECT "key" FROM "Dataset" WHERE "kind" = 'model' ORDER BY "updatedAt" DESC, "key" LIMIT ?`),
    recentlyChanged: await results(
      `SELECT "key" FROM (SELECT "key", "updatedAt" FROM "Dataset" UNION ALL SELECT "key", "updatedAt" FROM "Job") AS "nodes" ORDER BY "updatedAt" DESC, "key" LIMIT ?`,
    ),
    failed: await results(`SELECT "key" FROM "DatasetVersion" WHERE "isFailed" = TRUE ORDER BY "createdAt" DESC, "key" LIMIT ?`),
  };
}
