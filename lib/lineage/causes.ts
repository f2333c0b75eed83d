/**
 * Common causes across many outputs: which upstream factors (input dataset versions, model
 * checkpoints, parameter values) sit behind failed outputs more often than behind passing ones.
 *
 * The score is the difference of two frequencies, P(factor | failed) - P(factor | passing): "how
 * much more often it appears behind failed outputs than behind passing ones". It rewards a factor
 * that explains many failures (unlike lift alone, which a one-off seed behind a single failure
 * maximises) and is exactly 0 for a factor present everywhere (whose lift is 1). Lift and the
 * failure rates with and without the factor are reported next to it, with the counts behind them,
 * so a reader can check every rank. Factors behind exactly the same outputs cannot be told apart
 * by the data; they are grouped, the nearest checkpoint or version standing for the group and the
 * others listed in `alsoPresent`.
 *
 * Each row also says where the factor sits: how many runs up from the outputs (`depth` nearest,
 * `maxDepth` farthest), whether it is only ever reached transitively (never set or read by the run
 * that made the output), and `place`, the sentence a table shows; so "num_samples = 8000" three
 * runs up never reads as a parameter of the failed run itself.
 */
import {
  buildAdjacency,
  runDistances,
  type Adjacency,
  type VersionGraph,
} from "./investigate-graph";

export type FactorKind = "checkpoint" | "version" | "parameter";

/** One factor behind one output. */
export interface Factor {
  /** Identity across outputs: `version:<id>` or `param:<job>:<key>=<value>`. */
  key: string;
  kind: FactorKind;
  label: string;
  /** A node to open in the graph for it (the version, or a run that had the parameter). */
  node: string;
  /** Runs between the output and the factor (1: read or set by the run that made the output). */
  depth: number;
}

export interface Outcome {
  id: string;
  isFailed: boolean;
  factors: readonly Factor[];
}

export interface CauseRow {
  key: string;
  kind: FactorKind;
  label: string;
  node: string;
  /** Runs between the outputs and the factor, nearest (1: set or read by the run that made the output). */
  depth: number;
  /** The same, farthest, over every output the factor sits behind. */
  maxDepth: number;
  /** Never set or read by the run that made an output: reached only through other runs. */
  isTransitive: boolean;
  /** Where it sits, in words ("3 runs up", "the run that made the output"). */
  place: string;
  failedWith: number;
  passingWith: number;
  failedWithout: number;
  passingWithout: number;
  /** Share of outputs with the factor that failed. */
  rateWith: number;
  /** Share of outputs without it that failed; null when every output has it. */
  rateWithout: number | null;
  /** rateWith / overall failure rate: 1 means the factor tells nothing. */
  lift: number;
  /** P(factor | failed) - P(factor | passing), -1..1. */
  score: number;
  /** Failed outputs with the factor (for links). */
  failedOutputs: string[];
  /** Factors behind exactly the same outputs. */
  alsoPresent: { key: string; kind: FactorKind; label: string; node: string }[];
}

export interface CausesResult {
  total: number;
  failed: number;
  passing: number;
  /** Overall failure rate. */
  baseRate: number;
  causes: CauseRow[];
}

const KIND_ORDER: Record<FactorKind, number> = { checkpoint: 0, version: 1, parameter: 2 };

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export interface RankOptions {
  /** Most rows returned. */
  limit?: number;
  /**
   * Least number of failed outputs a factor must sit behind to be listed (capped at the number of
   * failures): a value behind a single failure, like that run's seed, is not a *common* cause.
   */
  minFailed?: number;
}

/**
 * Ranks factors behind failed outputs. Only factors behind at least `minFailed` failures (default
 * 1) are listed; with no failed or no passing output there is nothing to contrast and the list is
 * empty.
 */
