/**
 * Ranking of search hits: pure, so the rules are tested on their own (search-rank.test.ts) and any
 * store's full-text index (SQLite FTS5 trigram here, pg_trgm on PostgreSQL) can feed it.
 *
 * A query is split into tokens on `-`, `_`, `/`, `.`, `:` and spaces, as names are: "fine tuned",
 * "fine-tuned" and "Fine_Tuned" are the same two tokens. Each token is scored against each field of
 * a hit, weighted by how much that field says what the node is (its name most, its description
 * least), and keeps its best field:
 *
 * - a whole word of the field: 1; the start of a word: 0.85; inside a word: 0.6;
 * - else a near miss (a typo): 0.45 x the trigram similarity of the token and the closest word,
 *   when that similarity reaches FUZZY_THRESHOLD.
 *
 * A hit must match every token (exactly or nearly), or hold the query with its separators removed
 * ("finetuned" in "fine-tuned"). Bonuses: the whole query as a phrase in a field, and the query
 * being the node's name (or the last part of it) outright.
 */

export interface SearchFields {
  name: string;
  namespace: string;
  description: string;
  owners: string;
  tags: string;
  /** The node's id (dataset:<ns>:<name>, job:<ns>:<name>). */
  key: string;
}

const WEIGHTS: Record<keyof SearchFields, number> = { name: 10, tags: 6, owners: 4, namespace: 3, description: 2, key: 1 };
const FIELDS = Object.keys(WEIGHTS) as (keyof SearchFields)[];

/** Below this trigram similarity a word is not a misspelling of the token. */
export const FUZZY_THRESHOLD = 0.34;

/** The tokens of a query or a field: lower-case, split on separators and spaces. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s\-_/.:,;()[\]{}"'@#]+/)
    .filter((token) => token.length > 0);
}

/** The trigrams of a word, padded so short words and word edges count ("ab" -> " ab", "ab "). */
export function trigramsOf(word: string): Set<string> {
  const padded = ` ${word} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

/** Shared trigrams over all trigrams of both (Jaccard), from 0 to 1, as pg_trgm's similarity(). */
export function trigramSimilarity(a: string, b: string): number {
  const ga = trigramsOf(a);
  const gb = trigramsOf(b);
  let shared = 0;
  for (const gram of ga) if (gb.has(gram)) shared++;
  const union = ga.size + gb.size - shared;
  return union === 0 ? 0 : shared / union;
}

function tokenQuality(token: string, words: readonly string[]): number {
  let best = 0;
  for (const word of words) {
    if (word === token) return 1;
    if (word.startsWith(token)) best = Math.max(best, 0.85);
    else if (word.includes(token)) best = Math.max(best, 0.6);
  }
  if (best > 0 || token.length < 4) return best;
  for (const word of words) {
    const similarity = trigramSimilarity(token, word);
    if (similarity >= FUZZY_THRESHOLD) best = Math.max(best, 0.45 * similarity);
  }
  return best;
}

/**
 * The score of a hit for a query (higher is better), or 0 when a token matches nowhere. The same
 * tokens always give the same score, so equal scores fall back to a stable order (by key).
 */
export function scoreSearchHit(query: string, fields: SearchFields): number {
  const tokens = tokenize(query);
  if (tokens.length === 0) return 0;
  const words = Object.fromEntries(FIELDS.map((field) => [field, tokenize(fields[field])])) as Record<keyof SearchFields, string[]>;
  let total = 0;
  for (const token of tokens) {
    let best = 0;
    for (const field of FIELDS) best = Math.max(best, WEIGHTS[field] * tokenQuality(token, words[field]));
    if (best === 0) {
      total = 0;
      break;
    }
    total += best;
  }
  if (total === 0) {
    // Written together or apart: "finetuned" finds "fine-tuned", "fine tuned" finds "finetuned".
    const compact = tokens.join("");
    if (compact.length < 3) return 0;
    for (const field of FIELDS) {
      if (words[field].join("").includes(compact)) total = Math.max(total, WEIGHTS[field] * 0.8 * tokens.length);
    }
    if (total === 0) return 0;
  }
  const phrase = tokens.join(" ");
  if (tokens.length > 1) {
    for (const field of FIELDS) {
      if (words[field].join(" ").includes(phrase)) total += WEIGHTS[field];
    }
  }
  const name = words.name.join(" ");
  const lastPart = tokenize(fields.name.split("/").pop() ?? fields.name).join(" ");
  if (name === phrase || lastPart === phrase) total += 50;
  return Math.round(total * 100) / 100;
}
