import type { NodeType } from "./types";

/**
 * Node ids: the one place they are built, read and carried through URLs.
 *
 * An id is `<type>:<rest>`, after Marquez: `dataset:<namespace>:<name>`, `job:<namespace>:<name>`,
 * `datasetVersion:<namespace>:<name>:<version>`, `run:<runId>`, and in the column-lineage graph
 * `datasetField:<namespace>:<dataset>:<field>`. Namespaces, names and versions are
 * OpenLineage's and may hold `:`, `/`, `%`, spaces and any Unicode, so apart from its type prefix
 * (and a run's id) an id is opaque: it is built from its parts and never split back into them.
 *
 * In a URL an id (a node's, a flag's) travels percent-encoded exactly once (`encodeURIComponent`),
 * in a query parameter or as the tail of a path, and is decoded exactly once: a second decode turns
 * a literal `%20` in a name into a space, and a lone `%` into an error. Next decodes path
 * parameters for route handlers but hands pages theirs still encoded, hence two readers below.
 */
export const nodeId = {
  dataset: (namespace: string, name: string) => `dataset:${namespace}:${name}`,
  job: (namespace: string, name: string) => `job:${namespace}:${name}`,
  datasetVersion: (namespace: string, name: string, version: string) => `datasetVersion:${namespace}:${name}:${version}`,
  run: (runId: string) => `run:${runId}`,
  /** One field of a dataset (column lineage, after Marquez); nested fields by path (`address.city`). */
  datasetField: (namespace: string, dataset: string, field: string) => `datasetField:${namespace}:${dataset}:${field}`,
};

const FIELD_PREFIX = "datasetField:";

/**
 * True for a dataset field's id. Field ids live in the column-lineage graph, beside the node types
 * of the dataset/job graph rather than among them, and like every id are looked up whole, never
 * split: a field or dataset name holding `:` is one more character of the id.
 */
export function isDatasetFieldId(id: string): boolean {
  return id.startsWith(FIELD_PREFIX) && id.length > FIELD_PREFIX.length;
}

/** The node type encoded in the id's prefix, or null for a string that is not a node id. */
export function nodeTypeOf(id: string): NodeType | null {
  const prefix = id.slice(0, id.indexOf(":"));
  return prefix === "dataset" || prefix === "job" || prefix === "datasetVersion" || prefix === "run" ? prefix : null;
}

const RUN_PREFIX = "run:";

/** The OpenLineage runId of a run node's id (`run:<runId>`); the id itself when it has no prefix. */
export function runIdOf(id: string): string {
  return id.startsWith(RUN_PREFIX) ? id.slice(RUN_PREFIX.length) : id;
}

/**
 * The id a route handler (`route.ts`) received in its path, which Next has already decoded: a
 * catch-all (`[...id]`) gets the segments an unencoded `/` split it into, joined back; a single
 * segment (`[id]`) is returned as is.
 */
export function idFromRouteParam(param: string | string[]): string {
  return Array.isArray(param) ? param.join("/") : param;
}

/**
 * The id a page (`page.tsx`) received in its path, which Next hands over still percent-encoded:
 * decoded once here. A malformed escape cannot come from `encodeURIComponent`; it is kept as typed.
 */
export function idFromPageParam(param: string | string[]): string {
  const decode = (segment: string) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  };
  return Array.isArray(param) ? param.map(decode).join("/") : decode(param);
}

/** The API address of one node's details, now or as of an event (`asOf`: a seq, date or time). */
export function nodeApiPath(id: string, asOf?: string): string {
  return `/api/v1/nodes/${encodeURIComponent(id)}${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ""}`;
}

/** The API address of one node's details inside a share link's snapshot. */
export function sharedNodeApiPath(token: string, id: string): string {
  return `/api/v1/shares/${encodeURIComponent(token)}/nodes/${encodeURIComponent(id)}`;
}
