import type { SignatureInfo, SignatureStatus } from "./provenance";

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
  /**
   * The producer signature status of a signed dataset version, or of a dataset's latest version as
   * of the view (absent: unsigned, or a job or run).
   */
  signatureStatus?: SignatureStatus;
  /** The registered name of the key behind `signatureStatus` (absent when the key is not registered). */
  signerName?: string;
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
  /** The event the graph was read at (GET /api/v1/lineage says it; merged and stored graphs may not). */
  point?: ViewPoint;
  /**
   * The "N more" placeholders of a folded view (exports, the report and shares hold the view as
   * the screen shows it: each wide fan-out's first page and one placeholder for the rest). Absent
   * from an unfolded neighbourhood such as GET /api/v1/lineage answers.
   */
  more?: MorePlaceholder[];
}

/** A placeholder standing for the leaves of one node that are not on the current page ("N more"). */
export interface MorePlaceholder {
  /** `more:<direction>:<parent id>`; also the key of this fan-out in a view's pages. */
  id: string;
  parentId: string;
  direction: "upstream" | "downstream";
  hiddenCount: number;
}

/** The event a view is taken at: an as-of point, or the log head when the view shows now. */
export interface ViewPoint {
  seq: number;
  hash: string;
  /** eventTime of that event (null for an empty log). */
  time: string | null;
  /** True when the view was asked for as of a point before the head. */
  isAsOf: boolean;
}

/** A link to another node, as lists in the side panel show it. */
export interface NodeRef {
  id: string;
  type: NodeType;
  namespace: string;
  name: string;
  version: string | null;
  kind: string | null;
}

/** One parameter of a run: hyper-parameter, prompt parameter, seed, temperature... */
export interface RunParameter {
  key: string;
  value: string;
  /** The facet it came from: executionParameters, threadline_generation, ... */
  source: string;
}

/** A run as lists show it. */
export interface RunSummary {
  id: string;
  runId: string;
  state: RunState;
  startedAt: string | null;
  endedAt: string | null;
  reason: string | null;
  errorMessage: string | null;
}

/** A dataset version as lists show it. */
export interface VersionSummary {
  id: string;
  version: string;
  createdAt: string;
  producedByRun: string | null;
  reason: string | null;
  author: string | null;
  isSynthetic: boolean;
  isFailed: boolean;
  contentHash: string | null;
}

/** What made a node: the job and the run, with parameters, inputs and outputs. */
export interface Transformation {
  job: {
    id: string;
    namespace: string;
    name: string;
    kind: string | null;
    description: string | null;
    sourceCodeUrl: string | null;
    sourceCode: { language: string | null; code: string } | null;
    sql: string | null;
  };
  run: {
    id: string;
    runId: string;
    state: RunState;
    startedAt: string | null;
    endedAt: string | null;
    durationMs: number | null;
    nominalTime: string | null;
    parentRun: string | null;
    errorMessage: string | null;
    stackTrace: string | null;
    reason: string | null;
    author: string | null;
    parameters: RunParameter[];
  } | null;
  inputs: NodeRef[];
  outputs: NodeRef[];
}

/** One step of a node's history, with what changed against the step before. */
export interface ChangeEntry {
  /** The version or run node this entry is about. */
  id: string;
  label: string;
  time: string | null;
  reason: string | null;
  author: string | null;
  parameterChanges: { key: string; from: string | null; to: string | null }[];
  /** Fields by path; `retyped` is absent from share snapshots taken before it was recorded. */
  schemaChanges: { added: string[]; removed: string[]; retyped?: { field: string; from: string | null; to: string | null }[] };
  inputChanges: { added: string[]; removed: string[] };
}

/**
 * Why a dataset version counts as failed: the run that wrote it failed (source "run"), a run that
 * read it reported a failing check ("check", with the check's name), or a reviewer marked it ("flag").
 */
export interface VersionFailure {
  source: "run" | "check" | "flag";
  message: string;
  check: string | null;
  /** The run that failed or reported the check (its node id). */
  run: string | null;
}

