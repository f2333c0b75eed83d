/**
 * Seeded generator of realistic generative-AI lineage as OpenLineage events, for the benchmark
 * suite (`npm run bench`) and the store's large-workload tests.
 *
 * The world it simulates, day after day, is an ML platform team's catalogue:
 * - hub datasets read everywhere: base models, tokenizers, evaluation sets, prompt templates and a
 *   safety classifier (DatasetEvents with a version facet; a new version now and then);
 * - data pipelines: a raw snapshot (a new version every day, announced by a DatasetEvent) flowing
 *   through a deep chain of transform jobs (clean, dedupe, filter, tokenize, shard, ...), some steps
 *   also reading a hub or another pipeline's output, every run writing a new version;
 * - training runs with wide fan-in: a fine-tune reading tens to a hundred pipeline outputs, a base
 *   model (or another team's model) and a tokenizer, writing a model checkpoint;
 * - evaluation runs (eval sets + the new checkpoint, a `threadline_evaluation` verdict that
 *   sometimes fails) and generation runs (model + prompt template -> synthetic set, with
 *   `threadline_generation` and `threadline_synthetic` facets);
 * - synthetic loops: generated sets re-enter the training of the model that made them, so the entity
 *   graph has cycles (model -> generate -> synthetic -> fine-tune -> model) while the version graph
 *   stays acyclic;
 * - a START and a COMPLETE (or FAIL, about 2 %, with an errorMessage) event per run, job facets on
 *   every event, as OpenLineage integrations send them.
 *
 * It also counts the edges Threadline's projection will hold for the events so far, exactly
 * (entity edges dataset->job->dataset, deduplicated; version edges version->run->version, one per
 * input and output of every run), so a caller can stop at a target edge count. Same options ->
 * same events, byte for byte, on every machine (scripts/harness/random.ts; no Math.random, no clock).
 */
import { seededRandom } from "../../harness/random";

export interface GenAiLineageOptions {
  /** Stop after the run that brings the projected edge count to at least this many. */
  targetEdges: number;
  seed: number;
  /** Prefix of every namespace, so two generated worlds can share a store without colliding. */
  namespacePrefix?: string;
  /** eventTime of the first event (ISO-8601 UTC); every event is `stepMs` later than the one before. */
  startTime?: string;
  stepMs?: number;
  /** Pipelines in the world; defaults to a size that grows with the square root of targetEdges. */
  pipelines?: number;
}

export interface GenAiLineageStats {
  events: number;
  runs: number;
  failedRuns: number;
  /** Edges the projection holds after these events (entity + version graph). */
  edges: number;
  entityEdges: number;
  versionEdges: number;
  days: number;
}

type Facet = Record<string, unknown>;
type Facets = Record<string, Facet>;

interface DatasetRef {
  namespace: string;
  name: string;
  facets?: Facets;
  inputFacets?: Facets;
  outputFacets?: Facets;
}

export interface GeneratedEvent {
  eventType?: "START" | "COMPLETE" | "FAIL";
  eventTime: string;
  producer: string;
  schemaURL: string;
  run?: { runId: string; facets?: Facets };
  job?: { namespace: string; name: string; facets?: Facets };
  dataset?: DatasetRef;
  inputs?: DatasetRef[];
  outputs?: DatasetRef[];
}

const PRODUCER = "https://threadline.dev/bench/genai-lineage";
const SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/";
const std = (version: string, name: string) => `https://openlineage.io/spec/facets/${version}/${name}.json#/$defs/${name}`;
const custom = (file: string, def: string) => `https://threadline.dev/spec/facets/1-0-0/Threadline${file}Facet.json#/$defs/${def}`;
const SCHEMA = {
  jobType: std("2-0-4", "JobTypeJobFacet"),
  sourceCodeLocation: std("1-1-0", "SourceCodeLocationJobFacet"),
  jobDocumentation: std("1-1-0", "DocumentationJobFacet"),
  parent: std("1-2-0", "ParentRunFacet"),
  nominalTime: std("1-0-1", "NominalTimeRunFacet"),
  processingEngine: std("1-1-1", "ProcessingEngineRunFacet"),
  executionParameters: std("1-0-0", "ExecutionParametersRunFacet"),
  errorMessage: std("1-0-1", "ErrorMessageRunFacet"),
  schema: std("1-2-0", "SchemaDatasetFacet"),
  datasetType: std("1-0-1", "DatasetTypeDatasetFacet"),
  version: std("1-0-1", "DatasetVersionDatasetFacet"),
  documentation: std("1-1-0", "DocumentationDatasetFacet"),
  ownership: std("1-0-1", "OwnershipDatasetFacet"),
  outputStatistics: std("1-0-2", "OutputStatisticsOutputDatasetFacet"),
  generation: custom("Generation", "ThreadlineGenerationRunFacet"),
  evaluation: custom("Evaluation", "ThreadlineEvaluationRunFacet"),
  synthetic: custom("Synthetic", "ThreadlineSyntheticOutputDatasetFacet"),
  model: custom("Model", "ThreadlineModelDatasetFacet"),
} as const;

