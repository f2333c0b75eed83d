/**
 * Hand-built version graphs for the investigation tests: a small builder and a miniature of the
 * demo story (fine-tune v2 -> v3 with a synthetic set fed back into training, a failed batch and a
 * passing one). Pure data, no I/O.
 */
import type { ChangeNote, VersionGraph, VersionGraphNode } from "./investigate-graph";
import type { RunState } from "./types";

export interface VersionSpec {
  kind?: string;
  isFailed?: boolean;
  synthetic?: { share: number; generation?: number };
  rowCount?: number;
  change?: ChangeNote;
}

export interface RunSpec {
  inputs: string[];
  outputs: string[];
  parameters?: Record<string, string>;
  codeVersion?: string;
  state?: RunState;
  change?: ChangeNote;
  kind?: string;
}

/** Builds a VersionGraph: versions as `datasetVersion:<dataset>:<version>`, runs as `run:<id>`. */
export class VersionGraphBuilder {
  readonly graph: VersionGraph = { nodes: {}, edges: [] };

  version(dataset: string, version: string, spec: VersionSpec = {}): string {
    const id = `datasetVersion:${dataset}:${version}`;
    this.graph.nodes[id] = {
      id,
      type: "datasetVersion",
      entity: `dataset:${dataset}`,
      namespace: "test",
      name: dataset,
      version,
      kind: spec.kind ?? "data",
      state: null,
      isFailed: spec.isFailed ?? false,
      isSynthetic: spec.synthetic !== undefined,
      syntheticShare: spec.synthetic?.share ?? null,
      syntheticGeneration: spec.synthetic?.generation ?? null,
      rowCount: spec.rowCount ?? null,
      parameters: {},
      codeVersion: null,
      change: spec.change ?? null,
      time: null,
    };
    return id;
  }

  run(job: string, runId: string, spec: RunSpec): string {
    const id = `run:${runId}`;
    const node: VersionGraphNode = {
      id,
      type: "run",
      entity: `job:${job}`,
      namespace: "test",
      name: job,
      version: null,
      kind: spec.kind ?? null,
      state: spec.state ?? "COMPLETED",
      isFailed: spec.state === "FAILED",
      isSynthetic: false,
      syntheticShare: null,
      syntheticGeneration: null,
      rowCount: null,
      parameters: spec.parameters ?? {},
      codeVersion: spec.codeVersion ?? null,
      change: spec.change ?? null,
      time: null,
    };
    this.graph.nodes[id] = node;
    for (const input of spec.inputs) this.graph.edges.push({ source: input, target: id });
    for (const output of spec.outputs) this.graph.edges.push({ source: id, target: output });
    return id;
  }
}

const note = (reason: string): ChangeNote => ({ reason, author: "tester", ticket: null });

/**
 * The demo in miniature. Ids returned for assertions:
 * - failed: batch@b-fail (model v3, temperature 1.2), passing: batch@b-pass (model v2, 0.9);
 * - v3 was fine-tuned on corpus c3 (which adds the CRO assays) and the synthetic set gen-1, made
 *   from batch@b-16, sampled from v2; code changed between the v2 and v3 fine-tunes.
 */
export function miniDemo() {
  const g = new VersionGraphBuilder();
  const assays = g.version("assays", "v2", { rowCount: 1000 });
  const cro = g.version("cro-assays", "d1", { rowCount: 500, change: note("CRO delivery") });
  const c1 = g.version("corpus", "c1", { rowCount: 1000 });
  const c2 = g.version("corpus", "c2", { rowCount: 1000 });
  const c3 = g.version("corpus", "c3", { rowCount: 1500, change: note("add CRO kinase panel") });
  const base = g.version("base-model", "ckpt", { kind: "model" });
  const v2 = g.version("ft-model", "v2", { kind: "model", change: note("lower learning rate") });
  const v3 = g.version("ft-model", "v3", { kind: "model", change: note("add synthetic set gen-1") });
  const prompt = g.version("prompts", "p2", { kind: "prompt" });
  const b16 = g.version("batch", "b-16", { kind: "output", rowCount: 400 });
  const gen1 = g.version("synthetic", "gen-1", { synthetic: { share: 1, generation: 1 }, rowCount: 500 });
  const failed = g.version("batch", "b-fail", { kind: "output", isFailed: true, rowCount: 400 });
  const passing = g.version("batch", "b-pass", { kind: "output", rowCount: 400 });

  g.run("curate", "cur-c1", { inputs: [assays], outputs: [c1], parameters: { assay_sets: "assays@v2" } });
  g.run("curate", "cur-c2", { inputs: [assays], outputs: [c2], parameters: { assay_sets: "assays@v2", min_mw: "150" } });
  const curC3 = g.run("curate", "cur-c3", {
    inputs: [assays, cro],
    outputs: [c3],
    parameters: { assay_sets: "assays@v2,cro@d1", min_mw: "150" },
    change: note("add CRO kinase panel"),
  });
  g.run("pretrain", "pre", { inputs: [c1], outputs: [base], parameters: { lr: "3e-4" } });
  g.run("finetune", "ft-v2", {
    inputs: [base, c2],
    outputs: [v2],
    parameters: { learning_rate: "1e-5", batch_size: "64" },
    codeVersion: "aaaaaaaaaaaaaaaaaaaa",
  });
  g.run("generate", "gen-16", { inputs: [v2, prompt], outputs: [b16], parameters: { model: "ft-model@v2", temperature: "0.8", seed: "16" } });
  g.run("filter", "filter-1", { inputs: [b16], outputs: [gen1], parameters: { max_sa: "4" } });
  const ftV3 = g.run("finetune", "ft-v3", {
    inputs: [base, c3, gen1],
    outputs: [v3],
    parameters: { learning_rate: "1e-5", batch_size: "96", synthetic_mix_ratio: "0.25" },
    codeVersion: "bbbbbbbbbbbbbbbbbbbb",
    change: note("add synthetic set gen-1"),
  });
  const genFail = g.run("generate", "gen-fail", {
    inputs: [v3, prompt],
    outputs: [failed],
    parameters: { model: "ft-model@v3", temperature: "1.2", seed: "99" },
  });
  const genPass = g.run("generate", "gen-pass", {
    inputs: [v2, prompt],
    outputs: [passing],
    parameters: { model: "ft-model@v2", temperature: "0.9", seed: "42" },
  });
  return { graph: g.graph, ids: { assays, cro, c1, c2, c3, base, v2, v3, prompt, b16, gen1, failed, passing, curC3, ftV3, genFail, genPass } };
}
