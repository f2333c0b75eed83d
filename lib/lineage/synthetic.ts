/**
 * Synthetic loops and drift: for a dataset or model version, how much of the data behind it is
 * synthetic, and how many times model output has been fed back into training upstream of it (its
 * generation). Model collapse — models trained on their own outputs, generation after generation —
 * is a risk a team must see coming; these two numbers are how it shows.
 *
 * Definitions, over the version graph (pure, deterministic):
 * - share(v), 0..1:
 *   - the `threadline_synthetic.syntheticShare` the producer recorded, when there is one;
 *   - else 1 for model output: a non-model version written by a run that read a model;
 *   - else 0 for a source (no producing run): human data;
 *   - else the mean of its producing run's inputs' shares (prompts aside, they condition rather
 *     than feed), weighted by their rows when every input's row count is known, equally otherwise.
 *     A model's inputs include its base model, whose weight is the data it was trained on, so a
 *     fine-tune's share covers the pretraining data too.
 * - rows(v): its recorded row count; for a model (or data without a count), the rows of its inputs
 *   when all are known. This is the weight above.
 * - generation(v): the largest number of feedbacks on any path up from v. A feedback is a version
 *   with synthetic data (share > 0, models aside) read by a training run (one that writes a model);
 *   it counts max(generation(input) + 1, the input's recorded threadline_synthetic.generation).
 *   A synthetic source recorded as generation g carries g - 1 feedbacks already.
 */
import { buildAdjacency, inputsOf, producerOf, type Adjacency, type VersionGraph } from "./investigate-graph";

export interface SyntheticThresholds {
  /** Warn when a model's training data is at least this synthetic (0..1). */
  share: number;
  /** Warn when a model is at least this many feedback generations deep. */
  generations: number;
}

export const DEFAULT_SYNTHETIC_THRESHOLDS: SyntheticThresholds = { share: 0.5, generations: 2 };

/** Which rule of the one definition (module comment) gave a version its share. */
export type SyntheticBasis = "recorded" | "model-output" | "source" | "inputs";

export interface SyntheticNumbers {
  share: number;
  basis: SyntheticBasis;
  rows: number | null;
  generation: number;
  /** Non-model output of a run that read a model. */
  isModelOutput: boolean;
}

export interface SyntheticSource {
  /** A synthetic version behind the node: recorded as synthetic, or model output. */
  node: string;
  share: number;
  generation: number;
  rows: number | null;
  isRecordedSynthetic: boolean;
  /** Training runs behind the node that read it directly. */
  enteredTraining: string[];
}

export interface SyntheticWarning {
  code: "mostly-synthetic" | "deep-generation";
  message: string;
}

export interface SyntheticReport extends SyntheticNumbers {
  node: string;
  isModel: boolean;
  sources: SyntheticSource[];
  warnings: SyntheticWarning[];
  thresholds: SyntheticThresholds;
}

/** Share, rows and generation of every dataset version in the graph. */
export function computeSynthetic(graph: VersionGraph, adjacency: Adjacency = buildAdjacency(graph.edges)): Map<string, SyntheticNumbers> {
  const memo = new Map<string, SyntheticNumbers>();
  const inProgress = new Set<string>();

  const visit = (id: string): SyntheticNumbers => {
    const known = memo.get(id);
    if (known) return known;
    const n = graph.nodes[id];
    // The version graph is acyclic; should a cycle slip in, the edge that closes it adds nothing.
    if (!n || inProgress.has(id)) return { share: 0, basis: "source", rows: null, generation: 0, isModelOutput: false };
    inProgress.add(id);

    const run = producerOf(graph, adjacency, id);
    const inputs = run ? inputsOf(graph, adjacency, run).filter((i) => graph.nodes[i]?.kind !== "prompt") : [];
    const numbers = inputs.map((i) => ({ id: i, node: graph.nodes[i], ...visit(i) }));
    const isModel = n.kind === "model";
    const isModelOutput = !isModel && numbers.some((x) => x.node?.kind === "model");

    let share: number;
    let basis: SyntheticBasis = "inputs";
    if (n.syntheticShare !== null) [share, basis] = [n.syntheticShare, "recorded"];
    else if (isModelOutput) [share, basis] = [1, "model-output"];
    else if (!run || numbers.length === 0) [share, basis] = [n.isSynthetic ? 1 : 0, n.isSynthetic ? "recorded" : "source"];
    else {
      const weighted = numbers.every((x) => x.rows !== null && x.rows > 0);
      const total = weighted ? numbers.reduce((s, x) => s + (x.rows as number), 0) : numbers.length;
      share = numbers.reduce((s, x) => s + x.share * (weighted ? (x.rows as number) : 1), 0) / total;
    }

    const inputRows = numbers.length > 0 && numbers.every((x) => x.rows !== null) ? numbers.reduce((s, x) => s + (x.rows as number), 0) : null;
    const rows = !isModel && n.rowCount !== null ? n.rowCount : inputRows;

    let generation = !run && n.syntheticGeneration !== null ? Math.max(0, n.syntheticGeneration - 1) : 0;
    for (const x of numbers) {
      generation = Math.max(generation, x.generation);
      if (isModel && x.node?.kind !== "model" && x.share > 0) {
        generation = Math.max(generation, x.generation + 1, x.node?.syntheticGeneration ?? 0);
      }
    }

    const result = { share: clamp01(share), basis, rows, generation, isModelOutput };
    inProgress.delete(id);
    memo.set(id, result);
    return result;
  };

  for (const [id, n] of Object.entries(graph.nodes)) if (n.type === "datasetVersion") visit(id);
  return memo;
}

