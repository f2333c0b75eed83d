/**
 * Lineage diff: what differs between the upstream version graphs of two artefacts (a failed output
 * and a good one, usually). Pure: it takes one version graph holding both ancestries.
 *
 * The two ancestries are aligned from the top down rather than compared as sets, so a pipeline
 * that runs the same job several times (curation for pretraining and again for fine-tuning) still
 * lines up: the runs that made `a` and `b` are paired, then their inputs are paired by dataset, and
 * where the versions differ the runs that made those versions are paired in turn. Identical
 * versions end the walk (everything above them is the same), so its cost is the size of the
 * difference, not of the graphs.
 *
 * Differences reported: inputs added, removed or read at another version; parameters changed
 * (old -> new); code version changed; another job; and the reasons recorded (threadline_change) on
 * the versions and runs that differ. `ranked` orders all of them by a simple, explainable score:
 * kind of difference (a changed checkpoint or a synthetic input weigh most) divided by how far up
 * it sits, with seeds and parameters that merely name a changed input counted at half weight.
 */
import {
  buildAdjacency,
  inputsOf,
  labelOf,
  producerOf,
  upstreamClosure,
  type ChangeNote,
  type VersionGraph,
  type VersionGraphNode,
} from "./investigate-graph";
import { describeSchemaChange, schemaChanges, type SchemaChange, type SchemaField } from "./columns";

/** Schema changes from one version to another; none when either side recorded no schema. */
function schemaChangesBetween(before: SchemaField[] | undefined, after: SchemaField[] | undefined): SchemaChange[] {
  return before && after && before.length > 0 && after.length > 0 ? schemaChanges(before, after) : [];
}

export interface ParameterDifference {
  /** The run on a's side. */
  node: string;
  /** The run on b's side it was compared with. */
  counterpart: string;
  job: string;
  key: string;
  /** Value on a's side; null when a's run has no such parameter. */
  a: string | null;
  b: string | null;
  /** Runs between the compared artefacts and this run (0: the runs that made them). */
  depth: number;
}

export interface InputPresence {
  /** The version read on one side only. */
  node: string;
  dataset: string;
  /** The run that read it. */
  run: string;
  depth: number;
}

export interface InputChange {
  /** The dataset read at two versions. */
  node: string;
  /** The version a's side read, and b's. */
  a: string;
  b: string;
  aVersion: string | null;
  bVersion: string | null;
  run: string;
  depth: number;
  /** How the dataset's schema changed from b's version to a's (fields added, removed, retyped). */
  schemaChanges: SchemaChange[];
}

export interface CodeDifference {
  node: string;
  counterpart: string;
  job: string;
  a: string | null;
  b: string | null;
  depth: number;
}

export interface JobDifference {
  node: string;
  counterpart: string;
  a: string;
  b: string;
  depth: number;
}

export interface ReasonEntry extends ChangeNote {
  node: string;
  side: "a" | "b";
}

export type DifferenceKind = "input-changed" | "input-added" | "input-removed" | "parameter" | "code" | "job";

export interface RankedDifference {
  /** Stable key of this difference (for lists and tests). */
  key: string;
  kind: DifferenceKind;
  /** The node to show in the graph (a's side; b's side for a removed input). */
  node: string;
  counterpart: string | null;
  title: string;
  detail: string;
  depth: number;
  score: number;
  /** The reason recorded on the differing node, if any. */
  reason: ChangeNote | null;
}

/**
 * How a node of either ancestry is drawn: `changed` (a's side of a differing pair), `counterpart`
 * (b's side of it), `added` (only behind a), `removed` (only behind b), `same` (behind both).
 */
export type DiffMark = "changed" | "counterpart" | "added" | "removed" | "same";

export interface LineageDiff {
  a: string;
  b: string;
  parameters: ParameterDifference[];
  inputs: { added: InputPresence[]; removed: InputPresence[]; changed: InputChange[] };
  code: CodeDifference[];
  jobs: JobDifference[];
  reasons: ReasonEntry[];
  ranked: RankedDifference[];
  marks: Record<string, DiffMark>;
}

