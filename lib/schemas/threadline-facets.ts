/**
 * Threadline's custom OpenLineage facets: names, wire types, and lenient readers.
 *
 * The JSON Schemas live in lib/schemas/facets/threadline_<name>.json and are checked on ingest
 * (problems become warnings, see facet-validation.ts). Because a facet that breaks its schema is
 * still stored, everything that *reads* facets goes through the readers below: they take a facet
 * map, never throw, drop fields of the wrong type (to null) and return null when the facet is
 * absent or unusable. No zod here: these run over stored data on every read.
 */

import { normaliseDigest } from "@/lib/lineage/provenance";

export const THREADLINE_FACETS = {
  change: "threadline_change",
  model: "threadline_model",
  generation: "threadline_generation",
  synthetic: "threadline_synthetic",
  provenance: "threadline_provenance",
  evaluation: "threadline_evaluation",
  flag: "threadline_flag",
  mlflow: "threadline_mlflow",
} as const;

export type ThreadlineFacetName = (typeof THREADLINE_FACETS)[keyof typeof THREADLINE_FACETS];

const SCHEMA_BASE = "https://threadline.dev/spec/facets/1-0-0";

/**
 * `_schemaURL` values for producers of Threadline facets (the schema file's `$id` and the facet's
 * definition). Keyed by facet name, then by where the facet is sent.
 */
export const THREADLINE_SCHEMA_URLS = {
  threadline_change: {
    run: `${SCHEMA_BASE}/ThreadlineChangeFacet.json#/$defs/ThreadlineChangeRunFacet`,
    dataset: `${SCHEMA_BASE}/ThreadlineChangeFacet.json#/$defs/ThreadlineChangeDatasetFacet`,
  },
  threadline_model: { dataset: `${SCHEMA_BASE}/ThreadlineModelFacet.json#/$defs/ThreadlineModelDatasetFacet` },
  threadline_generation: { run: `${SCHEMA_BASE}/ThreadlineGenerationFacet.json#/$defs/ThreadlineGenerationRunFacet` },
  threadline_synthetic: {
    output: `${SCHEMA_BASE}/ThreadlineSyntheticFacet.json#/$defs/ThreadlineSyntheticOutputDatasetFacet`,
    dataset: `${SCHEMA_BASE}/ThreadlineSyntheticFacet.json#/$defs/ThreadlineSyntheticDatasetFacet`,
  },
  threadline_provenance: {
    dataset: `${SCHEMA_BASE}/ThreadlineProvenanceFacet.json#/$defs/ThreadlineProvenanceDatasetFacet`,
  },
  threadline_evaluation: { run: `${SCHEMA_BASE}/ThreadlineEvaluationFacet.json#/$defs/ThreadlineEvaluationRunFacet` },
  threadline_flag: { dataset: `${SCHEMA_BASE}/ThreadlineFlagFacet.json#/$defs/ThreadlineFlagDatasetFacet` },
  threadline_mlflow: {
    run: `${SCHEMA_BASE}/ThreadlineMlflowFacet.json#/$defs/ThreadlineMlflowRunFacet`,
    dataset: `${SCHEMA_BASE}/ThreadlineMlflowFacet.json#/$defs/ThreadlineMlflowDatasetFacet`,
    input: `${SCHEMA_BASE}/ThreadlineMlflowFacet.json#/$defs/ThreadlineMlflowInputDatasetFacet`,
  },
} as const;

// ---- wire types (what producers send; every facet also carries _producer / _schemaURL) ----------

interface BaseFacet {
  _producer?: string;
  _schemaURL?: string;
}

/** Run facet, and dataset facet on outputs: why the run ran / the version changed. */
export interface ThreadlineChangeFacet extends BaseFacet {
  reason: string;
  author?: string;
  ticket?: string;
  /** A URI: discussion, pull request or ticket. */
  link?: string;
}

/** Dataset facet of a dataset whose datasetType is MODEL. */
export interface ThreadlineModelFacet extends BaseFacet {
  baseModel?: string;
  architecture?: string;
  checkpointStep?: number;
  framework?: string;
  parameterCount?: number;
}

export type SamplingValue = string | number | boolean;

/** Run facet of a generation run. */
export interface ThreadlineGenerationFacet extends BaseFacet {
  model?: string;
  promptVersion?: string;
  seed?: number;
  /** temperature, topP, topK, maxTokens, ...: flat values only. */
  sampling?: Record<string, SamplingValue>;
}

/** Output dataset facet (in outputFacets; accepted in a dataset's facets too). */
export interface ThreadlineSyntheticFacet extends BaseFacet {
  producedByModel?: string;
  /** Share of synthetic rows, 0..1. */
  syntheticShare: number;
  /** Model generations between these rows and human data (0 = human data). */
  generation?: number;
}

/** Dataset (version) facet. */
export interface ThreadlineProvenanceFacet extends BaseFacet {
  contentHash?: string;
  signature?: string;
  signerKeyId?: string;
  watermarkId?: string;
}

export interface ThreadlineEvaluationCheck {
  name: string;
  passed: boolean;
  metric?: string;
  value?: number;
  threshold?: number;
  message?: string;
}

