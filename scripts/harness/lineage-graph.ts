/**
 * Seeded generator of GenAI lineage graphs (entity granularity: datasets and jobs) for layout
 * tests and benchmarks. The shapes are the ones that make lineage hard to draw:
 *
 * - deep chains of transform jobs (raw -> clean -> dedupe -> tokenize -> ...);
 * - wide fan-in: a training job reading many datasets at once;
 * - hub datasets (base models, tokenizers, eval sets, prompt templates) read by many jobs;
 * - a few synthetic-data loops: model -> generate -> synthetic set -> fine-tune -> the same model,
 *   i.e. cycles, as entity graphs of real pipelines have.
 *
 * Same { nodes, seed } -> the same graph, on every machine (scripts/harness/random.ts).
 */
import type { LayoutEdgeInput, LayoutNodeInput } from "../../lib/lineage/layout-graph";
import { seededRandom } from "./random";

export const DATASET_SIZE = { width: 220, height: 64 } as const;
export const JOB_SIZE = { width: 180, height: 48 } as const;

export interface GeneratedLineageGraph {
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
}

/** Share of patterns that work around the newest datasets, and how far back an area reaches. */
const RECENT_SHARE = 0.3;
const AREA_SIZE = 30;
const NAMESPACES = ["s3-lake", "warehouse", "hf-hub", "mlflow"] as const;

/**
 * Generates a lineage graph with exactly `nodes` nodes (about 1.5 edges per node), datasets
 * 220x64 and jobs 180x48. Edges are unique and have no self-loops; the graph has cycles once it is
 * big enough to hold a trained model (a few dozen nodes).
 */
export function generateLineageGraph({ nodes: size, seed }: { nodes: number; seed: number }): GeneratedLineageGraph {
  const random = seededRandom(seed);
  const nodes: LayoutNodeInput[] = [];
  const edges: LayoutEdgeInput[] = [];
  const edgeKeys = new Set<string>();
  const datasets: string[] = [];
  const models: string[] = [];
  const hubs: string[] = [];
  const budget = Math.max(0, Math.floor(size));
  const maxLoops = Math.max(1, Math.floor(budget / 250));
  let loops = 0;

  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  /**
   * Each pattern works in one area of the catalogue: around the newest datasets (a pipeline
   * reading what was just produced) or around an older one. Reading within an area, not across
   * the whole catalogue, keeps the depth growing slowly with size, as in real catalogues of many
   * parallel pipelines.
   */
  let area = 0;
  const chooseArea = () => {
    area = random() < RECENT_SHARE ? datasets.length - 1 : Math.floor(random() * datasets.length);
  };
  const pickDataset = (): string | undefined => {
    if (datasets.length === 0) return undefined;
    const index = Math.max(0, Math.min(area, datasets.length - 1) - Math.floor(random() * AREA_SIZE));
    return datasets[index];
  };
  const addNode = (type: "dataset" | "job", name: string): string | undefined => {
    if (nodes.length >= budget) return undefined;
    const id = `${type}:${pick(NAMESPACES)}:${name}-${nodes.length}`;
    nodes.push({ id, ...(type === "dataset" ? DATASET_SIZE : JOB_SIZE) });
    if (type === "dataset") datasets.push(id);
    return id;
  };
  const addEdge = (source: string | undefined, target: string | undefined) => {
    if (!source || !target || source === target) return;
    const key = `${source}\u0000${target}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ source, target });
  };

  const hubNames = ["base-model", "tokenizer", "eval-set", "prompt-template", "safety-classifier"];
  const hubCount = Math.max(1, Math.round(budget * 0.01));
  for (let i = 0; i < hubCount; i++) {
    const hub = addNode("dataset", hubNames[i % hubNames.length]!);
    if (!hub) break;
    hubs.push(hub);
    if (i % hubNames.length === 0) models.push(hub);
  }

  const chain = () => {
    let previous = random() < 0.7 || datasets.length === 0 ? addNode("dataset", "raw") : pickDataset();
    const steps = between(2, 8);
    const names = ["clean", "dedupe", "filter", "tokenize", "shard", "label", "augment", "split"];
    for (let s = 0; s < steps && previous; s++) {
      const job = addNode("job", names[s % names.length]!);
      addEdge(previous, job);
      if (random() < 0.25) addEdge(pick(hubs), job);
      if (random() < 0.15) addEdge(pickDataset(), job);
      const output = job ? addNode("dataset", `${names[s % names.length]}-out`) : undefined;
      addEdge(job, output);
      previous = output;
    }
  };

  const train = () => {
    const job = addNode("job", "train");
    if (!job) return;
    const inputs = between(4, 28);
    for (let i = 0; i < inputs; i++) addEdge(pickDataset(), job);
    addEdge(pick(models.length > 0 ? models : hubs), job);
    const model = addNode("dataset", "model");
    addEdge(job, model);
    if (!model) return;
    models.push(model);
    if (random() < 0.7) {
      const evaluate = addNode("job", "evaluate");
      addEdge(model, evaluate);
      addEdge(pick(hubs), evaluate);
      addEdge(evaluate, addNode("dataset", "eval-report"));
    }
    if (loops < maxLoops && random() < 0.5) syntheticLoop(model);
  };

  /** model -> generate -> synthetic -> fine-tune -> model: the cycle entity graphs really have. */
  const syntheticLoop = (model: string) => {
    const generate = addNode("job", "generate");
    addEdge(model, generate);
    addEdge(pick(hubs), generate);
    const synthetic = addNode("dataset", "synthetic");
    addEdge(generate, synthetic);
    const fineTune = addNode("job", "fine-tune");
    addEdge(synthetic, fineTune);
    if (random() < 0.5) addEdge(pickDataset(), fineTune);
    addEdge(fineTune, model);
    if (fineTune) loops++;
  };

  const hubFanOut = () => {
    const hub = pick(hubs);
    const readers = between(2, 6);
    for (let i = 0; i < readers; i++) {
      const job = addNode("job", "score");
      addEdge(hub, job);
      if (random() < 0.5) addEdge(pickDataset(), job);
      addEdge(job, addNode("dataset", "scores"));
    }
  };

  while (nodes.length < budget) {
    chooseArea();
    const roll = random();
    if (roll < 0.5) chain();
    else if (roll < 0.7) train();
    else hubFanOut();
  }
  return { nodes, edges };
}