const WEIGHT: Record<DifferenceKind, number> = {
  "input-changed": 3,
  "input-added": 3,
  "input-removed": 3,
  job: 3,
  code: 2.5,
  parameter: 2,
};

/** Keys that differ on every run by design: a difference there explains little. */
const NOISY_KEY = /(^|[_-])(seed|run_?id|run_date|timestamp)$/i;

/** Score of one difference: its kind's weight, halved per two runs of distance. */
function scoreOf(kind: DifferenceKind, depth: number, bonus = 0, factor = 1): number {
  return Math.round(((WEIGHT[kind] + bonus) * factor * 1000) / (1 + 0.5 * depth)) / 1000;
}

/**
 * One ranked difference, keyed `<kind>:<id>`, shown at `at.node` beside its counterpart; its score
 * follows from its kind and depth, raised by `bonus` (a checkpoint, synthetic data) or damped by
 * `factor` (a noisy or derived parameter).
 */
function rankedDifference(
  kind: DifferenceKind,
  id: string,
  at: { node: string; counterpart: string | null; depth: number },
  reason: ChangeNote | null,
  words: { title: string; detail: string; bonus?: number; factor?: number },
): RankedDifference {
  return {
    key: `${kind}:${id}`,
    kind,
    node: at.node,
    counterpart: at.counterpart,
    title: words.title,
    detail: words.detail,
    depth: at.depth,
    score: scoreOf(kind, at.depth, words.bonus, words.factor),
    reason,
  };
}

/**
 * Diffs the upstream lineage of `a` against that of `b` (dataset versions or runs; a version is
 * compared through the run that made it). `graph` must hold both ancestries.
 */
