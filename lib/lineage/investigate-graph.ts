/**
 * The version graph as the investigation functions (diff, common causes, synthetic share, flag
 * propagation) see it: dataset versions and runs with just the attributes those functions compare,
 * and the data-flow edges between them. Plain data, no I/O: lib/server/investigate.ts builds it
 * from the projection, unit tests build it by hand.
 */
import type { LineageEdge, RunState } from "./types";
import type { SchemaField } from "./columns";

/** Why a version or run changed, as the threadline_change facet recorded it. */
export interface ChangeNote {
  reason: string;
  author: string | null;
  ticket: string | null;
}

export interface VersionGraphNode {
  id: string;
  type: "datasetVersion" | "run";
  /** The entity it belongs to: the dataset id of a version, the job id of a run. */
  entity: string;
  namespace: string;
  name: string;
  /** Version label of a dataset version; null for a run. */
  version: string | null;
  /** Dataset kind (data, model, prompt, output, eval) of a version; job kind of a run. */
  kind: string | null;
  /** Run state; null for a version. */
  state: RunState | null;
  isFailed: boolean;
  /** The version carries threadline_synthetic. */
  isSynthetic: boolean;
  /** threadline_synthetic.syntheticShare (0..1), when recorded. */
  syntheticShare: number | null;
  /** threadline_synthetic.generation, when recorded. */
  syntheticGeneration: number | null;
  /** Rows written (outputStatistics), when recorded. */
  rowCount: number | null;
  /** A run's flattened parameters (executionParameters, threadline_generation). */
  parameters: Record<string, string>;
  /** A run's code version (sourceCodeLocation.version of its job, as the run saw it). */
  codeVersion: string | null;
  change: ChangeNote | null;
  /** When it was made (ISO-8601). */
  time: string | null;
  /** A version's schema (its schema facet's fields by path), when recorded. */
  schema?: SchemaField[];
}

export interface VersionGraph {
  nodes: Record<string, VersionGraphNode>;
  edges: LineageEdge[];
}

export interface Adjacency {
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
}

/** Both directions of the edges, each list sorted so every walk is deterministic. */
export function buildAdjacency(edges: readonly LineageEdge[]): Adjacency {
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, value: string) => {
    const list = map.get(key);
    if (list) {
      if (!list.includes(value)) list.push(value);
    } else {
      map.set(key, [value]);
    }
  };
  for (const e of edges) {
    push(downstream, e.source, e.target);
    push(upstream, e.target, e.source);
  }
  for (const list of upstream.values()) list.sort();
  for (const list of downstream.values()) list.sort();
  return { upstream, downstream };
}

/** Every node upstream of `id` (not `id` itself). Terminates on cycles. */
export function upstreamClosure(adjacency: Adjacency, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(adjacency.upstream.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next) || next === id) continue;
    seen.add(next);
    for (const up of adjacency.upstream.get(next) ?? []) if (!seen.has(up)) stack.push(up);
  }
  return seen;
}

/**
 * For every node upstream of `id`: how many runs lie between `id` and it, counting the node itself
 * when it is a run. The run that made a version is 1 away, that run's inputs are 1 away, their
 * producers 2 away... (breadth-first on this weight: the shortest such count).
 */
export function runDistances(graph: VersionGraph, adjacency: Adjacency, id: string): Map<string, number> {
  const dist = new Map<string, number>();
  const isRun = (n: string) => graph.nodes[n]?.type === "run" || n.startsWith("run:");
  // 0-1 breadth-first search: entering a run costs 1, entering a version costs nothing.
  const deque: [string, number][] = [[id, isRun(id) ? 1 : 0]];
  dist.set(id, deque[0][1]);
  while (deque.length > 0) {
    const [node, d] = deque.shift() as [string, number];
    if (d > (dist.get(node) ?? Infinity)) continue;
    for (const up of adjacency.upstream.get(node) ?? []) {
      const w = isRun(up) ? 1 : 0;
      const nd = d + w;
      if (nd < (dist.get(up) ?? Infinity)) {
        dist.set(up, nd);
        if (w === 0) deque.unshift([up, nd]);
        else deque.push([up, nd]);
      }
    }
  }
  dist.delete(id);
  return dist;
}

/** The run that wrote a version (its only upstream run), or null for a source. */
export function producerOf(graph: VersionGraph, adjacency: Adjacency, versionId: string): string | null {
  const runs = (adjacency.upstream.get(versionId) ?? []).filter((n) => graph.nodes[n]?.type === "run");
  return runs[0] ?? null;
}

/** The versions a run read, sorted by id. */
export function inputsOf(graph: VersionGraph, adjacency: Adjacency, runId: string): string[] {
  return (adjacency.upstream.get(runId) ?? []).filter((n) => graph.nodes[n]?.type === "datasetVersion");
}

/** "generated/molecules-batch@2026-11-02" for a version, "generate-candidates run" for a run. */
export function labelOf(node: VersionGraphNode | undefined, fallback = ""): string {
  if (!node) return fallback;
  return node.type === "datasetVersion" ? `${node.name}@${node.version ?? "?"}` : `${node.name} run`;
}