/**
 * What a share means, said the same way wherever one is shown (the synthetic card, the graph's
 * badges): a model output's 100 % and its model's 1 % are both true, of different things.
 */
export function describeSyntheticBasis(basis: SyntheticBasis, isModel: boolean): string {
  switch (basis) {
    case "recorded":
      return "as its producer recorded it (threadline_synthetic)";
    case "model-output":
      return "all of it: it is model output, written by a run that read a model";
    case "source":
      return "none: a source no run made, taken as human data";
    case "inputs":
      return isModel
        ? "of the data it was trained on, weighted by rows (its base model's training data included)"
        : "of the data it was made from, weighted by rows";
  }
}

function clamp01(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 10_000) / 10_000;
}

/** The synthetic report of one version: its numbers, the synthetic data behind it, warnings. */
export function syntheticReport(
  graph: VersionGraph,
  id: string,
  thresholds: SyntheticThresholds = DEFAULT_SYNTHETIC_THRESHOLDS,
): SyntheticReport {
  const adjacency = buildAdjacency(graph.edges);
  const all = computeSynthetic(graph, adjacency);
  const own: SyntheticNumbers = all.get(id) ?? { share: 0, basis: "source", rows: null, generation: 0, isModelOutput: false };
  const isModel = graph.nodes[id]?.kind === "model";

  // Synthetic versions behind the node, and the training runs (behind the node) that read them.
  const behind = new Set<string>();
  const stack = [...(adjacency.upstream.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (behind.has(next)) continue;
    behind.add(next);
    stack.push(...(adjacency.upstream.get(next) ?? []));
  }
  const sources: SyntheticSource[] = [];
  for (const v of [...behind].sort()) {
    const n = graph.nodes[v];
    const numbers = all.get(v);
    if (!n || n.type !== "datasetVersion" || !numbers || n.kind === "model") continue;
    if (!n.isSynthetic && !numbers.isModelOutput) continue;
    const enteredTraining = (adjacency.downstream.get(v) ?? []).filter((r) => {
      if (!(behind.has(r) || r === id) || graph.nodes[r]?.type !== "run") return false;
      return (adjacency.downstream.get(r) ?? []).some((o) => graph.nodes[o]?.kind === "model");
    });
    sources.push({
      node: v,
      share: numbers.share,
      generation: numbers.generation,
      rows: numbers.rows,
      isRecordedSynthetic: n.isSynthetic,
      enteredTraining,
    });
  }
  // What fed training first, then recorded synthetic sets, then the rest.
  sources.sort(
    (a, b) =>
      Number(b.enteredTraining.length > 0) - Number(a.enteredTraining.length > 0) ||
      Number(b.isRecordedSynthetic) - Number(a.isRecordedSynthetic) ||
      (a.node < b.node ? -1 : 1),
  );

  const warnings: SyntheticWarning[] = [];
  if (isModel && own.share >= thresholds.share) {
    warnings.push({
      code: "mostly-synthetic",
      message: `${Math.round(own.share * 100)} % of the data behind this model is synthetic (threshold ${Math.round(thresholds.share * 100)} %).`,
    });
  }
  if (isModel && own.generation >= thresholds.generations) {
    warnings.push({
      code: "deep-generation",
      message: `Model output was fed back into training ${own.generation} times upstream of this model (threshold ${thresholds.generations}).`,
    });
  }
  return { node: id, ...own, isModel, sources, warnings, thresholds };
}