/** Run facet of an evaluation run; its checks judge the run's inputs. */
export interface ThreadlineEvaluationFacet extends BaseFacet {
  passed?: boolean;
  checks: ThreadlineEvaluationCheck[];
}

/**
 * Dataset facet of a DatasetEvent that flags the version named by its `version` facet (or removes
 * a flag). Flags go through the event log like everything else: see lib/server/flags-projection.ts.
 */
export interface ThreadlineFlagFacet extends BaseFacet {
  flagId: string;
  action: "add" | "remove";
  kind?: "bias" | "licence" | "pii" | "contamination" | "toxic" | "failed" | "other";
  severity?: "low" | "medium" | "high" | "critical";
  reason: string;
  by: string;
}

// ---- readings (what the readers return: every optional field present, null when unknown) ------

export interface ChangeInfo {
  reason: string;
  author: string | null;
  ticket: string | null;
  link: string | null;
}

export interface ModelInfo {
  baseModel: string | null;
  architecture: string | null;
  checkpointStep: number | null;
  framework: string | null;
  parameterCount: number | null;
  /** A model registry's view of this version (MLflow): null fields when not registered. */
  registeredModel: string | null;
  modelVersion: string | null;
  stage: string | null;
  /** Only string entries; [] when none. */
  aliases: string[];
  modelId: string | null;
  status: string | null;
}

export interface GenerationInfo {
  model: string | null;
  promptVersion: string | null;
  seed: number | null;
  /** Only the entries whose value is a string, a finite number or a boolean; {} when none. */
  sampling: Record<string, SamplingValue>;
}

export interface SyntheticInfo {
  producedByModel: string | null;
  syntheticShare: number;
  generation: number | null;
}

export interface ProvenanceFileInfo {
  name: string;
  /** sha256:<64 lowercase hex>. */
  contentHash: string;
  mediaType: string | null;
  size: number | null;
}

export interface ProvenanceInfo {
  /** As sent: a producer signature is over these exact bytes (the digest index stores it normalised). */
  contentHash: string | null;
  signature: string | null;
  signerKeyId: string | null;
  watermarkId: string | null;
  /** The version's artefacts with their digests (entries without a name or a SHA-256 digest are left out). */
  files: ProvenanceFileInfo[];
  watermark: { scheme: string; keyId: string | null; payload: string } | null;
}

export interface EvaluationCheckInfo {
  name: string;
  passed: boolean;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  message: string | null;
}

export interface EvaluationInfo {
  /** The facet's own verdict when it gives one, otherwise whether every check passed. */
  passed: boolean;
  checks: EvaluationCheckInfo[];
}

type Facets = Record<string, unknown> | null | undefined;

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function facetOf(facets: Facets, name: ThreadlineFacetName): Record<string, unknown> | null {
  const map = record(facets);
  return map ? record(map[name]) : null;
}

/** A non-empty string, or null. */
function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function integer(value: unknown, min = -Infinity): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min ? value : null;
}

/** threadline_change: null when absent or without a reason (the reason is the point of the facet). */
export function readChangeFacet(facets: Facets): ChangeInfo | null {
  const f = facetOf(facets, THREADLINE_FACETS.change);
  const reason = f ? text(f.reason) : null;
  if (!f || reason === null) return null;
  return { reason, author: text(f.author), ticket: text(f.ticket), link: text(f.link) };
}

/** threadline_model: null when absent; fields of the wrong type read as null. */
export function readModelFacet(facets: Facets): ModelInfo | null {
  const f = facetOf(facets, THREADLINE_FACETS.model);
  if (!f) return null;
  return {
    baseModel: text(f.baseModel),
    architecture: text(f.architecture),
    checkpointStep: integer(f.checkpointStep, 0),
    framework: text(f.framework),
    parameterCount: integer(f.parameterCount, 0),
    registeredModel: text(f.registeredModel),
    modelVersion: text(f.modelVersion),
    stage: text(f.stage),
    aliases: Array.isArray(f.aliases) ? f.aliases.filter((a): a is string => typeof a === "string" && a.length > 0) : [],
    modelId: text(f.modelId),
    status: text(f.status),
  };
}

export interface MetricInfo {
  key: string;
  /** Null when the tracker logged something that is not a finite number (NaN). */
  value: number | null;
  step: number | null;
  timestamp: string | null;
  historyLength: number | null;
  datasetName: string | null;
  datasetDigest: string | null;
}

/** threadline_evaluation.metrics: the latest value of each metric a run logged; [] when none. */
export function readEvaluationMetrics(facets: Facets): MetricInfo[] {
  const f = facetOf(facets, THREADLINE_FACETS.evaluation);
  if (!f || !Array.isArray(f.metrics)) return [];
  return f.metrics.flatMap((raw: unknown): MetricInfo[] => {
    const m = record(raw);
    const key = m ? text(m.key) : null;
    if (!m || !key) return [];
    return [
      {
        key,
        value: finite(m.value),
        step: integer(m.step),
        timestamp: text(m.timestamp),
        historyLength: integer(m.historyLength, 0),
        datasetName: text(m.datasetName),
        datasetDigest: text(m.datasetDigest),
      },
    ];
  });
}

