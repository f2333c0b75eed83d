/**
 * The Threadline demo: a drug-discovery ML team's generative pipeline as OpenLineage events.
 *
 * The story (Helix Bio, team med-chem-ml, 1 October – 6 November 2026):
 *
 * 1. Sources arrive as DatasetEvents: a ChEMBL 34 extract, the in-house compound library, the
 *    internal binding assays (v1, then v2 with a plate-normalisation fix) and a hold-out benchmark.
 * 2. `curate-compound-corpus` filters, de-duplicates and standardises SMILES into
 *    `curated/training-corpus` (c1, c2; c3 on 18 October). `pretrain-base-model` trains the
 *    graph-transformer base model `models/chem-base-gt@ckpt-250000` on c1.
 * 3. `finetune-binding-model` fine-tunes it into `models/binding-affinity-ft`:
 *    - v1: baseline fine-tune on curated corpus c2 (learning rate 3e-5);
 *    - v2: lower learning rate (1e-5) after overfitting on v1 validation;
 *    - v3: adds the synthetic augmentation set gen-1 and the curated corpus c3, which now includes the
 *      kinase panel `assays/kinase-binding-2026q3` delivered by an external CRO (Apex Assay Labs).
 *      The events never call that panel biased: a reviewer flags it later, in Threadline.
 * 4. Every night `nightly-discovery-dag` runs `generate-candidates` (fine-tuned model + prompt
 *    template `prompts/scaffold-hopping` p1, or p2 from 21 October -> `generated/molecules-batch@<date>`) and
 *    `evaluate-toxicity` (-> `eval/toxicity-report@<date>`, with a `threadline_evaluation` verdict).
 *    Batch 2026-10-16 passed and was filtered by `filter-synthetic` into
 *    `synthetic/augmentation-set@gen-1`, which re-entered fine-tuning for v3: the entity graph has a
 *    cycle (finetune -> model -> generate -> batch -> filter -> synthetic set -> finetune); the
 *    version graph does not.
 * 5. Three of the fourteen batches fail the toxicity checks (Tox21 structural-alert rate above 5 %):
 *    2026-10-24, 2026-10-30 and 2026-11-02. All three were sampled from model v3 (so downstream of
 *    the CRO assays and of the synthetic loop) at temperature >= 1.1. Neither cause alone explains
 *    it: v3 at temperature 0.7-0.8 passes, and v2 at temperature 1.1-1.2 passes. 2026-11-02 (v3,
 *    prompt p2, temperature 1.2) is the batch the demo investigates. After it, the team rolls
 *    generation back to v2 and the batches pass again.
 * 6. Noise: one run fails outright (`score-docking` on 7 October, CUDA out of memory, errorMessage
 *    facet) and is re-run manually with a smaller batch size.
 *
 * Everything is deterministic: run ids, commit shas and content hashes come from a seeded hash of
 * stable keys, times are offsets from `baseTime` (default 2026-10-01T08:00:00Z). Version labels
 * (dates like 2026-11-02, v1..v3) and run ids are story labels that do not move with `baseTime`, so
 * `DEMO_STORY` holds for any base time. Clock times in this file read as UTC for the default base.
 */
import { nodeId } from "@/lib/lineage/node-id";
import { DEMO_ARTEFACT, DEMO_SIGNER_KEY_ID, DEMO_TAMPERED_BATCH_DATE, demoMoleculeFiles, signAsDemoProducer } from "./provenance";

// ---------------------------------------------------------------------------------------------
// OpenLineage event shapes (the subset this module emits; spec 2-0-2)
// ---------------------------------------------------------------------------------------------

/** Any facet: the two base fields every facet carries, plus its own fields. */
export interface OpenLineageFacet {
  _producer: string;
  _schemaURL: string;
  [field: string]: unknown;
}

export type Facets = Record<string, OpenLineageFacet>;

export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: Facets;
}

export interface OpenLineageInputDataset extends OpenLineageDataset {
  inputFacets?: Facets;
}

export interface OpenLineageOutputDataset extends OpenLineageDataset {
  outputFacets?: Facets;
}

export interface OpenLineageJob {
  namespace: string;
  name: string;
  facets?: Facets;
}

export type RunEventType = "START" | "RUNNING" | "COMPLETE" | "ABORT" | "FAIL" | "OTHER";

export interface OpenLineageRunEvent {
  eventType: RunEventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets?: Facets };
  job: OpenLineageJob;
  inputs: OpenLineageInputDataset[];
  outputs: OpenLineageOutputDataset[];
}

export interface OpenLineageDatasetEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
  dataset: OpenLineageDataset;
}

export interface OpenLineageJobEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
  job: OpenLineageJob;
  inputs?: OpenLineageInputDataset[];
  outputs?: OpenLineageOutputDataset[];
}

/** What the demo emits: mostly RunEvents, plus static DatasetEvents and a JobEvent. */
export type RunEventLike = OpenLineageRunEvent | OpenLineageDatasetEvent | OpenLineageJobEvent;

export function isRunEvent(event: RunEventLike): event is OpenLineageRunEvent {
  return "run" in event;
}

export function isDatasetEvent(event: RunEventLike): event is OpenLineageDatasetEvent {
  return "dataset" in event;
}

// ---------------------------------------------------------------------------------------------
// Constants: producer, schema URLs, namespaces
// ---------------------------------------------------------------------------------------------

export const DEMO_PRODUCER = "https://threadline.dev/demo/drug-discovery";
export const DEMO_DEFAULT_BASE_TIME = "2026-10-01T08:00:00Z";

const SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/";
const EVENT_SCHEMA = {
  run: `${SPEC}RunEvent`,
  dataset: `${SPEC}DatasetEvent`,
  job: `${SPEC}JobEvent`,
} as const;

/** `_schemaURL` of each standard facet used here: the facet file's `$id` + its `$defs` entry. */
const FACET_SCHEMA = {
  executionParameters: std("1-0-0", "ExecutionParametersRunFacet"),
  errorMessage: std("1-0-1", "ErrorMessageRunFacet"),
  parent: std("1-2-0", "ParentRunFacet"),
  nominalTime: std("1-0-1", "NominalTimeRunFacet"),
  runTags: std("1-0-0", "TagsRunFacet"),
  test: std("1-0-1", "TestRunFacet"),
  jobType: std("2-0-4", "JobTypeJobFacet"),
  sourceCodeLocation: std("1-1-0", "SourceCodeLocationJobFacet"),
  jobDocumentation: std("1-1-0", "DocumentationJobFacet"),
  jobOwnership: std("1-0-1", "OwnershipJobFacet"),
  jobTags: std("1-0-0", "TagsJobFacet"),
  datasetDocumentation: std("1-1-0", "DocumentationDatasetFacet"),
  datasetOwnership: std("1-0-1", "OwnershipDatasetFacet"),
  datasetTags: std("1-0-0", "TagsDatasetFacet"),
  schema: std("1-2-0", "SchemaDatasetFacet"),
  columnLineage: std("1-2-0", "ColumnLineageDatasetFacet"),
  datasetType: std("1-0-1", "DatasetTypeDatasetFacet"),
  version: std("1-0-1", "DatasetVersionDatasetFacet"),
  dataQualityAssertions: std("1-1-0", "DataQualityAssertionsDatasetFacet"),
  outputStatistics: std("1-0-2", "OutputStatisticsOutputDatasetFacet"),
} as const;

function std(version: string, name: string): string {
  return `https://openlineage.io/spec/facets/${version}/${name}.json#/$defs/${name}`;
}

/**
 * Threadline's custom facets (architecture.md, "GenAI facets"): the schema file's `$id` and the
 * definition for where the facet is sent, as lib/schemas/facets/threadline_<name>.json defines them.
 */
const THREADLINE_SCHEMA = {
  changeRun: custom("Change", "ThreadlineChangeRunFacet"),
  changeDataset: custom("Change", "ThreadlineChangeDatasetFacet"),
  model: custom("Model", "ThreadlineModelDatasetFacet"),
  generation: custom("Generation", "ThreadlineGenerationRunFacet"),
  synthetic: custom("Synthetic", "ThreadlineSyntheticDatasetFacet"),
  provenance: custom("Provenance", "ThreadlineProvenanceDatasetFacet"),
  evaluation: custom("Evaluation", "ThreadlineEvaluationRunFacet"),
} as const;