const facet = (schemaURL: string, body: Record<string, unknown>): Facet => ({ _producer: PRODUCER, _schemaURL: schemaURL, ...body });

const STEP_NAMES = ["extract", "clean", "dedupe", "pii-scrub", "filter-toxicity", "language-id", "tokenize", "pack", "shard", "mix", "label", "split"];
const COLUMN_SETS = [
  ["id:STRING", "text:STRING", "source_url:STRING", "crawl_date:DATE"],
  ["id:STRING", "text:STRING", "lang:STRING", "quality:DOUBLE", "toxicity:DOUBLE"],
  ["id:STRING", "input_ids:ARRAY<INT>", "attention_mask:ARRAY<INT>", "length:INTEGER"],
  ["prompt:STRING", "completion:STRING", "model:STRING", "temperature:DOUBLE", "seed:INTEGER", "score:DOUBLE"],
];

interface Dataset {
  namespace: string;
  name: string;
  /** Index in the world's dataset list (for entity-edge bookkeeping). */
  index: number;
  kind: "data" | "model" | "prompt" | "eval" | "output";
  columns: string[] | null;
  /** Versions written so far (0 = none: the projection names the first read "unversioned"). */
  versions: number;
}

interface Job {
  namespace: string;
  name: string;
  index: number;
  type: string;
  integration: string;
  repoPath: string;
  runs: number;
}

interface Pipeline {
  source: Dataset;
  steps: { job: Job; output: Dataset; hub: Dataset | null; crossInput: Dataset | null }[];
  parentJob: { namespace: string; name: string };
}

interface Trainer {
  job: Job;
  model: Dataset;
  base: Dataset;
  inputs: Dataset[];
  every: number;
  phase: number;
  evaluator: Job;
  report: Dataset;
  evalSets: Dataset[];
  generator: Job | null;
  synthetic: Dataset | null;
  prompt: Dataset | null;
}

/**
 * Yields the events of the generated world, in eventTime order, until the projected edge count
 * reaches `targetEdges` (at a run boundary). Returns the statistics when done; `stats` is also
 * updated live, so a caller that stops early can read it.
 */