/** threadline_generation: null when absent; sampling keeps only flat values. */
export function readGenerationFacet(facets: Facets): GenerationInfo | null {
  const f = facetOf(facets, THREADLINE_FACETS.generation);
  if (!f) return null;
  const sampling: Record<string, SamplingValue> = {};
  const raw = record(f.sampling);
  if (raw) {
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value === "string" || typeof value === "boolean" || finite(value) !== null) {
        sampling[key] = value as SamplingValue;
      }
    }
  }
  return { model: text(f.model), promptVersion: text(f.promptVersion), seed: integer(f.seed), sampling };
}

/**
 * threadline_synthetic: null when absent or when syntheticShare is not a number in 0..1 — a share
 * of 2 says nothing trustworthy, so callers must not show one. (Whether the facet is present at all
 * is a separate question: check the facet map for `threadline_synthetic`.)
 */
export function readSyntheticFacet(facets: Facets): SyntheticInfo | null {
  const f = facetOf(facets, THREADLINE_FACETS.synthetic);
  const share = f ? finite(f.syntheticShare) : null;
  if (!f || share === null || share < 0 || share > 1) return null;
  return { producedByModel: text(f.producedByModel), syntheticShare: share, generation: integer(f.generation, 0) };
}

/** threadline_provenance: null when absent; fields of the wrong type read as null. */
export function readProvenanceFacet(facets: Facets): ProvenanceInfo | null {
  const f = facetOf(facets, THREADLINE_FACETS.provenance);
  if (!f) return null;
  const contentHash = text(f.contentHash);
  const files: ProvenanceFileInfo[] = [];
  if (Array.isArray(f.files)) {
    for (const raw of f.files) {
      const file = record(raw);
      const name = file ? text(file.name) : null;
      const digest = file && typeof file.contentHash === "string" ? normaliseDigest(file.contentHash) : null;
      if (!file || !name || !digest) continue;
      const size = finite(file.size);
      files.push({ name, contentHash: digest, mediaType: text(file.mediaType), size: size !== null && size >= 0 ? size : null });
    }
  }
  const mark = record(f.watermark);
  const scheme = mark ? text(mark.scheme) : null;
  const payload = mark ? text(mark.payload) : null;
  return {
    contentHash,
    signature: text(f.signature),
    signerKeyId: text(f.signerKeyId),
    watermarkId: text(f.watermarkId),
    files,
    watermark: mark && scheme && payload && !scheme.includes(":") ? { scheme, keyId: text(mark.keyId), payload } : null,
  };
}

/**
 * threadline_evaluation: null when absent or when `checks` is not an array. A check without a
 * boolean `passed` cannot be judged and is left out; a check without a name is called "check <n>"
 * (1-based position), so a failure is never dropped for want of a label.
 */
export function readEvaluationFacet(facets: Facets): EvaluationInfo | null {
  const f = facetOf(facets, THREADLINE_FACETS.evaluation);
  if (!f || !Array.isArray(f.checks)) return null;
  const checks: EvaluationCheckInfo[] = [];
  f.checks.forEach((raw: unknown, i: number) => {
    const c = record(raw);
    if (!c || typeof c.passed !== "boolean") return;
    checks.push({
      name: text(c.name) ?? `check ${i + 1}`,
      passed: c.passed,
      metric: text(c.metric),
      value: finite(c.value),
      threshold: finite(c.threshold),
      message: text(c.message),
    });
  });
  const passed = typeof f.passed === "boolean" ? f.passed : checks.every((c) => c.passed);
  return { passed, checks };
}

export interface FlagInfo {
  flagId: string;
  action: "add" | "remove";
  /** Unknown kinds read as "other", unknown severities as "medium": a flag is never dropped for its label. */
  kind: NonNullable<ThreadlineFlagFacet["kind"]>;
  severity: NonNullable<ThreadlineFlagFacet["severity"]>;
  reason: string;
  by: string | null;
}

const FLAG_KINDS = new Set(["bias", "licence", "pii", "contamination", "toxic", "failed", "other"]);
const FLAG_SEVERITIES = new Set(["low", "medium", "high", "critical"]);

/** threadline_flag: null when absent, without a flagId, or with an action other than add/remove. */
export function readFlagFacet(facets: Facets): FlagInfo | null {
  const f = facetOf(facets, THREADLINE_FACETS.flag);
  const flagId = f ? text(f.flagId) : null;
  if (!f || flagId === null || (f.action !== "add" && f.action !== "remove")) return null;
  const kind = text(f.kind);
  const severity = text(f.severity);
  return {
    flagId,
    action: f.action,
    kind: (kind && FLAG_KINDS.has(kind) ? kind : "other") as FlagInfo["kind"],
    severity: (severity && FLAG_SEVERITIES.has(severity) ? severity : "medium") as FlagInfo["severity"],
    reason: text(f.reason) ?? "",
    by: text(f.by),
  };
}
