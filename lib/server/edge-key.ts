/** Node ids below this fit an edge's key as one number (source * EDGE_KEY_SPAN + target < 2^53). */
const EDGE_KEY_SPAN = 2 ** 26;

/** An edge's key in a Map or Set of edges: see edgeKey. */
export type EdgeKey = number | string;

/**
 * The key of the edge from node id `source` to node id `target`, for the maps and sets that hold
 * thousands of edges (the projection's cache of a batch, a lineage walk's edges): one number while
 * both ids are below 2^26 (no allocation, where a "source>target" string is one and is hashed
 * character by character), the string past that, so no two edges ever share a key.
 */
export function edgeKey(source: number, target: number): EdgeKey {
  return source < EDGE_KEY_SPAN && target < EDGE_KEY_SPAN ? source * EDGE_KEY_SPAN + target : `${source}>${target}`;
}
