/**
 * The lineage domain as the read API, the explorer and every pure function in lib/lineage see it.
 * Plain data only: no Prisma, no React.
 */

/** The four node types. Entity graph: dataset + job. Version graph: datasetVersion + run. */
export type NodeType = "dataset" | "job" | "datasetVersion" | "run";

/** What a dataset holds, for GenAI pipelines (derived from the datasetType facet). */
export type DatasetKind = "data" | "model" | "prompt" | "output" | "eval";

/** Run states, OpenLineage event types mapped to where a run stands. */
export type RunState = "RUNNING" | "COMPLETED" | "FAILED" | "ABORTED" | "OTHER";

/** Granularity of a graph view. */
export type Granularity = "entity" | "version";

export type Direction = "upstream" | "downstream" | "both";

/** One node of a lineage neighbourhood as GET /api/v1/lineage returns it. */
export interface LineageNode {
  /** Stable node id: dataset:<ns>:<name>, job:<ns>:<name>, datasetVersion:<ns>:<name>:<version>, run:<runId>. */
  id: string;
  type: NodeType;
  namespace: string;
  name: string;
  /** Dataset kind for datasets and versions; the job kind (jobType, lower-case) for jobs and runs. */
  kind: string | null;
  /** Version label: the version itself, a dataset's latest version, or null. */
  version: string | null;
  /** Run state (for a job: its latest run's state); null for datasets. */
  state: RunState | null;
  /** Failed: made by a failed run or failing an evaluation. */
  isFailed: boolean;
  isSynthetic: boolean;
  isFlagged: boolean;
  /** Total number of direct upstream / downstream neighbours in the store (not just in this view). */
  upstreamCount: number;
  downstreamCount: number;
  /** Last time something happened to the node (ISO-8601), if known. */
  time: string | null;
}

export interface LineageEdge {
  source: string;
  target: string;
}

/** A neighbourhood: never silently partial; `truncated` says the node budget cut something. */
export interface LineageGraph {
  focus: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}

/** Node id helpers: ids are opaque strings built from OpenLineage names, never parsed back. */
export const nodeId = {
  dataset: (namespace: string, name: string) => `dataset:${namespace}:${name}`,
  job: (namespace: string, name: string) => `job:${namespace}:${name}`,
  datasetVersion: (namespace: string, name: string, version: string) =>
    `datasetVersion:${namespace}:${name}:${version}`,
  run: (runId: string) => `run:${runId}`,
};

/** The node type encoded in the id's prefix. */
export function nodeTypeOf(id: string): NodeType | null {
  const prefix = id.slice(0, id.indexOf(":"));
  return prefix === "dataset" || prefix === "job" || prefix === "datasetVersion" || prefix === "run"
    ? prefix
    : null;
}