export function diffLineage(graph: VersionGraph, a: string, b: string): LineageDiff {
  const adjacency = buildAdjacency(graph.edges);
  const node = (id: string): VersionGraphNode | undefined => graph.nodes[id];
  const runOf = (id: string) => (node(id)?.type === "run" ? id : producerOf(graph, adjacency, id));

  const result: LineageDiff = {
    a,
    b,
    parameters: [],
    inputs: { added: [], removed: [], changed: [] },
    code: [],
    jobs: [],
    reasons: [],
    ranked: [],
    marks: {},
  };
  const changedA = new Set<string>();
  const counterpartB = new Set<string>();
  const reasonsFor = new Map<string, ReasonEntry>();
  const noteReason = (id: string, side: "a" | "b") => {
    const change = node(id)?.change;
    if (change && !reasonsFor.has(id)) reasonsFor.set(id, { node: id, side, ...change });
  };

  if (a !== b) {
    changedA.add(a);
    counterpartB.add(b);
    noteReason(a, "a");
    noteReason(b, "b");
  }

  const visited = new Set<string>();
  const compareRuns = (ra: string, rb: string, depth: number) => {
    const pair = `${ra}|${rb}`;
    if (visited.has(pair) || ra === rb) return;
    visited.add(pair);
    const na = node(ra);
    const nb = node(rb);
    if (!na || !nb) return;
    let differs = false;

    if (na.entity !== nb.entity) {
      result.jobs.push({ node: ra, counterpart: rb, a: na.entity, b: nb.entity, depth });
      differs = true;
    }
    const keys = [...new Set([...Object.keys(na.parameters), ...Object.keys(nb.parameters)])].sort();
    for (const key of keys) {
      const va = na.parameters[key] ?? null;
      const vb = nb.parameters[key] ?? null;
      if (va !== vb) {
        result.parameters.push({ node: ra, counterpart: rb, job: na.entity, key, a: va, b: vb, depth });
        differs = true;
      }
    }
    if (na.codeVersion !== nb.codeVersion && (na.codeVersion !== null || nb.codeVersion !== null)) {
      result.code.push({ node: ra, counterpart: rb, job: na.entity, a: na.codeVersion, b: nb.codeVersion, depth });
      differs = true;
    }

    const byDataset = (run: string) => {
      const map = new Map<string, string>();
      for (const v of inputsOf(graph, adjacency, run)) {
        const entity = node(v)?.entity ?? v;
        // Two versions of one dataset read by one run: keep the first by id, deterministically.
        if (!map.has(entity)) map.set(entity, v);
      }
      return map;
    };
    const ia = byDataset(ra);
    const ib = byDataset(rb);
    const datasets = [...new Set([...ia.keys(), ...ib.keys()])].sort();
    const next: [string, string][] = [];
    for (const dataset of datasets) {
      const va = ia.get(dataset);
      const vb = ib.get(dataset);
      if (va && !vb) {
        result.inputs.added.push({ node: va, dataset, run: ra, depth });
        changedA.add(va);
        noteReason(va, "a");
        differs = true;
      } else if (vb && !va) {
        result.inputs.removed.push({ node: vb, dataset, run: rb, depth });
        noteReason(vb, "b");
        differs = true;
      } else if (va && vb && va !== vb) {
        result.inputs.changed.push({
          node: dataset,
          a: va,
          b: vb,
          aVersion: node(va)?.version ?? null,
          bVersion: node(vb)?.version ?? null,
          run: ra,
          depth,
          schemaChanges: schemaChangesBetween(node(vb)?.schema, node(va)?.schema),
        });
        changedA.add(va);
        counterpartB.add(vb);
        noteReason(va, "a");
        noteReason(vb, "b");
        differs = true;
        const pa = producerOf(graph, adjacency, va);
        const pb = producerOf(graph, adjacency, vb);
        if (pa && pb) next.push([pa, pb]);
      }
    }
    if (differs) {
      changedA.add(ra);
      counterpartB.add(rb);
      noteReason(ra, "a");
      noteReason(rb, "b");
    }
    for (const [pa, pb] of next) compareRuns(pa, pb, depth + 1);
  };

  const ra = runOf(a);
  const rb = runOf(b);
  if (ra && rb) compareRuns(ra, rb, 0);

  result.reasons = [...reasonsFor.values()];
  result.ranked = rank(result, graph);
  result.marks = marksOf(graph, adjacency, a, b, changedA, counterpartB);
  return result;
}

function marksOf(
  graph: VersionGraph,
  adjacency: ReturnType<typeof buildAdjacency>,
  a: string,
  b: string,
  changedA: ReadonlySet<string>,
  counterpartB: ReadonlySet<string>,
): Record<string, DiffMark> {
  const sideA = upstreamClosure(adjacency, a).add(a);
  const sideB = upstreamClosure(adjacency, b).add(b);
  const marks: Record<string, DiffMark> = {};
  for (const id of [...new Set([...sideA, ...sideB])].sort()) {
    if (!graph.nodes[id]) continue;
    if (changedA.has(id) && sideA.has(id)) marks[id] = "changed";
    else if (sideA.has(id) && !sideB.has(id)) marks[id] = "added";
    else if (counterpartB.has(id) && !sideA.has(id)) marks[id] = "counterpart";
    else if (sideB.has(id) && !sideA.has(id)) marks[id] = "removed";
    else marks[id] = "same";
  }
  return marks;
}