/** Everything about one node: GET /api/v1/nodes/<id>. */
export interface NodeDetail {
  node: LineageNode;
  /** The event the detail was read at (GET /api/v1/nodes/<id> says it). */
  point?: ViewPoint;
  description: string | null;
  owners: string[];
  tags: string[];
  createdAt: string | null;
  updatedAt: string | null;
  contentHash: string | null;
  /** A dataset version's producer signature, checked against the registered keys as they are now. */
  signature?: SignatureInfo;
  /** A version's failures (a dataset's: its latest version's); empty when it has not failed. */
  failures: VersionFailure[];
  schema: { name: string; type: string | null; description: string | null }[];
  /** Datasets: all versions; versions: the dataset's versions (for the timeline). Newest first. */
  versions: VersionSummary[];
  /** Jobs: all runs, newest first. */
  runs: RunSummary[];
  /** The transformation that made this node (for a job or run: its own). Null for a source. */
  transformation: Transformation | null;
  /** Version (or run) history, newest first, each with its diff to the previous one. */
  changes: ChangeEntry[];
  upstream: NodeRef[];
  downstream: NodeRef[];
  /** All facets, raw, by facet name. */
  facets: Record<string, unknown>;
  /**
   * How many items each list holds in all. The lists above hold the first page (a job can read
   * 60,000 datasets); `GET /api/v1/nodes/<id>?list=<name>&cursor=<c>` pages through the rest.
   */
  totals: Record<DetailListName, number>;
}

/** Items in the first page of each NodeDetail list, and the most one page request may ask for. */
export const DETAIL_PAGE_SIZE = 200;
export const MAX_DETAIL_PAGE_SIZE = 1_000;

/** The lists of a NodeDetail that page. `inputs` and `outputs` are the transformation's. */
export const DETAIL_LISTS = ["upstream", "downstream", "versions", "runs", "inputs", "outputs"] as const;
export type DetailListName = (typeof DETAIL_LISTS)[number];

/** One page of a NodeDetail list: GET /api/v1/nodes/<id>?list=<name>&cursor=<c>&limit=<n>. */
export interface DetailListPage<T = NodeRef | VersionSummary | RunSummary> {
  list: DetailListName;
  items: T[];
  total: number;
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}


/** Counts of what the store holds: GET /api/v1/stats. */
export interface StoreStats {
  events: number;
  jobs: number;
  runs: number;
  datasets: number;
  datasetVersions: number;
  edges: number;
}

/** A dataset, model or job as the catalogue lists it. */
export interface CatalogItem {
  id: string;
  type: "dataset" | "job";
  namespace: string;
  name: string;
  /** Dataset kind (data, model, prompt, output, eval) or the job's kind; null when unknown. */
  kind: string | null;
  description: string | null;
  updatedAt: string;
  /** Versions of a dataset, runs of a job. */
  children: number;
}

/** One page of the catalogue, with how many of each type the filters match (models are datasets too). */
export interface CatalogPage {
  items: CatalogItem[];
  counts: { dataset: number; model: number; job: number };
  /** Items of the asked type (datasets and jobs for "all") the filters match. */
  total: number;
  page: number;
  pageCount: number;
}

/** Where the explorer suggests to start when no node is chosen (GET /lineage without a node). */
export interface StartingPoints {
  stats: StoreStats;
  models: CatalogItem[];
  recent: CatalogItem[];
  failed: FailedOutput[];
}

/** A run with the job it belongs to, for the home page's run lists. */
export interface RunWithJob extends RunSummary {
  job: NodeRef;
}

/** What the home page shows: what is in the store at a glance. */
/** Where lineage came from: events sent as OpenLineage, or imported from a tracker (MLflow). */
export interface LineageSource {
  name: "OpenLineage" | "MLflow";
  /** The jobType integrations seen (SPARK, AIRFLOW, MLFLOW...), sorted; empty when none was declared. */
  integrations: string[];
  jobs: number;
  runs: number;
}

export interface StoreOverview {
  stats: StoreStats;
  namespaces: { namespace: string; jobs: number; datasets: number }[];
  sources: LineageSource[];
  recentRuns: RunWithJob[];
  failedRuns: RunWithJob[];
  /** Outputs that failed (their run failed or an evaluation failed them), newest first. */
  failedOutputs: FailedOutput[];
}

/** A failed dataset version with the reasons it failed. */
export interface FailedOutput extends VersionSummary {
  dataset: NodeRef;
  reasons: string[];
}

/** A search hit: GET /api/v1/search?q= returns { results: SearchResult[] }. */
export interface SearchResult extends NodeRef {
  score: number;
}
