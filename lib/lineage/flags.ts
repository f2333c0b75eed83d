/**
 * Flags on dataset versions (bias found, licence problem, PII, contamination, toxic output, marked
 * failed) and how they propagate: every node downstream of a flagged version inherits the flag,
 * with the number of hops it travelled, so a reviewer reads "propagated from X, 3 hops up".
 *
 * Pure. The graph is given as a downstream-neighbour function, so the same code walks the version
 * graph (acyclic) and the entity graph, where synthetic data feeding back into training makes
 * cycles: each flag's walk keeps the shortest hop count per node and never visits a node twice.
 */

export const FLAG_KINDS = ["bias", "licence", "pii", "contamination", "toxic", "failed", "other"] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export const FLAG_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type FlagSeverity = (typeof FLAG_SEVERITIES)[number];

/** A flag as the projection keeps it: never deleted, a removal is recorded on it. */
export interface Flag {
  flagId: string;
  /** The flagged node (a dataset version). */
  node: string;
  kind: FlagKind;
  severity: FlagSeverity;
  reason: string;
  by: string;
  createdAt: string;
  /** The event that added it. */
  seq: number;
  removedAt: string | null;
  removedBy: string | null;
  removedReason: string | null;
  removedSeq: number | null;
}

/** A flag one node inherits from a flagged node upstream. */
export interface InheritedFlag {
  flagId: string;
  /** The flagged node it came from. */
  from: string;
  /** Steps (runs in the version graph, jobs in the entity graph) between `from` and this node. */
  hops: number;
  /** The upstream neighbour it arrived through (on one shortest path). */
  via: string;
}

/** Is the flag in force at `asOfSeq` (the whole log when omitted)? */
export function isFlagActive(flag: Pick<Flag, "seq" | "removedSeq">, asOfSeq: number = Number.MAX_SAFE_INTEGER): boolean {
  return flag.seq <= asOfSeq && (flag.removedSeq === null || flag.removedSeq > asOfSeq);
}

/**
 * Propagates flags downstream. `sources` are the active flags and the nodes they sit on;
 * `downstreamOf` lists a node's direct downstream neighbours; `isStep` says which nodes count as a
 * hop when entered (runs, jobs). Returns, for every node reached, the flags it inherits, nearest
 * first. A flagged node does not inherit its own flag back through a cycle.
 */
export function propagateFlags(
  sources: readonly { flagId: string; node: string }[],
  downstreamOf: (id: string) => readonly string[],
  isStep: (id: string) => boolean,
): Map<string, InheritedFlag[]> {
  const inherited = new Map<string, InheritedFlag[]>();
  for (const source of sources) {
    const best = new Map<string, { hops: number; via: string }>([[source.node, { hops: 0, via: source.node }]]);
    // 0-1 breadth-first search: entering a step costs one hop, anything else none.
    const deque: string[] = [source.node];
    while (deque.length > 0) {
      const current = deque.shift() as string;
      const { hops } = best.get(current) as { hops: number };
      for (const next of downstreamOf(current)) {
        const cost = isStep(next) ? 1 : 0;
        const known = best.get(next);
        if (known !== undefined && known.hops <= hops + cost) continue;
        best.set(next, { hops: hops + cost, via: current });
        if (cost === 0) deque.unshift(next);
        else deque.push(next);
      }
    }
    for (const [node, { hops, via }] of best) {
      if (node === source.node) continue;
      const list = inherited.get(node) ?? [];
      list.push({ flagId: source.flagId, from: source.node, hops, via });
      inherited.set(node, list);
    }
  }
  for (const list of inherited.values()) list.sort((a, b) => a.hops - b.hops || (a.flagId < b.flagId ? -1 : 1));
  return inherited;
}

/** "propagated from generated/x@v1, 3 hops up" */
export function describeInheritance(fromLabel: string, hops: number): string {
  return `propagated from ${fromLabel}, ${hops} hop${hops === 1 ? "" : "s"} up`;
}

/** A node a flag reaches, as the impact summary lists it. */
export interface ImpactedNode {
  id: string;
  type: "datasetVersion" | "run" | "dataset" | "job";
  name: string;
  version: string | null;
  kind: string | null;
  isFailed: boolean;
  hops: number;
}

export interface ImpactSummary {
  counts: { total: number; versions: number; models: number; outputs: number; evaluations: number; data: number; runs: number; failed: number };
  /** Model versions (checkpoints) the flag reaches, nearest first. */
  models: ImpactedNode[];
  /** Generated outputs and evaluation reports it reaches, nearest first. */
  outputs: ImpactedNode[];
  nodes: ImpactedNode[];
}

/** Counts and lists what one flag touched. */
export function summariseImpact(nodes: readonly ImpactedNode[]): ImpactSummary {
  const sorted = [...nodes].sort((a, b) => a.hops - b.hops || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const versions = sorted.filter((n) => n.type === "datasetVersion");
  const models = versions.filter((n) => n.kind === "model");
  const outputs = versions.filter((n) => n.kind === "output" || n.kind === "eval");
  return {
    counts: {
      total: sorted.length,
      versions: versions.length,
      models: models.length,
      outputs: versions.filter((n) => n.kind === "output").length,
      evaluations: versions.filter((n) => n.kind === "eval").length,
      data: versions.filter((n) => n.kind !== "model" && n.kind !== "output" && n.kind !== "eval").length,
      runs: sorted.filter((n) => n.type === "run").length,
      failed: sorted.filter((n) => n.isFailed).length,
    },
    models,
    outputs,
    nodes: sorted,
  };
}

/** One CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The impact of one flag as CSV: a header, then one line per affected node, nearest first. */
export function impactCsv(flag: Pick<Flag, "flagId" | "node" | "kind" | "severity">, summary: ImpactSummary): string {
  const header = ["flag_id", "flag_kind", "severity", "flagged_node", "node_id", "node_type", "name", "version", "kind", "hops", "is_failed"];
  const lines = [header.join(",")];
  for (const n of summary.nodes) {
    lines.push(
      [flag.flagId, flag.kind, flag.severity, flag.node, n.id, n.type, n.name, n.version, n.kind, n.hops, n.isFailed]
        .map((v) => csvCell(v))
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