function rank(diff: LineageDiff, graph: VersionGraph): RankedDifference[] {
  const node = (id: string) => graph.nodes[id];
  const reasonOf = (...ids: (string | null)[]) => {
    for (const id of ids) {
      const change = id ? node(id)?.change : null;
      if (change) return change;
    }
    return null;
  };
  const items: RankedDifference[] = [];

  for (const c of diff.inputs.changed) {
    const va = node(c.a);
    const isModel = va?.kind === "model";
    items.push(
      rankedDifference("input-changed", `${c.node}:${c.a}`, { node: c.a, counterpart: c.b, depth: c.depth }, reasonOf(c.a, c.run), {
        title: `${isModel ? "Checkpoint" : "Input"} ${va?.name ?? c.node}: ${c.bVersion ?? "?"} → ${c.aVersion ?? "?"}${c.schemaChanges.length > 0 ? ", schema changed" : ""}`,
        detail:
          `${labelOf(node(c.run), c.run)} read ${va?.name ?? c.node}@${c.aVersion ?? "?"} instead of @${c.bVersion ?? "?"}` +
          (c.schemaChanges.length > 0 ? `; its schema changed: ${c.schemaChanges.map(describeSchemaChange).join("; ")}` : ""),
        bonus: isModel ? 1 : 0,
      }),
    );
  }
  for (const x of diff.inputs.added) {
    const v = node(x.node);
    const isSynthetic = v?.isSynthetic === true;
    items.push(
      rankedDifference("input-added", x.node, { node: x.node, counterpart: null, depth: x.depth }, reasonOf(x.node, x.run), {
        title: `${isSynthetic ? "Synthetic input" : "Input"} added: ${labelOf(v, x.node)}`,
        detail: `${labelOf(node(x.run), x.run)} read ${labelOf(v, x.node)}; the comparison's run read no version of it`,
        bonus: isSynthetic ? 1 : 0,
      }),
    );
  }
  for (const x of diff.inputs.removed) {
    const v = node(x.node);
    items.push(
      rankedDifference("input-removed", x.node, { node: x.node, counterpart: null, depth: x.depth }, reasonOf(x.node, x.run), {
        title: `Input removed: ${labelOf(v, x.node)}`,
        detail: `the comparison's ${labelOf(node(x.run), x.run)} read ${labelOf(v, x.node)}; this one did not`,
        bonus: v?.isSynthetic ? 1 : 0,
      }),
    );
  }
  // A parameter that only names a changed input ("model = …@v3") restates that input's change.
  const changedInputNames = new Map<string, string[]>();
  for (const c of diff.inputs.changed) {
    const name = node(c.a)?.name;
    if (name) changedInputNames.set(c.run, [...(changedInputNames.get(c.run) ?? []), name]);
  }
  for (const x of [...diff.inputs.added]) {
    const name = node(x.node)?.name;
    if (name) changedInputNames.set(x.run, [...(changedInputNames.get(x.run) ?? []), name]);
  }
  for (const p of diff.parameters) {
    const names = changedInputNames.get(p.node) ?? [];
    const isDerived = names.some((n) => (p.a ?? "").includes(n) || (p.b ?? "").includes(n));
    const factor = NOISY_KEY.test(p.key) || isDerived ? 0.5 : 1;
    items.push(
      rankedDifference("parameter", `${p.node}:${p.key}`, p, reasonOf(p.node), {
        title: `${p.key}: ${p.b ?? "(unset)"} → ${p.a ?? "(unset)"}`,
        detail: `parameter of ${labelOf(node(p.node), p.node)}`,
        factor,
      }),
    );
  }
  for (const c of diff.code) {
    items.push(
      rankedDifference("code", c.node, c, reasonOf(c.node), {
        title: `Code version of ${node(c.node)?.name ?? c.job}: ${short(c.b)} → ${short(c.a)}`,
        detail: `sourceCodeLocation.version of ${labelOf(node(c.node), c.node)}`,
      }),
    );
  }
  for (const j of diff.jobs) {
    items.push(
      rankedDifference("job", j.node, j, reasonOf(j.node), {
        title: `Made by another job: ${node(j.counterpart)?.name ?? j.b} → ${node(j.node)?.name ?? j.a}`,
        detail: "the same dataset was written by a different job",
      }),
    );
  }
  return items.sort((x, y) => y.score - x.score || x.depth - y.depth || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

function short(commit: string | null): string {
  if (commit === null) return "(none)";
  return /^[0-9a-f]{12,}$/i.test(commit) ? commit.slice(0, 8) : commit;
}