export function* generateGenAiLineage(
  options: GenAiLineageOptions,
  stats: GenAiLineageStats = emptyStats(),
): Generator<GeneratedEvent, GenAiLineageStats, undefined> {
  const random = seededRandom(options.seed);
  const prefix = options.namespacePrefix ?? "";
  const start = Date.parse(options.startTime ?? "2026-01-01T00:00:00.000Z");
  const stepMs = options.stepMs ?? 2_000;
  const target = options.targetEdges;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const shuffled = <T>(list: readonly T[]): T[] => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
  const hex = (length: number) => {
    let out = "";
    while (out.length < length) out += Math.floor(random() * 0x100000000).toString(16).padStart(8, "0");
    return out.slice(0, length);
  };
  const uuid = () => {
    const h = hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[Math.floor(random() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  let clock = 0;
  const now = () => new Date(start + clock++ * stepMs).toISOString();

  const ns = {
    lake: `${prefix}s3://genai-lake`,
    hub: `${prefix}hf://hub`,
    models: `${prefix}mlflow://models`,
    data: `${prefix}data-platform`,
    ml: `${prefix}ml-training`,
    gen: `${prefix}genai-serving`,
    airflow: `${prefix}airflow`,
  };
  const datasets: Dataset[] = [];
  const jobs: Job[] = [];
  const entityEdges = new Set<number>();
  const JOB_STRIDE = 1 << 21; // dataset and job indices stay below 2^21 for any target that fits in memory

  const addDataset = (namespace: string, name: string, kind: Dataset["kind"], columns: string[] | null): Dataset => {
    const d: Dataset = { namespace, name, index: datasets.length, kind, columns, versions: 0 };
    datasets.push(d);
    return d;
  };
  const addJob = (namespace: string, name: string, type: string, integration: string, repoPath: string): Job => {
    const j: Job = { namespace, name, index: jobs.length, type, integration, repoPath, runs: 0 };
    jobs.push(j);
    return j;
  };
  const entityEdge = (from: number, to: number) => {
    const key = from * JOB_STRIDE * 2 + to;
    if (!entityEdges.has(key)) {
      entityEdges.add(key);
      stats.entityEdges++;
      stats.edges++;
    }
  };

  const columnsFacet = (columns: string[]) =>
    facet(SCHEMA.schema, {
      fields: columns.map((c) => {
        const [name, type] = c.split(":");
        return { name, type };
      }),
    });
  const versionFacet = (version: string) => facet(SCHEMA.version, { datasetVersion: version });
  const dayLabel = (day: number) => new Date(start + day * 86_400_000).toISOString().slice(0, 10);

  // ---- the world -------------------------------------------------------------------------------
  const pipelineCount = options.pipelines ?? Math.max(4, Math.round(Math.sqrt(Math.max(target, 1)) / 4));
  const baseModels = ["llama-3-8b", "mistral-7b", "qwen2-7b", "phi-3-mini", "gemma-2-9b"]
    .slice(0, Math.max(2, Math.min(5, Math.ceil(pipelineCount / 20))))
    .map((name) => addDataset(ns.hub, `base/${name}`, "model", null));
  const tokenizers = ["sentencepiece-32k", "tiktoken-cl100k"].map((name) => addDataset(ns.hub, `tokenizers/${name}`, "data", null));
  const evalSets = ["mmlu", "truthfulqa", "toxigen", "humaneval", "gsm8k", "internal-redteam"].map((name) =>
    addDataset(ns.hub, `eval/${name}`, "eval", ["question:STRING", "answer:STRING", "category:STRING"]),
  );
  const prompts = Array.from({ length: Math.max(2, Math.round(pipelineCount / 12)) }, (_, i) =>
    addDataset(ns.lake, `prompts/template-${i}`, "prompt", null),
  );
  const safety = addDataset(ns.hub, "classifiers/safety-guard", "model", null);
  const hubs = [...baseModels, ...tokenizers, ...evalSets, ...prompts, safety];

  const pipelines: Pipeline[] = [];
  for (let p = 0; p < pipelineCount; p++) {
    const domain = pick(["web", "code", "books", "chat", "papers", "support", "legal", "medical"]);
    const source = addDataset(ns.lake, `raw/${domain}-${p}`, "data", COLUMN_SETS[0]!);
    const length = between(4, 12);
    const offset = between(0, STEP_NAMES.length - 1);
    const steps: Pipeline["steps"] = [];
    for (let s = 0; s < length; s++) {
      const step = STEP_NAMES[(offset + s) % STEP_NAMES.length]!;
      const job = addJob(ns.data, `${domain}-${p}/${step}`, "TRANSFORM", pick(["SPARK", "DBT", "PYTHON"]), `pipelines/${domain}/${step}.py`);
      const output = addDataset(ns.lake, `${domain}-${p}/${step}`, "data", pick(COLUMN_SETS));
      const hub = step === "tokenize" || step === "pack" ? pick(tokenizers) : step === "filter-toxicity" ? safety : null;
      // Pipelines borrow from their neighbours: a step now and then joins another pipeline's output.
      const crossInput = p > 0 && random() < 0.12 ? pick(pipelines[Math.max(0, p - 1 - between(0, 4))]?.steps ?? [])?.output ?? null : null;
      steps.push({ job, output, hub, crossInput });
    }
    pipelines.push({ source, steps, parentJob: { namespace: ns.airflow, name: `${domain}-${p}-daily` } });
  }

  const trainers: Trainer[] = [];
  const trainerCount = Math.max(2, Math.round(pipelineCount / 4));
  for (let t = 0; t < trainerCount; t++) {
    const family = pick(["assistant", "coder", "summariser", "classifier", "retriever", "moderator"]);
    const job = addJob(ns.ml, `train/${family}-${t}`, "FINE_TUNE", "PYTORCH", `training/${family}/train.py`);
    const model = addDataset(ns.models, `models/${family}-${t}`, "model", null);
    // A later model may start from an earlier team model rather than a public base.
    const base = t > 2 && random() < 0.3 ? trainers[between(0, t - 1)]!.model : pick(baseModels);
    const fanIn = Math.min(pipelines.length, between(8, 100));
    const inputs: Dataset[] = [];
    const chosen = new Set<number>();
    const centre = between(0, pipelines.length - 1);
    for (let attempt = 0; inputs.length < fanIn && attempt < fanIn * 4; attempt++) {
      const p = (centre + between(0, Math.max(fanIn * 2, 12))) % pipelines.length;
      const steps = pipelines[p]!.steps;
      const d = steps[steps.length - 1 - (random() < 0.8 ? 0 : between(0, steps.length - 1))]!.output;
      if (!chosen.has(d.index)) {
        chosen.add(d.index);
        inputs.push(d);
      }
    }
    const evaluator = addJob(ns.ml, `evaluate/${family}-${t}`, "EVALUATE", "PYTHON", `training/${family}/evaluate.py`);
    const report = addDataset(ns.lake, `eval-reports/${family}-${t}`, "eval", ["benchmark:STRING", "metric:STRING", "value:DOUBLE"]);
    const generates = random() < 0.6;
    const generator = generates ? addJob(ns.gen, `generate/${family}-${t}`, "GENERATE", "VLLM", `serving/${family}/generate.py`) : null;
    const synthetic = generates ? addDataset(ns.lake, `synthetic/${family}-${t}`, "output", COLUMN_SETS[3]!) : null;
    trainers.push({
      job,
      model,
      base,
      inputs,
      every: between(2, 7),
      phase: between(0, 6),
      evaluator,
      report,
      evalSets: shuffled(evalSets).slice(0, between(1, 3)),
      generator,
      synthetic,
      prompt: generates ? pick(prompts) : null,
    });
  }

  // ---- events ----------------------------------------------------------------------------------
  const jobFacets = (job: Job, day: number): Facets => ({
    jobType: facet(SCHEMA.jobType, { processingType: "BATCH", integration: job.integration, jobType: job.type }),
    sourceCodeLocation: facet(SCHEMA.sourceCodeLocation, {
      type: "git",
      url: `https://git.example.com/ml-platform/genai/blob/main/${job.repoPath}`,
      repoUrl: "https://git.example.com/ml-platform/genai",
      path: job.repoPath,
      // A new commit every couple of weeks.
      version: ((job.index * 2654435761 + Math.floor(day / 14)) >>> 0).toString(16).padStart(8, "0") + "0f3c9a1b2d4e5f60718293a4b5c6d7e8f9a0b1c2".slice(0, 32),
    }),
  });
  const ref = (d: Dataset) => ({ namespace: d.namespace, name: d.name });

  interface RunSpec {
    job: Job;
    day: number;
    inputs: (DatasetRef & { dataset: Dataset })[];
    outputs: (DatasetRef & { dataset: Dataset })[];
    runFacets?: Facets;
    completeFacets?: Facets;
    parent?: { runId: string; job: { namespace: string; name: string } };
  }

  /** START, then COMPLETE or FAIL. Returns whether the run succeeded. */
  function* run(spec: RunSpec): Generator<GeneratedEvent, boolean, undefined> {
    const runId = uuid();
    const failed = random() < 0.02;
    spec.job.runs++;
    stats.runs++;
    const job = { namespace: spec.job.namespace, name: spec.job.name, facets: jobFacets(spec.job, spec.day) };
    const startFacets: Facets = {
      nominalTime: facet(SCHEMA.nominalTime, { nominalStartTime: `${dayLabel(spec.day)}T02:00:00Z` }),
      processing_engine: facet(SCHEMA.processingEngine, { version: "3.5.1", name: spec.job.integration.toLowerCase(), openlineageAdapterVersion: "1.24.2" }),
      ...spec.runFacets,
    };
    if (spec.parent) startFacets.parent = facet(SCHEMA.parent, { run: { runId: spec.parent.runId }, job: spec.parent.job });
    stats.events++;
    yield { eventType: "START", eventTime: now(), producer: PRODUCER, schemaURL: `${SPEC}RunEvent`, run: { runId, facets: startFacets }, job };

    const inputs = spec.inputs.map(({ dataset: _d, ...d }) => d);
    const outputs = spec.outputs.map(({ dataset: _d, ...d }) => d);
    for (const i of spec.inputs) {
      // The first read of a dataset nobody wrote yet creates its "unversioned" version node.
      if (i.dataset.versions === 0 && !i.facets?.version) i.dataset.versions = 1;
      entityEdge(i.dataset.index, JOB_STRIDE + spec.job.index);
    }
    for (const o of spec.outputs) {
      o.dataset.versions++;
      entityEdge(JOB_STRIDE + spec.job.index, o.dataset.index);
    }
    stats.versionEdges += spec.inputs.length + spec.outputs.length;
    stats.edges += spec.inputs.length + spec.outputs.length;

    const endFacets: Facets = { ...spec.completeFacets };
    if (failed) {
      stats.failedRuns++;
      endFacets.errorMessage = facet(SCHEMA.errorMessage, {
        message: pick(["CUDA out of memory. Tried to allocate 2.50 GiB", "Executor lost: heartbeat timed out", "Schema mismatch on column text", "NCCL timeout in all_reduce"]),
        programmingLanguage: "python",
        stackTrace: "Traceback (most recent call last):\n  File \"train.py\", line 212, in <module>\n    main()\n",
      });
    }
    stats.events++;
    yield {
      eventType: failed ? "FAIL" : "COMPLETE",
      eventTime: now(),
      producer: PRODUCER,
      schemaURL: `${SPEC}RunEvent`,
      run: { runId, facets: endFacets },
      job,
      inputs,
      outputs,
    };
    return !failed;
  }

  const input = (d: Dataset, facets?: Facets) => ({ ...ref(d), dataset: d, ...(facets ? { facets } : {}) });
  const dataOutput = (d: Dataset, day: number) => ({
    ...ref(d),
    dataset: d,
    // The schema is sent with the first version; later runs only report statistics.
    ...(d.columns && d.versions === 0 ? { facets: { schema: columnsFacet(d.columns) } } : {}),
    outputFacets: { outputStatistics: facet(SCHEMA.outputStatistics, { rowCount: 10_000 + ((d.index * 7919 + day * 104729) % 5_000_000), size: 1_000_000 + d.index * 31 }) },
  });

  // Hubs are announced once, with a version each (base models by release tag).
  for (const hub of hubs) {
    const facets: Facets = {
      version: versionFacet(hub.kind === "model" ? "release-1" : "v1"),
      documentation: facet(SCHEMA.documentation, { description: `${hub.name}: shared ${hub.kind} used across the platform.` }),
      ownership: facet(SCHEMA.ownership, { owners: [{ name: "team:ml-platform", type: "team" }] }),
    };
    if (hub.kind === "model") {
      facets.datasetType = facet(SCHEMA.datasetType, { datasetType: "MODEL" });
      facets.threadline_model = facet(SCHEMA.model, { architecture: "decoder-only transformer", framework: "pytorch", parameterCount: 7_000_000_000 });
    }
    if (hub.kind === "prompt") facets.datasetType = facet(SCHEMA.datasetType, { datasetType: "PROMPT" });
    if (hub.kind === "eval") facets.datasetType = facet(SCHEMA.datasetType, { datasetType: "EVAL" });
    hub.versions = 1;
    stats.events++;
    yield { eventTime: now(), producer: PRODUCER, schemaURL: `${SPEC}DatasetEvent`, dataset: { ...ref(hub), facets } };
  }

  const done = () => stats.edges >= target;
  for (let day = 0; !done(); day++) {
    stats.days = day + 1;
    // A prompt template or tokenizer is revised now and then: a new hub version.
    if (day > 0 && day % 9 === 0) {
      const hub = pick([...prompts, ...tokenizers]);
      hub.versions++;
      stats.events++;
      yield { eventTime: now(), producer: PRODUCER, schemaURL: `${SPEC}DatasetEvent`, dataset: { ...ref(hub), facets: { version: versionFacet(`v${hub.versions}`) } } };
    }
    for (const pipeline of pipelines) {
      if (done()) break;
      // Most raw sources arrive as dated snapshots; the others are read unversioned.
      const snapshot = pipeline.source.index % 4 !== 0;
      if (snapshot) {
        pipeline.source.versions++;
        stats.events++;
        yield {
          eventTime: now(),
          producer: PRODUCER,
          schemaURL: `${SPEC}DatasetEvent`,
          dataset: { ...ref(pipeline.source), facets: { version: versionFacet(dayLabel(day)), schema: columnsFacet(pipeline.source.columns!) } },
        };
      }
      const parent = { runId: uuid(), job: pipeline.parentJob };
      let previous = pipeline.source;
      for (const step of pipeline.steps) {
        const inputs = [input(previous)];
        if (step.hub) inputs.push(input(step.hub));
        if (step.crossInput && step.crossInput !== previous && step.crossInput.versions > 0) inputs.push(input(step.crossInput));
        const ok = yield* run({ job: step.job, day, inputs, outputs: [dataOutput(step.output, day)], parent });
        if (!ok || done()) break; // a failed step stops the day's pipeline
        previous = step.output;
      }
    }
    for (const t of trainers) {
      if (done()) break;
      if ((day + t.phase) % t.every !== 0) continue;
      const inputs = t.inputs.filter((d) => d.versions > 0).map((d) => input(d));
      if (inputs.length === 0) continue;
      inputs.push(input(t.base), input(pick(tokenizers)));
      // The synthetic loop: the model's own generated set goes back into its training.
      if (t.synthetic && t.synthetic.versions > 0) inputs.push(input(t.synthetic));
      const checkpoint = t.model.versions + 1;
      const lr = pick([1e-5, 2e-5, 3e-5, 5e-5]);
      const ok = yield* run({
        job: t.job,
        day,
        inputs,
        outputs: [
          {
            ...ref(t.model),
            dataset: t.model,
            facets: {
              version: versionFacet(`v${checkpoint}`),
              datasetType: facet(SCHEMA.datasetType, { datasetType: "MODEL" }),
              threadline_model: facet(SCHEMA.model, { baseModel: `${t.base.namespace}/${t.base.name}`, checkpointStep: checkpoint * 1000, framework: "pytorch" }),
            },
          },
        ],
        completeFacets: {
          executionParameters: facet(SCHEMA.executionParameters, {
            parameters: [
              { key: "learning_rate", value: String(lr) },
              { key: "epochs", value: String(between(1, 4)) },
              { key: "batch_size", value: String(pick([16, 32, 64, 128])) },
              { key: "lora_rank", value: String(pick([8, 16, 64])) },
              { key: "seed", value: String(between(1, 10_000)) },
            ],
          }),
        },
      });
      if (done()) break;
      if (!ok) continue;
      const passed = random() > 0.1;
      yield* run({
        job: t.evaluator,
        day,
        inputs: [input(t.model), ...t.evalSets.map((e) => input(e))],
        outputs: [dataOutput(t.report, day)],
        completeFacets: {
          threadline_evaluation: facet(SCHEMA.evaluation, {
            passed,
            checks: [
              { name: "accuracy", passed: true, metric: "accuracy", value: 0.71, threshold: 0.6 },
              { name: "toxicity", passed, metric: "toxicity_rate", value: passed ? 0.004 : 0.031, threshold: 0.01 },
            ],
          }),
        },
      });
    }
    for (const t of trainers) {
      if (done()) break;
      if (!t.generator || !t.synthetic || !t.prompt || t.model.versions === 0) continue;
      const temperature = pick([0.2, 0.7, 0.9, 1.1]);
      yield* run({
        job: t.generator,
        day,
        inputs: [input(t.model), input(t.prompt)],
        outputs: [
          {
            ...ref(t.synthetic),
            dataset: t.synthetic,
            facets: { version: versionFacet(dayLabel(day)) },
            outputFacets: {
              threadline_synthetic: facet(SCHEMA.synthetic, { producedByModel: `${t.model.namespace}/${t.model.name}`, syntheticShare: 1 }),
            },
          },
        ],
        completeFacets: {
          threadline_generation: facet(SCHEMA.generation, {
            model: `${t.model.name}@v${t.model.versions}`,
            promptVersion: `${t.prompt.name}@${t.prompt.versions}`,
            seed: between(1, 100_000),
            sampling: { temperature, topP: 0.95, maxTokens: 1024 },
          }),
        },
      });
    }
  }
  return stats;
}

export function emptyStats(): GenAiLineageStats {
  return { events: 0, runs: 0, failedRuns: 0, edges: 0, entityEdges: 0, versionEdges: 0, days: 0 };
}

/** Pulls up to `size` events from the generator: the batches the store benchmark ingests. */
export function takeBatch<T>(events: Iterator<T, unknown, undefined>, size: number): T[] {
  const batch: T[] = [];
  while (batch.length < size) {
    const next = events.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}