function custom(file: string, definition: string): string {
  return `https://threadline.dev/spec/facets/1-0-0/Threadline${file}Facet.json#/$defs/${definition}`;
}

export const DEMO_NAMESPACES = {
  jobs: "helix-bio",
  lake: "s3://helix-bio-lake",
  models: "mlflow://helix-bio",
} as const;

const JOB_NS = DEMO_NAMESPACES.jobs;
const LAKE = DEMO_NAMESPACES.lake;
const MODELS = DEMO_NAMESPACES.models;
const REPO = "https://github.com/helix-bio/discovery-ml";

// ---------------------------------------------------------------------------------------------
// Deterministic ids: a seeded 128-bit string hash (cyrb128), never Math.random or the clock
// ---------------------------------------------------------------------------------------------

const SEED = "threadline-demo/drug-discovery/1";

function cyrb128(input: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < input.length; i++) {
    const k = input.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** `length` hex digits determined by `key` alone. */
function seededHex(key: string, length: number): string {
  let out = "";
  for (let block = 0; out.length < length; block++) {
    for (const word of cyrb128(`${SEED}|${key}|${block}`)) out += word.toString(16).padStart(8, "0");
  }
  return out.slice(0, length);
}

/** A UUID in version-4 layout whose bits come from `key` (stable across calls and machines). */
function seededUuid(key: string): string {
  const h = seededHex(`uuid:${key}`, 32).split("");
  h[12] = "4";
  h[16] = ((parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const runIdOf = (key: string) => seededUuid(`run:${key}`);
const commitOf = (key: string) => seededHex(`commit:${key}`, 40);
const contentHashOf = (key: string) => `sha256:${seededHex(`content:${key}`, 64)}`;

// ---------------------------------------------------------------------------------------------
// The cast: datasets and jobs
// ---------------------------------------------------------------------------------------------

type DatasetType = "TABLE" | "MODEL" | "PROMPT" | "OUTPUT" | "EVAL";

interface Field {
  name: string;
  type: string;
  description?: string;
}

interface DatasetDef {
  namespace: string;
  name: string;
  type: DatasetType;
  description: string;
  owners: string[];
  tags: [string, string][];
  schema?: Field[];
}

const SMILES: Field = { name: "smiles", type: "STRING", description: "Canonical SMILES (RDKit)" };
const INCHIKEY: Field = { name: "inchikey", type: "STRING", description: "Standard InChIKey" };
const TARGET: Field = { name: "target_id", type: "STRING", description: "UniProt accession of the protein target" };
const PKD: Field = { name: "pkd", type: "DOUBLE", description: "-log10(Kd in molar)" };

const ASSAY_SCHEMA: Field[] = [
  { name: "compound_id", type: "STRING" },
  SMILES,
  TARGET,
  { name: "assay_type", type: "STRING", description: "e.g. TR-FRET, SPR" },
  { name: "kd_nm", type: "DOUBLE", description: "Dissociation constant, nM" },
  PKD,
  { name: "plate_id", type: "STRING" },
  { name: "measured_at", type: "DATE" },
];

const CURATED_SCHEMA: Field[] = [
  SMILES,
  INCHIKEY,
  TARGET,
  PKD,
  { name: "assay_source", type: "STRING", description: "Assay set the label comes from" },
  { name: "split", type: "STRING", description: "train | valid | test (scaffold split)" },
];

const DS = {
  chembl: {
    namespace: LAKE,
    name: "raw/chembl-34-extract",
    type: "TABLE",
    description: "Bioactivity extract of ChEMBL 34: kinase and GPCR targets, pChEMBL >= 5, CC BY-SA 3.0.",
    owners: ["team:cheminformatics"],
    tags: [["source", "public"], ["licence", "CC-BY-SA-3.0"]],
    schema: [
      { name: "molregno", type: "INTEGER" },
      { name: "canonical_smiles", type: "STRING" },
      { name: "standard_inchi_key", type: "STRING" },
      { name: "target_chembl_id", type: "STRING" },
      { name: "standard_type", type: "STRING", description: "IC50, Ki, Kd..." },
      { name: "standard_value", type: "DOUBLE" },
      { name: "standard_units", type: "STRING" },
      { name: "pchembl_value", type: "DOUBLE" },
    ],
  },
  inhouse: {
    namespace: LAKE,
    name: "raw/inhouse-compound-library",
    type: "TABLE",
    description: "Helix Bio registered compounds (ELN export), all projects, proprietary.",
    owners: ["team:cheminformatics"],
    tags: [["source", "internal"], ["confidentiality", "proprietary"]],
    schema: [
      { name: "compound_id", type: "STRING" },
      SMILES,
      INCHIKEY,
      { name: "project_code", type: "STRING" },
      { name: "registered_at", type: "DATE" },
    ],
  },
  bindingAssays: {
    namespace: LAKE,
    name: "assays/binding-internal",
    type: "TABLE",
    description: "Binding assays run by the Helix Bio assay-sciences lab (TR-FRET and SPR), all targets.",
    owners: ["team:assay-sciences"],
    tags: [["source", "internal"], ["lab", "helix-assay-sciences"]],
    schema: ASSAY_SCHEMA,
  },
  kinaseAssays: {
    namespace: LAKE,
    name: "assays/kinase-binding-2026q3",
    type: "TABLE",
    description:
      "Kinase binding panel, 2026 Q3 delivery from Apex Assay Labs (external CRO, contract HX-2026-017): " +
      "412 kinases, single-concentration screen converted to Kd by the vendor's own curve fit.",
    owners: ["team:assay-sciences", "vendor:apex-assay-labs"],
    tags: [["source", "external-cro"], ["vendor", "apex-assay-labs"], ["panel", "kinase"]],
    schema: [...ASSAY_SCHEMA, { name: "vendor_qc_flag", type: "STRING", description: "Vendor QC grade A-C" }],
  },
  holdout: {
    namespace: LAKE,
    name: "benchmarks/binding-holdout",
    type: "TABLE",
    description: "Frozen scaffold-split hold-out set of 2,400 internal Kd measurements, never trained on.",
    owners: ["team:med-chem-ml"],
    tags: [["split", "holdout"], ["frozen", "true"]],
    schema: [SMILES, INCHIKEY, TARGET, PKD],
  },
  curated: {
    namespace: LAKE,
    name: "curated/training-corpus",
    type: "TABLE",
    description:
      "Curated, de-duplicated (InChIKey) and standardised compound corpus with binding labels: the " +
      "training set for pretraining and fine-tuning.",
    owners: ["team:med-chem-ml"],
    tags: [["stage", "curated"], ["pii", "false"]],
    schema: CURATED_SCHEMA,
  },
  prompts: {
    namespace: LAKE,
    name: "prompts/scaffold-hopping",
    type: "PROMPT",
    description:
      "Conditioning template for scaffold hopping: a seed scaffold, the target, property windows " +
      "(MW, cLogP, TPSA) and forbidden substructures.",
    owners: ["team:med-chem-ml"],
    tags: [["task", "scaffold-hopping"]],
  },
  baseModel: {
    namespace: MODELS,
    name: "models/chem-base-gt",
    type: "MODEL",
    description: "Graph-transformer chemistry foundation model pretrained on the curated corpus.",
    owners: ["team:med-chem-ml"],
    tags: [["stage", "pretrained"], ["architecture", "graph-transformer"]],
  },
  ftModel: {
    namespace: MODELS,
    name: "models/binding-affinity-ft",
    type: "MODEL",
    description:
      "chem-base-gt fine-tuned (LoRA) to predict binding affinity and to generate scaffold-hopped " +
      "candidates with high predicted affinity.",
    owners: ["team:med-chem-ml"],
    tags: [["stage", "fine-tuned"], ["task", "binding-affinity"]],
  },
  batches: {
    namespace: LAKE,
    name: "generated/molecules-batch",
    type: "OUTPUT",
    description: "Nightly batch of candidate molecules sampled from the fine-tuned model, one version per night.",
    owners: ["team:med-chem-ml"],
    tags: [["stage", "generated"]],
    schema: [
      SMILES,
      { name: "seed_scaffold", type: "STRING" },
      { name: "predicted_pkd", type: "DOUBLE" },
      { name: "sa_score", type: "DOUBLE", description: "Synthetic accessibility, 1 (easy) to 10" },
      { name: "novelty", type: "DOUBLE", description: "1 - max Tanimoto to the training corpus" },
      { name: "sample_index", type: "INTEGER" },
    ],
  },
  toxReport: {
    namespace: LAKE,
    name: "eval/toxicity-report",
    type: "EVAL",
    description: "Per-molecule toxicity screen of a generated batch: Tox21 structural alerts, PAINS, hERG model.",
    owners: ["team:med-chem-ml", "team:safety-pharmacology"],
    tags: [["stage", "evaluation"], ["check", "toxicity"]],
    schema: [
      SMILES,
      { name: "tox21_alerts", type: "INTEGER", description: "Number of Tox21 structural alerts matched" },
      { name: "pains_match", type: "BOOLEAN" },
      { name: "herg_prob", type: "DOUBLE", description: "Predicted probability of hERG inhibition" },
    ],
  },
  synthetic: {
    namespace: LAKE,
    name: "synthetic/augmentation-set",
    type: "TABLE",
    description:
      "Generated molecules that passed the toxicity screen and the novelty/SA filters, pseudo-labelled " +
      "by the generating model: synthetic training data.",
    owners: ["team:med-chem-ml"],
    tags: [["stage", "synthetic"], ["synthetic", "true"]],
    schema: [
      SMILES,
      INCHIKEY,
      TARGET,
      { name: "pkd", type: "DOUBLE", description: "Pseudo-label predicted by the generating model" },
      { name: "source_batch", type: "STRING" },
    ],
  },
  bindingReport: {
    namespace: LAKE,
    name: "eval/binding-benchmark",
    type: "EVAL",
    description: "Binding-affinity benchmark of a fine-tuned model on the frozen hold-out set.",
    owners: ["team:med-chem-ml"],
    tags: [["stage", "evaluation"], ["check", "binding"]],
    schema: [
      { name: "metric", type: "STRING" },
      { name: "target_family", type: "STRING" },
      { name: "value", type: "DOUBLE" },
    ],
  },
  dockingScores: {
    namespace: LAKE,
    name: "eval/docking-scores",
    type: "EVAL",
    description: "GPU docking scores of a generated batch against the kinase receptor panel.",
    owners: ["team:structural-biology"],
    tags: [["stage", "evaluation"], ["check", "docking"]],
    schema: [
      SMILES,
      { name: "receptor", type: "STRING" },
      { name: "docking_score", type: "DOUBLE", description: "kcal/mol, lower is better" },
    ],
  },
} satisfies Record<string, DatasetDef>;

type JobKind = "CURATE" | "PRETRAIN" | "FINE_TUNE" | "GENERATE" | "EVALUATE" | "FILTER" | "DAG";

interface JobDef {
  name: string;
  description: string;
  integration: "PYTORCH" | "PYTHON" | "AIRFLOW";
  jobType: JobKind;
  /** Source file in the discovery-ml repository. */
  file: string;
  owners: string[];
  tags: [string, string][];
}

const JOBS = {
  dag: {
    name: "nightly-discovery-dag",
    description: "Nightly orchestration: sample a batch of candidates, then screen it for toxicity.",
    integration: "AIRFLOW",
    jobType: "DAG",
    file: "dags/nightly_discovery.py",
    owners: ["team:med-chem-ml"],
    tags: [["schedule", "0 22 * * *"]],
  },
  curate: {
    name: "curate-compound-corpus",
    description:
      "Filters (RDKit sanitisation, MW 150-700, no metals), de-duplicates on InChIKey and standardises " +
      "SMILES (salt stripping, neutralisation, canonical tautomer), then joins assay readouts as labels.",
    integration: "PYTHON",
    jobType: "CURATE",
    file: "pipelines/curation/build_corpus.py",
    owners: ["team:med-chem-ml", "team:cheminformatics"],
    tags: [["stage", "data"]],
  },
  pretrain: {
    name: "pretrain-base-model",
    description: "Self-supervised pretraining (masked-atom + contrastive) of the graph-transformer base model.",
    integration: "PYTORCH",
    jobType: "PRETRAIN",
    file: "pipelines/pretrain/train.py",
    owners: ["team:med-chem-ml"],
    tags: [["gpu", "8xH100"]],
  },
  finetune: {
    name: "finetune-binding-model",
    description: "LoRA fine-tune of chem-base-gt on labelled binding data (and, from v3, synthetic augmentation).",
    integration: "PYTORCH",
    jobType: "FINE_TUNE",
    file: "pipelines/finetune/train.py",
    owners: ["team:med-chem-ml"],
    tags: [["gpu", "4xH100"]],
  },
  evaluateBinding: {
    name: "evaluate-binding",
    description: "Benchmarks a fine-tuned model on the frozen hold-out set (Spearman correlation, RMSE of pKd).",
    integration: "PYTHON",
    jobType: "EVALUATE",
    file: "pipelines/eval/binding_benchmark.py",
    owners: ["team:med-chem-ml"],
    tags: [["gate", "model-release"]],
  },
  generate: {
    name: "generate-candidates",
    description: "Samples candidate molecules from the fine-tuned model, conditioned on the scaffold-hopping prompt.",
    integration: "PYTORCH",
    jobType: "GENERATE",
    file: "pipelines/generate/sample.py",
    owners: ["team:med-chem-ml"],
    tags: [["gpu", "1xH100"]],
  },
  evaluateToxicity: {
    name: "evaluate-toxicity",
    description:
      "Screens a generated batch: Tox21 structural-alert rate, PAINS rate and share of high hERG risk; " +
      "a batch passes when every rate is at or below its threshold.",
    integration: "PYTHON",
    jobType: "EVALUATE",
    file: "pipelines/eval/toxicity.py",
    owners: ["team:med-chem-ml", "team:safety-pharmacology"],
    tags: [["gate", "synthesis-queue"]],
  },
  filterSynthetic: {
    name: "filter-synthetic",
    description:
      "Keeps generated molecules that passed the toxicity screen with SA score <= 4 and novelty >= 0.3, " +
      "pseudo-labels them and publishes them as synthetic training data.",
    integration: "PYTHON",
    jobType: "FILTER",
    file: "pipelines/synthetic/filter.py",
    owners: ["team:med-chem-ml"],
    tags: [["stage", "synthetic"]],
  },
  docking: {
    name: "score-docking",
    description: "GPU docking of a generated batch against the kinase receptor panel.",
    integration: "PYTORCH",
    jobType: "EVALUATE",
    file: "pipelines/docking/score.py",
    owners: ["team:structural-biology"],
    tags: [["gpu", "1xA100"]],
  },
} satisfies Record<string, JobDef>;

// ---------------------------------------------------------------------------------------------
// The plot: versions, fine-tunes, nightly batches
// ---------------------------------------------------------------------------------------------

const BASE_MODEL_VERSION = "ckpt-250000";
const HOLDOUT_VERSION = "2026-09";
const CHEMBL_VERSION = "chembl_34";
const INHOUSE_VERSION = "2026-09-30";
const KINASE_VERSION = "delivery-1";
const SYNTHETIC_VERSION = "gen-1";
/** The passing batch that `filter-synthetic` turns into the synthetic augmentation set. */
const SYNTHETIC_SOURCE_BATCH = "2026-10-16";

type ModelVersion = "v1" | "v2" | "v3";
type PromptVersion = "p1" | "p2";

/** One night of the synthetic loop: what was sampled, how, and what the toxicity screen found. */
interface Night {
  date: string;
  model: ModelVersion;
  prompt: PromptVersion;
  temperature: string;
  topP: string;
  seed: number;
  samples: number;
  alertRate: number;
  painsRate: number;
  hergShare: number;
}

const TOX_THRESHOLDS = { alertRate: 0.05, painsRate: 0.02, hergShare: 0.1 } as const;

// Failures (alert rate > 0.05): 2026-10-24, 2026-10-30, 2026-11-02, all model v3 at temperature >= 1.1.
const NIGHTS: Night[] = [
  { date: "2026-10-06", model: "v1", prompt: "p1", temperature: "0.7", topP: "0.9", seed: 1101, samples: 5000, alertRate: 0.021, painsRate: 0.006, hergShare: 0.041 },
  { date: "2026-10-08", model: "v1", prompt: "p1", temperature: "0.9", topP: "0.95", seed: 1102, samples: 5000, alertRate: 0.029, painsRate: 0.008, hergShare: 0.052 },
  { date: "2026-10-10", model: "v2", prompt: "p1", temperature: "0.7", topP: "0.9", seed: 2201, samples: 5000, alertRate: 0.018, painsRate: 0.005, hergShare: 0.038 },
  { date: "2026-10-13", model: "v2", prompt: "p1", temperature: "1.1", topP: "0.95", seed: 2202, samples: 5000, alertRate: 0.034, painsRate: 0.011, hergShare: 0.061 },
  { date: "2026-10-16", model: "v2", prompt: "p1", temperature: "0.8", topP: "0.9", seed: 2203, samples: 8000, alertRate: 0.022, painsRate: 0.007, hergShare: 0.044 },
  { date: "2026-10-20", model: "v2", prompt: "p1", temperature: "0.6", topP: "0.85", seed: 2204, samples: 5000, alertRate: 0.016, painsRate: 0.004, hergShare: 0.035 },
  { date: "2026-10-22", model: "v3", prompt: "p2", temperature: "0.7", topP: "0.9", seed: 3301, samples: 5000, alertRate: 0.039, painsRate: 0.009, hergShare: 0.071 },
  { date: "2026-10-24", model: "v3", prompt: "p1", temperature: "1.15", topP: "0.95", seed: 3302, samples: 5000, alertRate: 0.118, painsRate: 0.014, hergShare: 0.094 },
  { date: "2026-10-26", model: "v2", prompt: "p2", temperature: "1.2", topP: "0.95", seed: 2205, samples: 5000, alertRate: 0.041, painsRate: 0.012, hergShare: 0.067 },
  { date: "2026-10-28", model: "v3", prompt: "p1", temperature: "0.8", topP: "0.9", seed: 3303, samples: 5000, alertRate: 0.044, painsRate: 0.01, hergShare: 0.078 },
  { date: "2026-10-30", model: "v3", prompt: "p2", temperature: "1.1", topP: "0.95", seed: 3304, samples: 5000, alertRate: 0.131, painsRate: 0.016, hergShare: 0.108 },
  { date: "2026-11-02", model: "v3", prompt: "p2", temperature: "1.2", topP: "0.97", seed: 3305, samples: 5000, alertRate: 0.142, painsRate: 0.019, hergShare: 0.163 },
  { date: "2026-11-04", model: "v2", prompt: "p2", temperature: "0.7", topP: "0.9", seed: 2206, samples: 5000, alertRate: 0.019, painsRate: 0.006, hergShare: 0.04 },
  { date: "2026-11-06", model: "v2", prompt: "p2", temperature: "0.9", topP: "0.95", seed: 2207, samples: 5000, alertRate: 0.027, painsRate: 0.008, hergShare: 0.049 },
];

/** The night the team rolled generation back from v3 to v2. */
const ROLLBACK_DATE = "2026-11-04";

const STORY_START = Date.parse("2026-10-01T00:00:00Z");
const dayOf = (date: string) => Math.round((Date.parse(`${date}T00:00:00Z`) - STORY_START) / 86_400_000);

const modelRef = (v: ModelVersion) => `${DS.ftModel.name}@${v}`;
const baseModelRef = `${DS.baseModel.name}@${BASE_MODEL_VERSION}`;

const id = {
  dataset: (d: DatasetDef) => nodeId.dataset(d.namespace, d.name),
  version: (d: DatasetDef, v: string) => nodeId.datasetVersion(d.namespace, d.name, v),
  job: (j: JobDef) => nodeId.job(JOB_NS, j.name),
  run: (key: string) => nodeId.run(runIdOf(key)),
};

const runKey = {
  generate: (date: string) => `generate/${date}`,
  docking: (attempt: number) => `score-docking/2026-10-06/${attempt}`,
  finetune: (v: ModelVersion) => `finetune/${v}`,
};

const failedNights = NIGHTS.filter((n) => !isPassing(n));

/** The key nodes of the story, for tests, docs and the guided tour. */
export const DEMO_STORY = {
  namespaces: DEMO_NAMESPACES,
  /** The batch the demo investigates: model v3, prompt p2, temperature 1.2, fails Tox21 alerts. */
  failedBatch: id.version(DS.batches, "2026-11-02"),
  failedBatchRun: id.run(runKey.generate("2026-11-02")),
  failedBatchReport: id.version(DS.toxReport, "2026-11-02"),
  /** The batch of the molecule shipped in public/demo (DEMO_ARTEFACT), and the batch whose signature fails. */
  artefactBatch: id.version(DS.batches, DEMO_ARTEFACT.date),
  tamperedSignatureBatch: id.version(DS.batches, DEMO_TAMPERED_BATCH_DATE),
  /** Every batch that fails its toxicity evaluation (all sampled from v3 at temperature >= 1.1). */
  failedBatches: failedNights.map((n) => id.version(DS.batches, n.date)),
  passingBatches: NIGHTS.filter(isPassing).map((n) => id.version(DS.batches, n.date)),
  generatedBatches: id.dataset(DS.batches),
  toxicityReports: id.dataset(DS.toxReport),
  fineTunedModel: id.dataset(DS.ftModel),
  fineTunedModelVersions: {
    v1: id.version(DS.ftModel, "v1"),
    v2: id.version(DS.ftModel, "v2"),
    v3: id.version(DS.ftModel, "v3"),
  },
  finetuneRuns: {
    v1: id.run(runKey.finetune("v1")),
    v2: id.run(runKey.finetune("v2")),
    v3: id.run(runKey.finetune("v3")),
  },
  baseModel: id.dataset(DS.baseModel),
  baseModelVersion: id.version(DS.baseModel, BASE_MODEL_VERSION),
  /** The CRO kinase panel a reviewer later flags as biased; it reaches v3 through curated corpus c3. */
  biasedAssays: id.dataset(DS.kinaseAssays),
  biasedAssaysVersion: id.version(DS.kinaseAssays, KINASE_VERSION),
  internalAssays: id.dataset(DS.bindingAssays),
  curatedCorpus: id.dataset(DS.curated),
  curatedCorpusWithCroAssays: id.version(DS.curated, "c3"),
  promptTemplate: id.dataset(DS.prompts),
  promptVersions: { p1: id.version(DS.prompts, "p1"), p2: id.version(DS.prompts, "p2") },
  syntheticSet: id.dataset(DS.synthetic),
  syntheticSetVersion: id.version(DS.synthetic, SYNTHETIC_VERSION),
  syntheticSourceBatch: id.version(DS.batches, SYNTHETIC_SOURCE_BATCH),
  /** The one run that fails outright (CUDA out of memory) and its successful manual re-run. */
  failedRun: id.run(runKey.docking(1)),
  failedRunRetry: id.run(runKey.docking(2)),
  dagJob: id.job(JOBS.dag),
  curateJob: id.job(JOBS.curate),
  pretrainJob: id.job(JOBS.pretrain),
  finetuneJob: id.job(JOBS.finetune),
  evaluateBindingJob: id.job(JOBS.evaluateBinding),
  generateJob: id.job(JOBS.generate),
  evaluateToxicityJob: id.job(JOBS.evaluateToxicity),
  filterJob: id.job(JOBS.filterSynthetic),
  dockingJob: id.job(JOBS.docking),
} as const;

function isPassing(n: Night): boolean {
  return (
    n.alertRate <= TOX_THRESHOLDS.alertRate &&
    n.painsRate <= TOX_THRESHOLDS.painsRate &&
    n.hergShare <= TOX_THRESHOLDS.hergShare
  );
}

// ---------------------------------------------------------------------------------------------
// Event builders
// ---------------------------------------------------------------------------------------------

function facet(schemaURL: string, body: Record<string, unknown>): OpenLineageFacet {
  return { _producer: DEMO_PRODUCER, _schemaURL: schemaURL, ...body };
}

const owners = (names: string[]) => names.map((name) => ({ name }));
const tagList = (tags: [string, string][]) => tags.map(([key, value]) => ({ key, value, source: "USER" }));

function executionParameters(params: Record<string, string>): OpenLineageFacet {
  return facet(FACET_SCHEMA.executionParameters, {
    parameters: Object.entries(params).map(([key, value]) => ({ key, value })),
  });
}

/** Why a run ran or a version changed (threadline_change), told once and sent as run and version facet. */
interface ChangeNote {
  reason: string;
  author: string;
  ticket: string;
}

const note = (reason: string, author: string, ticket: string): ChangeNote => ({ reason, author, ticket });
const runChange = (n: ChangeNote) => facet(THREADLINE_SCHEMA.changeRun, { ...n });
const versionChange = (n: ChangeNote) => facet(THREADLINE_SCHEMA.changeDataset, { ...n });

/** The static facets of a dataset (what it is, who owns it), sent wherever it is declared or written. */
function datasetFacets(d: DatasetDef, schema: Field[] | undefined = d.schema): Facets {
  const facets: Facets = {
    datasetType: facet(FACET_SCHEMA.datasetType, { datasetType: d.type }),
    documentation: facet(FACET_SCHEMA.datasetDocumentation, { description: d.description, contentType: "text/plain" }),
    ownership: facet(FACET_SCHEMA.datasetOwnership, { owners: owners(d.owners) }),
    tags: facet(FACET_SCHEMA.datasetTags, { tags: tagList(d.tags) }),
  };
  if (schema) facets.schema = facet(FACET_SCHEMA.schema, { fields: schema });
  return facets;
}

function versionFacets(d: DatasetDef, version: string): Facets {
  return {
    version: facet(FACET_SCHEMA.version, { datasetVersion: version }),
    threadline_provenance: facet(THREADLINE_SCHEMA.provenance, {
      contentHash: contentHashOf(`${d.namespace}/${d.name}@${version}`),
    }),
  };
}

function jobFacets(j: JobDef, commit: string): Facets {
  const dir = j.file.slice(0, j.file.lastIndexOf("/"));
  return {
    jobType: facet(FACET_SCHEMA.jobType, { processingType: "BATCH", integration: j.integration, jobType: j.jobType }),
    documentation: facet(FACET_SCHEMA.jobDocumentation, { description: j.description, contentType: "text/plain" }),
    ownership: facet(FACET_SCHEMA.jobOwnership, { owners: owners(j.owners) }),
    tags: facet(FACET_SCHEMA.jobTags, { tags: tagList(j.tags) }),
    sourceCodeLocation: facet(FACET_SCHEMA.sourceCodeLocation, {
      type: "git",
      url: `${REPO}/blob/${commit}/${j.file}`,
      repoUrl: `${REPO}.git`,
      path: dir,
      version: commit,
      branch: "main",
    }),
  };
}

interface InputSpec {
  ds: DatasetDef;
  version: string;
  inputFacets?: Facets;
}

interface OutputSpec {
  ds: DatasetDef;
  version: string;
  /** Extra dataset facets of this version (threadline_model, threadline_change, ...). */
  facets?: Facets;
  /** This version's schema when it differs from the dataset's usual one. */
  schema?: Field[];
  rowCount?: number;
  size?: number;
}

interface ParentRef {
  runId: string;
  job: JobDef;
}

interface RunSpec {
  /** Stable key the run id is derived from. */
  key: string;
  job: JobDef;
  start: Date;
  end: Date;
  /** Commit of the discovery-ml repository the run executed. */
  commit?: string;
  params?: Record<string, string>;
  /** Run facets known at START (reason for change, generation settings...). */
  startFacets?: Facets;
  /** Run facets known at the end (evaluation verdicts, tests). */
  endFacets?: Facets;
  parent?: ParentRef;
  nominalTime?: Date;
  inputs?: InputSpec[];
  outputs?: OutputSpec[];
  /** Set for a run that fails: its error message and Python stack trace. */
  failure?: { message: string; stackTrace: string };
}

type Transformation = { type: "DIRECT" | "INDIRECT"; subtype: string; description?: string; masking?: boolean };
const from = (ds: DatasetDef, field: string, t: Transformation) => ({ namespace: ds.namespace, name: ds.name, field, transformations: [t] });
const identity: Transformation = { type: "DIRECT", subtype: "IDENTITY" };

/**
 * Which source columns made each column of the curated corpus (columnLineage 1-2-0), as the
 * curation job's SQL lineage extractor would report it: structures standardised from ChEMBL and
 * the in-house library, labels converted from each assay set's Kd, the split derived from the
 * structure; in-house compounds enter only for consented projects (a whole-dataset filter).
 */
function curatedColumnLineage(assays: DatasetDef[], withVendor = false): Facets {
  const fromAssays = (field: string, t: Transformation) => assays.map((a) => from(a, field, t));
  const fields: Record<string, { inputFields: ReturnType<typeof from>[] }> = {
    smiles: {
      inputFields: [
        from(DS.chembl, "canonical_smiles", { type: "DIRECT", subtype: "TRANSFORMATION", description: "RDKit standardise + canonicalise" }),
        from(DS.inhouse, "smiles", { type: "DIRECT", subtype: "TRANSFORMATION", description: "RDKit standardise + canonicalise" }),
        ...fromAssays("smiles", { type: "DIRECT", subtype: "TRANSFORMATION", description: "RDKit standardise + canonicalise" }),
      ],
    },
    inchikey: {
      inputFields: [
        from(DS.chembl, "standard_inchi_key", identity),
        from(DS.inhouse, "inchikey", identity),
        ...fromAssays("smiles", { type: "DIRECT", subtype: "TRANSFORMATION", description: "InChIKey of the standardised structure" }),
      ],
    },
    target_id: {
      inputFields: [
        from(DS.chembl, "target_chembl_id", { type: "DIRECT", subtype: "TRANSFORMATION", description: "ChEMBL target id mapped to its UniProt accession" }),
        ...fromAssays("target_id", identity),
      ],
    },
    pkd: {
      inputFields: [
        from(DS.chembl, "pchembl_value", { type: "DIRECT", subtype: "IDENTITY", description: "pChEMBL of Kd measurements only" }),
        ...fromAssays("kd_nm", { type: "DIRECT", subtype: "TRANSFORMATION", description: "9 - log10(kd_nm)" }),
        ...fromAssays("compound_id", { type: "INDIRECT", subtype: "GROUP_BY", description: "median of replicate measurements per compound and target" }),
      ],
    },
    assay_source: { inputFields: fromAssays("assay_type", { type: "DIRECT", subtype: "TRANSFORMATION", description: "assay set and method" }) },
    split: { inputFields: [from(DS.chembl, "canonical_smiles", { type: "INDIRECT", subtype: "CONDITIONAL", description: "Bemis-Murcko scaffold split 80/10/10" })] },
  };
  if (withVendor) fields.assay_vendor = { inputFields: fromAssays("vendor_qc_flag", { type: "INDIRECT", subtype: "FILTER", description: "vendor grade A or B only" }) };
  return {
    columnLineage: facet(FACET_SCHEMA.columnLineage, {
      fields,
      dataset: [from(DS.inhouse, "project_code", { type: "INDIRECT", subtype: "FILTER", description: "projects consented for model training" })],
    }),
  };
}

/** The commit most jobs ran from; only the fine-tune code changes during the story. */
const MAIN_COMMIT = commitOf("main@2026-09-28");

class StoryBuilder {
  readonly events: RunEventLike[] = [];

  constructor(private readonly baseTime: Date) {}

  /** A clock time on story day `day` (0 = 1 October), read as UTC for the default base time. */
  at(day: number, hour: number, minute = 0): Date {
    const offsetMinutes = day * 1440 + (hour - 8) * 60 + minute;
    return new Date(this.baseTime.getTime() + offsetMinutes * 60_000);
  }

  declareDataset(time: Date, d: DatasetDef, version: string, extra: Facets = {}): void {
    this.events.push({
      eventTime: time.toISOString(),
      producer: DEMO_PRODUCER,
      schemaURL: EVENT_SCHEMA.dataset,
      dataset: {
        namespace: d.namespace,
        name: d.name,
        facets: { ...datasetFacets(d), ...versionFacets(d, version), ...extra },
      },
    });
  }

  declareJob(time: Date, j: JobDef): void {
    this.events.push({
      eventTime: time.toISOString(),
      producer: DEMO_PRODUCER,
      schemaURL: EVENT_SCHEMA.job,
      job: { namespace: JOB_NS, name: j.name, facets: jobFacets(j, MAIN_COMMIT) },
    });
  }

  /** Emits START (inputs, parameters) and COMPLETE or FAIL (outputs, verdicts); returns the run id. */
  run(spec: RunSpec): string {
    const runId = runIdOf(spec.key);
    const shared: Facets = {};
    if (spec.parent) {
      shared.parent = facet(FACET_SCHEMA.parent, {
        run: { runId: spec.parent.runId },
        job: { namespace: JOB_NS, name: spec.parent.job.name },
        root: { run: { runId: spec.parent.runId }, job: { namespace: JOB_NS, name: spec.parent.job.name } },
      });
    }
    if (spec.nominalTime) {
      shared.nominalTime = facet(FACET_SCHEMA.nominalTime, { nominalStartTime: spec.nominalTime.toISOString() });
    }
    const startFacets: Facets = { ...shared, ...spec.startFacets };
    if (spec.params) startFacets.executionParameters = executionParameters(spec.params);

    this.events.push({
      eventType: "START",
      eventTime: spec.start.toISOString(),
      producer: DEMO_PRODUCER,
      schemaURL: EVENT_SCHEMA.run,
      run: { runId, facets: startFacets },
      job: { namespace: JOB_NS, name: spec.job.name, facets: jobFacets(spec.job, spec.commit ?? MAIN_COMMIT) },
      inputs: (spec.inputs ?? []).map((input) => ({
        namespace: input.ds.namespace,
        name: input.ds.name,
        facets: {
          datasetType: facet(FACET_SCHEMA.datasetType, { datasetType: input.ds.type }),
          version: facet(FACET_SCHEMA.version, { datasetVersion: input.version }),
        },
        ...(input.inputFacets ? { inputFacets: input.inputFacets } : {}),
      })),
      outputs: [],
    });

    const endFacets: Facets = { ...shared, ...spec.endFacets };
    if (spec.failure) {
      endFacets.errorMessage = facet(FACET_SCHEMA.errorMessage, {
        message: spec.failure.message,
        programmingLanguage: "python",
        stackTrace: spec.failure.stackTrace,
      });
    }
    this.events.push({
      eventType: spec.failure ? "FAIL" : "COMPLETE",
      eventTime: spec.end.toISOString(),
      producer: DEMO_PRODUCER,
      schemaURL: EVENT_SCHEMA.run,
      run: { runId, facets: endFacets },
      job: { namespace: JOB_NS, name: spec.job.name },
      inputs: [],
      outputs: spec.failure
        ? []
        : (spec.outputs ?? []).map((output) => {
            const statistics: Record<string, number> = {};
            if (output.rowCount !== undefined) statistics.rowCount = output.rowCount;
            if (output.size !== undefined) statistics.size = output.size;
            return {
              namespace: output.ds.namespace,
              name: output.ds.name,
              facets: {
                ...datasetFacets(output.ds, output.schema ?? output.ds.schema),
                ...versionFacets(output.ds, output.version),
                ...output.facets,
              },
              ...(Object.keys(statistics).length > 0
                ? { outputFacets: { outputStatistics: facet(FACET_SCHEMA.outputStatistics, statistics) } }
                : {}),
            };
          }),
    });
    return runId;
  }

  /** Events in time order; a stable sort keeps START before COMPLETE and parents before children. */
  sorted(): RunEventLike[] {
    return [...this.events].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  }
}

// ---------------------------------------------------------------------------------------------
// The story, chapter by chapter
// ---------------------------------------------------------------------------------------------

/**
 * The demo pipeline as OpenLineage events, oldest first (see the file comment for the story).
 * Pure and deterministic: the same `baseTime` gives deep-equal output; another `baseTime` shifts
 * every eventTime and nominal time by the same amount and changes nothing else.
 */
export function buildDrugDiscoveryEvents(options: { baseTime?: Date } = {}): RunEventLike[] {
  const baseTime = options.baseTime ?? new Date(DEMO_DEFAULT_BASE_TIME);
  if (Number.isNaN(baseTime.getTime())) throw new RangeError("baseTime is not a valid date");
  const s = new StoryBuilder(baseTime);

  buildSourcesAndCuration(s);
  buildPretraining(s);
  buildFineTuning(s);
  buildNightlyLoop(s);
  buildDocking(s);
  return s.sorted();
}

function buildSourcesAndCuration(s: StoryBuilder): void {
  s.declareJob(s.at(0, 8), JOBS.dag);
  s.declareDataset(s.at(0, 8), DS.chembl, CHEMBL_VERSION);
  s.declareDataset(s.at(0, 8, 2), DS.inhouse, INHOUSE_VERSION);
  s.declareDataset(s.at(0, 8, 4), DS.bindingAssays, "v1");
  s.declareDataset(s.at(0, 8, 6), DS.holdout, HOLDOUT_VERSION);
  s.declareDataset(s.at(0, 8, 8), DS.prompts, "p1", {
    threadline_change: versionChange(note("first scaffold-hopping template", "amara.okafor", "MCML-98")),
  });

  const curateParams = (assaySets: string) => ({
    min_mw: "150",
    max_mw: "700",
    dedupe_key: "inchikey",
    standardizer: "rdkit-2026.03-molvs",
    tautomer_canonicalization: "true",
    split: "scaffold",
    assay_sets: assaySets,
    seed: "13",
  });

  s.run({
    key: "curate/c1",
    job: JOBS.curate,
    start: s.at(0, 9),
    end: s.at(0, 10, 12),
    params: curateParams("binding-internal@v1"),
    startFacets: { threadline_change: runChange(note("initial training corpus", "amara.okafor", "MCML-99")) },
    inputs: [
      { ds: DS.chembl, version: CHEMBL_VERSION },
      { ds: DS.inhouse, version: INHOUSE_VERSION },
      { ds: DS.bindingAssays, version: "v1" },
    ],
    outputs: [{ ds: DS.curated, version: "c1", rowCount: 1_842_310, size: 412_000_000, facets: curatedColumnLineage([DS.bindingAssays]) }],
  });

  s.declareDataset(s.at(2, 9), DS.bindingAssays, "v2", {
    threadline_change: versionChange(note("re-normalised plates 14-22 after a reader calibration error", "lena.hoffmann", "ASSAY-311")),
  });
  const c2Reason = note("pick up binding assays v2 (plate normalisation fix)", "amara.okafor", "MCML-104");
  s.run({
    key: "curate/c2",
    job: JOBS.curate,
    start: s.at(2, 10),
    end: s.at(2, 11, 5),
    params: curateParams("binding-internal@v2"),
    startFacets: { threadline_change: runChange(c2Reason) },
    inputs: [
      { ds: DS.chembl, version: CHEMBL_VERSION },
      { ds: DS.inhouse, version: INHOUSE_VERSION },
      { ds: DS.bindingAssays, version: "v2" },
    ],
    outputs: [
      {
        ds: DS.curated,
        version: "c2",
        rowCount: 1_843_050,
        size: 412_300_000,
        facets: { threadline_change: versionChange(c2Reason), ...curatedColumnLineage([DS.bindingAssays]) },
      },
    ],
  });

  // The CRO delivery arrives on 17 October and is curated into c3, with a new vendor column.
  s.declareDataset(s.at(16, 15), DS.kinaseAssays, KINASE_VERSION, {
    threadline_change: versionChange(note("Q3 kinase panel delivered by Apex Assay Labs", "lena.hoffmann", "ASSAY-342")),
  });
  const c3Reason = note("add CRO kinase panel 2026Q3 to widen kinase coverage", "priya.raman", "MCML-127");
  s.run({
    key: "curate/c3",
    job: JOBS.curate,
    start: s.at(17, 9),
    end: s.at(17, 10, 20),
    params: curateParams("binding-internal@v2,kinase-binding-2026q3@delivery-1"),
    startFacets: { threadline_change: runChange(c3Reason) },
    inputs: [
      { ds: DS.chembl, version: CHEMBL_VERSION },
      { ds: DS.inhouse, version: INHOUSE_VERSION },
      { ds: DS.bindingAssays, version: "v2" },
      { ds: DS.kinaseAssays, version: KINASE_VERSION },
    ],
    outputs: [
      {
        ds: DS.curated,
        version: "c3",
        rowCount: 1_991_420,
        size: 447_800_000,
        schema: [...CURATED_SCHEMA, { name: "assay_vendor", type: "STRING", description: "Lab or CRO that measured the label" }],
        facets: { threadline_change: versionChange(c3Reason), ...curatedColumnLineage([DS.bindingAssays, DS.kinaseAssays], true) },
      },
    ],
  });
}

function buildPretraining(s: StoryBuilder): void {
  s.run({
    key: "pretrain/ckpt-250000",
    job: JOBS.pretrain,
    start: s.at(1, 10),
    end: s.at(2, 18, 40),
    params: {
      architecture: "graph-transformer",
      num_layers: "24",
      hidden_dim: "1024",
      objective: "masked-atom+contrastive",
      learning_rate: "3e-4",
      max_steps: "250000",
      batch_size: "1024",
      warmup_steps: "10000",
      precision: "bf16",
      seed: "17",
    },
    startFacets: { threadline_change: runChange(note("first base model for the binding programme", "tomas.lindqvist", "MCML-100")) },
    inputs: [{ ds: DS.curated, version: "c1" }],
    outputs: [
      {
        ds: DS.baseModel,
        version: BASE_MODEL_VERSION,
        size: 1_392_000_000,
        facets: {
          threadline_model: facet(THREADLINE_SCHEMA.model, {
            architecture: "graph-transformer",
            checkpointStep: 250_000,
            framework: "pytorch",
            parameterCount: 348_000_000,
          }),
        },
      },
    ],
  });
}

interface FineTune {
  version: ModelVersion;
  day: number;
  params: Record<string, string>;
  reason: [string, string, string];
  corpus: string;
  extraInputs: InputSpec[];
  steps: number;
  loraRank: number;
  benchmark: { spearman: number; rmse: number };
}

const FINE_TUNES: FineTune[] = [
  {
    version: "v1",
    day: 3,
    params: { learning_rate: "3e-5", epochs: "10", batch_size: "64", seed: "42", lora_rank: "16", lora_alpha: "32", warmup_steps: "500", weight_decay: "0.01" },
    reason: ["baseline fine-tune on curated corpus", "priya.raman", "MCML-101"],
    corpus: "c2",
    extraInputs: [],
    steps: 28_800,
    loraRank: 16,
    benchmark: { spearman: 0.61, rmse: 0.94 },
  },
  {
    version: "v2",
    day: 8,
    params: { learning_rate: "1e-5", epochs: "6", batch_size: "64", seed: "7", lora_rank: "16", lora_alpha: "32", warmup_steps: "500", weight_decay: "0.05", early_stopping_patience: "2" },
    reason: ["lower learning rate after overfitting on v1 validation", "tomas.lindqvist", "MCML-112"],
    corpus: "c2",
    extraInputs: [],
    steps: 17_280,
    loraRank: 16,
    benchmark: { spearman: 0.66, rmse: 0.86 },
  },
  {
    version: "v3",
    day: 19,
    params: { learning_rate: "1e-5", epochs: "6", batch_size: "96", seed: "7", lora_rank: "32", lora_alpha: "64", warmup_steps: "500", weight_decay: "0.05", early_stopping_patience: "2", synthetic_mix_ratio: "0.25" },
    reason: ["add synthetic augmentation batch gen-1 to training set", "priya.raman", "MCML-134"],
    corpus: "c3",
    extraInputs: [{ ds: DS.synthetic, version: SYNTHETIC_VERSION }],
    steps: 14_100,
    loraRank: 32,
    benchmark: { spearman: 0.74, rmse: 0.79 },
  },
];

function buildFineTuning(s: StoryBuilder): void {
  for (const ft of FINE_TUNES) {
    const reason = note(...ft.reason);
    s.run({
      key: runKey.finetune(ft.version),
      job: JOBS.finetune,
      start: s.at(ft.day, 9),
      end: s.at(ft.day, 16, 45),
      commit: commitOf(`finetune@${ft.version}`),
      params: { ...ft.params, base_model: baseModelRef, training_corpus: `${DS.curated.name}@${ft.corpus}` },
      startFacets: { threadline_change: runChange(reason) },
      inputs: [
        { ds: DS.baseModel, version: BASE_MODEL_VERSION },
        { ds: DS.curated, version: ft.corpus },
        ...ft.extraInputs,
      ],
      outputs: [
        {
          ds: DS.ftModel,
          version: ft.version,
          size: 1_392_000_000 + ft.loraRank * 1_200_000,
          facets: {
            threadline_change: versionChange(reason),
            threadline_model: facet(THREADLINE_SCHEMA.model, {
              baseModel: baseModelRef,
              architecture: "graph-transformer",
              checkpointStep: ft.steps,
              framework: "pytorch",
              parameterCount: 348_000_000 + ft.loraRank * 147_456,
            }),
          },
        },
      ],
    });

    // The release gate. It only gates accuracy: a failing test would mark every input as failed,
    // the frozen hold-out set included. v1's overfitting shows in its training curves, not here.
    const { spearman, rmse } = ft.benchmark;
    s.run({
      key: `evaluate-binding/${ft.version}`,
      job: JOBS.evaluateBinding,
      start: s.at(ft.day, 17, 10),
      end: s.at(ft.day, 17, 48),
      params: { model_version: ft.version, holdout_version: HOLDOUT_VERSION, metrics: "spearman,rmse" },
      inputs: [
        { ds: DS.ftModel, version: ft.version },
        {
          ds: DS.holdout,
          version: HOLDOUT_VERSION,
          inputFacets: {
            dataQualityAssertions: facet(FACET_SCHEMA.dataQualityAssertions, {
              assertions: [
                { assertion: "not_null", success: true, column: "smiles" },
                { assertion: "unique", success: true, column: "inchikey" },
                { assertion: "row_count", success: true, expected: "2400", actual: "2400" },
              ],
            }),
          },
        },
      ],
      endFacets: {
        test: facet(FACET_SCHEMA.test, {
          tests: [
            metricTest("spearman_r", spearman >= 0.6, ">= 0.60", spearman),
            metricTest("rmse_pkd", rmse <= 1.0, "<= 1.00", rmse),
          ],
        }),
      },
      outputs: [{ ds: DS.bindingReport, version: ft.version, rowCount: 36 }],
    });
  }
}

function metricTest(name: string, passed: boolean, expected: string, actual: number) {
  return { name, status: passed ? "pass" : "fail", severity: "error", type: "metric", expected, actual: actual.toFixed(2) };
}

function buildNightlyLoop(s: StoryBuilder): void {
  s.declareDataset(s.at(20, 10), DS.prompts, "p2", {
    threadline_change: versionChange(note("add kinase hinge-binder motif and stricter property windows", "amara.okafor", "MCML-138")),
  });

  for (const night of NIGHTS) {
    const day = dayOf(night.date);
    const dagRunId = s.run({
      key: `dag/${night.date}`,
      job: JOBS.dag,
      start: s.at(day, 22),
      end: s.at(day, 23, 55),
      nominalTime: s.at(day, 22),
      params: { run_date: night.date, schedule: "0 22 * * *" },
    });
    const parent: ParentRef = { runId: dagRunId, job: JOBS.dag };

    const samplingParams = {
      model: modelRef(night.model),
      prompt_version: night.prompt,
      temperature: night.temperature,
      top_p: night.topP,
      max_tokens: "128",
      num_samples: String(night.samples),
      seed: String(night.seed),
    };
    const startFacets: Facets = {
      threadline_generation: facet(THREADLINE_SCHEMA.generation, {
        model: modelRef(night.model),
        promptVersion: night.prompt,
        seed: night.seed,
        sampling: { temperature: Number(night.temperature), topP: Number(night.topP), maxTokens: 128 },
      }),
    };
    if (night.date === ROLLBACK_DATE) {
      startFacets.threadline_change = runChange(
        note("roll generation back to binding-affinity-ft v2 while toxic v3 batches are investigated", "priya.raman", "MCML-152"),
      );
    }
    const validMolecules = validMoleculesOf(night);
    s.run({
      key: runKey.generate(night.date),
      job: JOBS.generate,
      start: s.at(day, 22, 5),
      end: s.at(day, 23, 10),
      nominalTime: s.at(day, 22),
      parent,
      params: samplingParams,
      startFacets,
      inputs: [
        { ds: DS.ftModel, version: night.model },
        { ds: DS.prompts, version: night.prompt },
      ],
      outputs: [{ ds: DS.batches, version: night.date, rowCount: validMolecules, size: validMolecules * 96, facets: { threadline_provenance: batchProvenance(night.date) } }],
    });

    const checks = [
      check("tox21-alerts", "alert_rate", night.alertRate, TOX_THRESHOLDS.alertRate),
      check("pains-filter", "pains_rate", night.painsRate, TOX_THRESHOLDS.painsRate),
      check("herg-liability", "herg_high_risk_share", night.hergShare, TOX_THRESHOLDS.hergShare),
    ];
    s.run({
      key: `evaluate-toxicity/${night.date}`,
      job: JOBS.evaluateToxicity,
      start: s.at(day, 23, 15),
      end: s.at(day, 23, 48),
      nominalTime: s.at(day, 22),
      parent,
      params: {
        alert_set: "tox21-sa-2024",
        herg_model: "herg-gnn-v4",
        max_alert_rate: String(TOX_THRESHOLDS.alertRate),
        max_pains_rate: String(TOX_THRESHOLDS.painsRate),
        max_herg_high_risk_share: String(TOX_THRESHOLDS.hergShare),
      },
      inputs: [{ ds: DS.batches, version: night.date }],
      endFacets: {
        threadline_evaluation: facet(THREADLINE_SCHEMA.evaluation, { checks, passed: checks.every((c) => c.passed) }),
      },
      outputs: [{ ds: DS.toxReport, version: night.date, rowCount: validMolecules }],
    });

    if (night.date === SYNTHETIC_SOURCE_BATCH) buildSyntheticFilter(s, night, validMolecules);
  }
}

/**
 * A batch's provenance: its content hash signed by the registered producer, its molecules as
 * files with digests, and the watermark the sampler embeds. One batch was rewritten after it was
 * signed: its signature is over the old hash, so it reads "invalid".
 */
function batchProvenance(date: string): OpenLineageFacet {
  const contentHash = contentHashOf(`${DS.batches.namespace}/${DS.batches.name}@${date}`);
  const signed = date === DEMO_TAMPERED_BATCH_DATE ? contentHashOf(`${DS.batches.namespace}/${DS.batches.name}@${date}#before-rewrite`) : contentHash;
  return facet(THREADLINE_SCHEMA.provenance, {
    contentHash,
    signature: signAsDemoProducer(signed),
    signerKeyId: DEMO_SIGNER_KEY_ID,
    files: demoMoleculeFiles(date),
    watermark: { scheme: "helix-molmark", keyId: "molmark-2026", payload: `batch-${date}` },
  });
}

/** Higher temperatures yield more invalid SMILES, so fewer molecules survive sanitisation. */
function validMoleculesOf(night: Night): number {
  return Math.round(night.samples * (0.96 - (Number(night.temperature) - 0.6) * 0.12));
}

function check(name: string, metric: string, value: number, threshold: number) {
  return { name, passed: value <= threshold, metric, value, threshold };
}

/** The loop closes: a passing batch becomes synthetic training data for fine-tune v3. */
function buildSyntheticFilter(s: StoryBuilder, night: Night, validMolecules: number): void {
  const day = dayOf(night.date) + 1;
  const kept = Math.round(validMolecules * 0.41);
  s.run({
    key: `filter-synthetic/${SYNTHETIC_VERSION}`,
    job: JOBS.filterSynthetic,
    start: s.at(day, 10),
    end: s.at(day, 10, 38),
    params: { max_sa_score: "4.0", min_novelty: "0.3", require_tox_pass: "true", pseudo_label_model: night.model },
    startFacets: {
      threadline_change: runChange(note("first synthetic augmentation set from a passing batch", "priya.raman", "MCML-129")),
    },
    inputs: [
      { ds: DS.batches, version: night.date },
      { ds: DS.toxReport, version: night.date },
    ],
    outputs: [
      {
        ds: DS.synthetic,
        version: SYNTHETIC_VERSION,
        rowCount: kept,
        size: kept * 120,
        facets: {
          threadline_synthetic: facet(THREADLINE_SCHEMA.synthetic, {
            producedByModel: modelRef(night.model),
            syntheticShare: 1,
            generation: 1,
          }),
        },
      },
    ],
  });
}

/** Noise: an exploratory docking run runs out of GPU memory and is re-run with smaller batches. */
function buildDocking(s: StoryBuilder): void {
  const batch = NIGHTS[0];
  if (!batch) throw new Error("the story has no nights");
  const base = { receptor_panel: "kinase-panel-38", exhaustiveness: "16", num_poses: "9", seed: "5" };
  s.run({
    key: runKey.docking(1),
    job: JOBS.docking,
    start: s.at(6, 10),
    end: s.at(6, 10, 47),
    params: { ...base, batch_size: "4096" },
    inputs: [{ ds: DS.batches, version: batch.date }],
    failure: {
      message:
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 18.00 GiB. GPU 0 has a total capacity " +
        "of 79.15 GiB of which 6.62 GiB is free.",
      stackTrace: [
        "Traceback (most recent call last):",
        '  File "/opt/discovery-ml/pipelines/docking/score.py", line 212, in <module>',
        "    main()",
        '  File "/opt/discovery-ml/pipelines/docking/score.py", line 188, in main',
        "    scores = scorer.score_batch(poses, batch_size=args.batch_size)",
        '  File "/opt/discovery-ml/pipelines/docking/scorer.py", line 97, in score_batch',
        "    grid = self.encoder(receptor_grid.expand(len(chunk), -1, -1, -1, -1))",
        '  File "/usr/local/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1751, in _wrapped_call_impl',
        "    return self._call_impl(*args, **kwargs)",
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 18.00 GiB. GPU 0 has a total capacity of " +
          "79.15 GiB of which 6.62 GiB is free.",
      ].join("\n"),
    },
  });
  s.run({
    key: runKey.docking(2),
    job: JOBS.docking,
    start: s.at(6, 14),
    end: s.at(6, 16, 12),
    params: { ...base, batch_size: "512" },
    startFacets: {
      tags: facet(FACET_SCHEMA.runTags, { tags: [{ key: "trigger", value: "manual-retry", source: "USER" }] }),
      threadline_change: runChange(note("re-run with batch_size 512 after CUDA OOM", "jon.mbeki", "SB-77")),
    },
    inputs: [{ ds: DS.batches, version: batch.date }],
    outputs: [{ ds: DS.dockingScores, version: batch.date, rowCount: validMoleculesOf(batch) * 38 }],
  });
}
