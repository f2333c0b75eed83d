/**
 * What the investigation endpoints return and the investigate view renders: plain data, shared by
 * lib/server (which builds it) and components/investigate (which draws it).
 */
import type { CausesResult, CauseRow } from "./causes";
import type { Flag, ImpactSummary, InheritedFlag } from "./flags";
import type { LineageDiff } from "./investigate-diff";
import type { SyntheticReport } from "./synthetic";
import type { LineageEdge, LineageNode } from "./types";

/** A point in the log an as-of view stops at. */import type { MetricComparisonRow } from "./metric-comparison";

export interface AsOfView {
  seq: number;
  /** The chain hash of that event: exports and the report of the view name it. */
  hash: string;
  /** eventTime of that event (ISO-8601). */
  time: string | null;
  /** true when the address asked for it; false when it is the moment the node was made. */
  isRequested: boolean;
}

/** One reason a version (or run) failed. */
export interface FailureReasonView {
  /** run: its run failed; check: an evaluation reported a failing check; flag: someone marked it failed. */
  source: "run" | "check" | "flag" | string;
  check: string | null;
  message: string;
  /** The run that failed or reported the check. */
  run: string | null;
  runLabel: string | null;
  flagId: string | null;
  by: string | null;
}

export interface FlagView extends Flag {
  nodeLabel: string;
  isActive: boolean;
}

export interface NodeInheritedFlag extends InheritedFlag {
  flag: FlagView;
  fromLabel: string;
  description: string;
}

export interface NodeFlags {
  node: string;
  direct: FlagView[];
  inherited: NodeInheritedFlag[];
  isFlagged: boolean;
}

export interface FlagImpact {
  flag: FlagView;
  summary: ImpactSummary;
}

/** A diff with a label for every node it mentions. */
export interface LineageDiffView extends LineageDiff {
  labels: Record<string, string>;
}

export interface ComparisonCandidate {
  id: string;
  label: string;
  isFailed: boolean;
  time: string | null;
}

export interface SyntheticReportView extends SyntheticReport {
  labels: Record<string, string>;
}

/** GET /api/v1/investigate: everything the investigate view shows about one failed node. */
export interface Investigation {
  target: LineageNode;
  asOf: AsOfView;
  failure: { isFailed: boolean; reasons: FailureReasonView[]; errorMessage: string | null };
  flags: NodeFlags;
  /** The upstream version graph of the target as of `asOf`, plus the comparison's, for marking. */
  graph: { nodes: LineageNode[]; edges: LineageEdge[]; truncated: boolean };
  comparison: { b: LineageNode | null; isDefault: boolean; candidates: ComparisonCandidate[] };
  diff: LineageDiffView | null;
  synthetic: SyntheticReportView | null;
  /** Synthetic share and feedback generation of every version in the graph with synthetic data behind it. */
  /** Each version's synthetic share and generation, and what the share is of (describeSyntheticBasis). */
  syntheticByNode: Record<string, { share: number; generation: number; meaning: string }>;
  /** The dataset or job whose outputs the common-causes table compares. */
  causesScope: { id: string; label: string } | null;
  /** The metrics of the two runs compared (the target's run and the comparison's), when either logged any. */
  metrics: MetricComparisonRow[] | null;
}

export interface CauseRowView extends CauseRow {
  /** Where the factor's link opens (/lineage?node=...). */
  href: string;
}

/** GET /api/v1/investigate/causes */
export interface CausesView extends Omit<CausesResult, "causes"> {
  scope: { id: string; label: string; type: string };
  causes: CauseRowView[];
}

/**
 * A job or an output family (a dataset's versions) with failed outputs: a place to look for common
 * causes. `failed` of `total` runs or versions failed.
 */
export interface FailureScope {
  id: string;
  type: "dataset" | "job";
  namespace: string;
  name: string;
  failed: number;
  total: number;
}

/** A failed output to start an investigation from (the /investigate landing list). */
export interface FailedOutput {
  id: string;
  label: string;
  type: "datasetVersion" | "run";
  time: string | null;
  reason: string | null;
}