export function rankCauses(outcomes: readonly Outcome[], options: RankOptions = {}): CausesResult {
  const limit = options.limit ?? 100;
  const total = outcomes.length;
  const failed = outcomes.filter((o) => o.isFailed).length;
  const passing = total - failed;
  const result: CausesResult = { total, failed, passing, baseRate: total === 0 ? 0 : round(failed / total), causes: [] };
  if (failed === 0 || passing === 0) return result;
  const minFailed = Math.max(1, Math.min(options.minFailed ?? 1, failed));

  interface Tally {
    factor: Factor;
    maxDepth: number;
    failed: string[];
    passing: string[];
  }
  const tallies = new Map<string, Tally>();
  for (const o of outcomes) {
    const seen = new Set<string>();
    for (const f of o.factors) {
      if (seen.has(f.key)) continue;
      seen.add(f.key);
      let t = tallies.get(f.key);
      if (!t) {
        t = { factor: { ...f }, maxDepth: f.depth, failed: [], passing: [] };
        tallies.set(f.key, t);
      } else {
        if (f.depth < t.factor.depth) t.factor = { ...t.factor, depth: f.depth };
        t.maxDepth = Math.max(t.maxDepth, f.depth);
      }
      // Link to a failed output's instance of the factor when there is one.
      if (o.isFailed && t.failed.length === 0) t.factor = { ...t.factor, node: f.node };
      (o.isFailed ? t.failed : t.passing).push(o.id);
    }
  }

  const rows: (CauseRow & { signature: string })[] = [];
  for (const t of tallies.values()) {
    if (t.failed.length < minFailed) continue;
    const fw = t.failed.length;
    const pw = t.passing.length;
    const without = total - fw - pw;
    const rateWith = fw / (fw + pw);
    rows.push({
      ...t.factor,
      maxDepth: t.maxDepth,
      isTransitive: t.factor.depth > 1,
      place: placeOf(t.factor.kind, t.factor.depth, t.maxDepth),
      failedWith: fw,
      passingWith: pw,
      failedWithout: failed - fw,
      passingWithout: passing - pw,
      rateWith: round(rateWith),
      rateWithout: without === 0 ? null : round((failed - fw) / without),
      lift: round(rateWith / (failed / total)),
      score: round(fw / failed - pw / passing),
      failedOutputs: [...t.failed].sort(),
      alsoPresent: [],
      signature: [...t.failed, "|", ...t.passing].sort().join(","),
    });
  }
  rows.sort(
    (x, y) =>
      y.score - x.score ||
      y.lift - x.lift ||
      KIND_ORDER[x.kind] - KIND_ORDER[y.kind] ||
      x.depth - y.depth ||
      (x.label < y.label ? -1 : x.label > y.label ? 1 : 0),
  );

  const groups = new Map<string, CauseRow & { signature: string }>();
  const ranked: (CauseRow & { signature: string })[] = [];
  for (const row of rows) {
    const head = groups.get(row.signature);
    if (head) {
      head.alsoPresent.push({ key: row.key, kind: row.kind, label: row.label, node: row.node });
      continue;
    }
    groups.set(row.signature, row);
    ranked.push(row);
  }
  result.causes = ranked.slice(0, limit).map(({ signature: _s, ...row }) => row);
  return result;
}

/** Where a factor sits, in words: "the run that made the output", "3 runs up", "2 to 4 runs up". */
export function placeOf(kind: FactorKind, depth: number, maxDepth: number = depth): string {
  const how = kind === "parameter" ? "set" : "read";
  if (maxDepth <= 1) return depth === 0 ? "set by the failed run itself" : `${how} by the run that made the output`;
  const runs = depth === maxDepth ? `${depth}` : `${Math.max(depth, 1)} to ${maxDepth}`;
  return `${how} ${runs} runs up${depth <= 1 ? " (for some outputs by the run that made them)" : ", not by the run that made the output"}`;
}

/**
 * The factors behind one output (a dataset version or a run) in a version graph: every upstream
 * dataset version (a model's version is a checkpoint) and every parameter value of every upstream
 * run, the output's own run included.
 */
export function factorsBehind(graph: VersionGraph, outputId: string, adjacency: Adjacency = buildAdjacency(graph.edges)): Factor[] {
  const factors: Factor[] = [];
  const distances = runDistances(graph, adjacency, outputId);
  const self = graph.nodes[outputId];
  if (self?.type === "run") distances.set(outputId, 0);
  for (const [id, depth] of [...distances.entries()].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const n = graph.nodes[id];
    if (!n) continue;
    if (n.type === "datasetVersion") {
      factors.push({
        key: `version:${id}`,
        kind: n.kind === "model" ? "checkpoint" : "version",
        label: `${n.name}@${n.version ?? "?"}`,
        node: id,
        depth,
      });
    } else {
      for (const [key, value] of Object.entries(n.parameters).sort(([x], [y]) => (x < y ? -1 : 1))) {
        factors.push({
          key: `param:${n.entity}:${key}=${value}`,
          kind: "parameter",
          label: `${n.name}: ${key} = ${value}`,
          node: id,
          depth,
        });
      }
    }
  }
  return factors;
}
