import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats";
import { appendPath, type PathSegment, type ValidationIssue } from "./issues";
import OpenLineageCore from "./openlineage-spec/OpenLineage.json";
import BaseSubsetDatasetFacet from "./openlineage-spec/facets/BaseSubsetDatasetFacet.json";
import CatalogDatasetFacet from "./openlineage-spec/facets/CatalogDatasetFacet.json";
import ColumnLineageDatasetFacet from "./openlineage-spec/facets/ColumnLineageDatasetFacet.json";
import DataQualityAssertionsDatasetFacet from "./openlineage-spec/facets/DataQualityAssertionsDatasetFacet.json";
import DataQualityMetricsDatasetFacet from "./openlineage-spec/facets/DataQualityMetricsDatasetFacet.json";
import DataQualityMetricsInputDatasetFacet from "./openlineage-spec/facets/DataQualityMetricsInputDatasetFacet.json";
import DatasetTypeDatasetFacet from "./openlineage-spec/facets/DatasetTypeDatasetFacet.json";
import DatasetVersionDatasetFacet from "./openlineage-spec/facets/DatasetVersionDatasetFacet.json";
import DatasourceDatasetFacet from "./openlineage-spec/facets/DatasourceDatasetFacet.json";
import DocumentationDatasetFacet from "./openlineage-spec/facets/DocumentationDatasetFacet.json";
import DocumentationJobFacet from "./openlineage-spec/facets/DocumentationJobFacet.json";
import EnvironmentVariablesRunFacet from "./openlineage-spec/facets/EnvironmentVariablesRunFacet.json";
import ErrorMessageRunFacet from "./openlineage-spec/facets/ErrorMessageRunFacet.json";
import ExecutionParametersRunFacet from "./openlineage-spec/facets/ExecutionParametersRunFacet.json";
import ExternalQueryRunFacet from "./openlineage-spec/facets/ExternalQueryRunFacet.json";
import ExtractionErrorRunFacet from "./openlineage-spec/facets/ExtractionErrorRunFacet.json";
import HierarchyDatasetFacet from "./openlineage-spec/facets/HierarchyDatasetFacet.json";
import InputStatisticsInputDatasetFacet from "./openlineage-spec/facets/InputStatisticsInputDatasetFacet.json";
import JobDependenciesRunFacet from "./openlineage-spec/facets/JobDependenciesRunFacet.json";
import JobTypeJobFacet from "./openlineage-spec/facets/JobTypeJobFacet.json";
import LifecycleStateChangeDatasetFacet from "./openlineage-spec/facets/LifecycleStateChangeDatasetFacet.json";
import LineageFacet from "./openlineage-spec/facets/LineageFacet.json";
import NominalTimeRunFacet from "./openlineage-spec/facets/NominalTimeRunFacet.json";
import OutputStatisticsOutputDatasetFacet from "./openlineage-spec/facets/OutputStatisticsOutputDatasetFacet.json";
import OwnershipDatasetFacet from "./openlineage-spec/facets/OwnershipDatasetFacet.json";
import OwnershipJobFacet from "./openlineage-spec/facets/OwnershipJobFacet.json";
import ParentRunFacet from "./openlineage-spec/facets/ParentRunFacet.json";
import ProcessingEngineRunFacet from "./openlineage-spec/facets/ProcessingEngineRunFacet.json";
import SQLJobFacet from "./openlineage-spec/facets/SQLJobFacet.json";
import SchemaDatasetFacet from "./openlineage-spec/facets/SchemaDatasetFacet.json";
import SourceCodeJobFacet from "./openlineage-spec/facets/SourceCodeJobFacet.json";
import SourceCodeLocationJobFacet from "./openlineage-spec/facets/SourceCodeLocationJobFacet.json";
import StorageDatasetFacet from "./openlineage-spec/facets/StorageDatasetFacet.json";
import SymlinksDatasetFacet from "./openlineage-spec/facets/SymlinksDatasetFacet.json";
import TagsDatasetFacet from "./openlineage-spec/facets/TagsDatasetFacet.json";
import TagsJobFacet from "./openlineage-spec/facets/TagsJobFacet.json";
import TagsRunFacet from "./openlineage-spec/facets/TagsRunFacet.json";
import TestRunFacet from "./openlineage-spec/facets/TestRunFacet.json";
import ThreadlineChange from "./facets/threadline_change.json";
import ThreadlineEvaluation from "./facets/threadline_evaluation.json";
import ThreadlineFlag from "./facets/threadline_flag.json";
import ThreadlineGeneration from "./facets/threadline_generation.json";
import ThreadlineMlflow from "./facets/threadline_mlflow.json";
import ThreadlineModel from "./facets/threadline_model.json";
import ThreadlineProvenance from "./facets/threadline_provenance.json";
import ThreadlineSynthetic from "./facets/threadline_synthetic.json";

/**
 * Lenient validation of facets against their JSON Schemas: the standard OpenLineage facets
 * (lib/schemas/openlineage-spec, spec 2-0-2) and Threadline's own (lib/schemas/facets).
 *
 * A facet that breaks its schema never rejects an event: each problem becomes a warning with the
 * path of the offending value. Unknown (custom) facets are accepted as they are. Facets are always
 * validated against the schema version shipped here, whatever version their `_schemaURL` names.
 */

/** Where a facet map sits in an event; the same facet name can mean different facets in each. */
export type FacetContainer = "run" | "job" | "dataset" | "input" | "output";

interface SchemaDoc {
  $id: string;
}

/** `$id#/$defs/<name>`: the JSON Schema reference of one facet definition. */
function def(schema: SchemaDoc, name: string): string {
  return `${schema.$id}#/$defs/${name}`;
}

/**
 * Known facets: container -> facet name -> schema reference. The facet name is the key the spec
 * gives the facet (the top-level property of its schema file); the definition is the one whose base
 * is that container's facet type. A test checks this table against the schema files.
 */
export const KNOWN_FACETS: Readonly<Record<FacetContainer, Readonly<Record<string, string>>>> = {
  run: {
    environmentVariables: def(EnvironmentVariablesRunFacet, "EnvironmentVariablesRunFacet"),
    errorMessage: def(ErrorMessageRunFacet, "ErrorMessageRunFacet"),
    executionParameters: def(ExecutionParametersRunFacet, "ExecutionParametersRunFacet"),
    externalQuery: def(ExternalQueryRunFacet, "ExternalQueryRunFacet"),
    extractionError: def(ExtractionErrorRunFacet, "ExtractionErrorRunFacet"),
    jobDependencies: def(JobDependenciesRunFacet, "JobDependenciesRunFacet"),
    nominalTime: def(NominalTimeRunFacet, "NominalTimeRunFacet"),
    parent: def(ParentRunFacet, "ParentRunFacet"),
    processing_engine: def(ProcessingEngineRunFacet, "ProcessingEngineRunFacet"),
    tags: def(TagsRunFacet, "TagsRunFacet"),
    test: def(TestRunFacet, "TestRunFacet"),
    threadline_change: def(ThreadlineChange, "ThreadlineChangeRunFacet"),
    threadline_evaluation: def(ThreadlineEvaluation, "ThreadlineEvaluationRunFacet"),
    threadline_generation: def(ThreadlineGeneration, "ThreadlineGenerationRunFacet"),
    threadline_mlflow: def(ThreadlineMlflow, "ThreadlineMlflowRunFacet"),
  },
  job: {
    documentation: def(DocumentationJobFacet, "DocumentationJobFacet"),
    jobType: def(JobTypeJobFacet, "JobTypeJobFacet"),
    lineage: def(LineageFacet, "LineageJobFacet"),
    ownership: def(OwnershipJobFacet, "OwnershipJobFacet"),
    sourceCode: def(SourceCodeJobFacet, "SourceCodeJobFacet"),
    sourceCodeLocation: def(SourceCodeLocationJobFacet, "SourceCodeLocationJobFacet"),
    sql: def(SQLJobFacet, "SQLJobFacet"),
    tags: def(TagsJobFacet, "TagsJobFacet"),
  },
  dataset: {
    catalog: def(CatalogDatasetFacet, "CatalogDatasetFacet"),
    columnLineage: def(ColumnLineageDatasetFacet, "ColumnLineageDatasetFacet"),
    dataQualityMetrics: def(DataQualityMetricsDatasetFacet, "DataQualityMetricsDatasetFacet"),
    dataSource: def(DatasourceDatasetFacet, "DatasourceDatasetFacet"),
    datasetType: def(DatasetTypeDatasetFacet, "DatasetTypeDatasetFacet"),
    documentation: def(DocumentationDatasetFacet, "DocumentationDatasetFacet"),
    hierarchy: def(HierarchyDatasetFacet, "HierarchyDatasetFacet"),
    lifecycleStateChange: def(LifecycleStateChangeDatasetFacet, "LifecycleStateChangeDatasetFacet"),
    lineage: def(LineageFacet, "LineageDatasetFacet"),
    ownership: def(OwnershipDatasetFacet, "OwnershipDatasetFacet"),
    schema: def(SchemaDatasetFacet, "SchemaDatasetFacet"),
    storage: def(StorageDatasetFacet, "StorageDatasetFacet"),
    symlinks: def(SymlinksDatasetFacet, "SymlinksDatasetFacet"),
    tags: def(TagsDatasetFacet, "TagsDatasetFacet"),
    version: def(DatasetVersionDatasetFacet, "DatasetVersionDatasetFacet"),
    threadline_change: def(ThreadlineChange, "ThreadlineChangeDatasetFacet"),
    threadline_model: def(ThreadlineModel, "ThreadlineModelDatasetFacet"),
    threadline_provenance: def(ThreadlineProvenance, "ThreadlineProvenanceDatasetFacet"),
    threadline_flag: def(ThreadlineFlag, "ThreadlineFlagDatasetFacet"),
    threadline_mlflow: def(ThreadlineMlflow, "ThreadlineMlflowDatasetFacet"),
    // Its home is an output's outputFacets; accepted on a dataset too (it describes the version).
    threadline_synthetic: def(ThreadlineSynthetic, "ThreadlineSyntheticDatasetFacet"),
  },
  input: {
    dataQualityAssertions: def(DataQualityAssertionsDatasetFacet, "DataQualityAssertionsDatasetFacet"),
    dataQualityMetrics: def(DataQualityMetricsInputDatasetFacet, "DataQualityMetricsInputDatasetFacet"),
    inputStatistics: def(InputStatisticsInputDatasetFacet, "InputStatisticsInputDatasetFacet"),
    subset: def(BaseSubsetDatasetFacet, "InputSubsetInputDatasetFacet"),
    threadline_mlflow: def(ThreadlineMlflow, "ThreadlineMlflowInputDatasetFacet"),
  },
  output: {
    outputStatistics: def(OutputStatisticsOutputDatasetFacet, "OutputStatisticsOutputDatasetFacet"),
    subset: def(BaseSubsetDatasetFacet, "OutputSubsetOutputDatasetFacet"),
    threadline_synthetic: def(ThreadlineSynthetic, "ThreadlineSyntheticOutputDatasetFacet"),
  },
};

/** Every facet schema document loaded into the validator (the core schema aside). */
export const FACET_SCHEMAS: readonly SchemaDoc[] = [
  BaseSubsetDatasetFacet,
  CatalogDatasetFacet,
  ColumnLineageDatasetFacet,
  DataQualityAssertionsDatasetFacet,
  DataQualityMetricsDatasetFacet,
  DataQualityMetricsInputDatasetFacet,
  DatasetTypeDatasetFacet,
  DatasetVersionDatasetFacet,
  DatasourceDatasetFacet,
  DocumentationDatasetFacet,
  DocumentationJobFacet,
  EnvironmentVariablesRunFacet,
  ErrorMessageRunFacet,
  ExecutionParametersRunFacet,
  ExternalQueryRunFacet,
  ExtractionErrorRunFacet,
  HierarchyDatasetFacet,
  InputStatisticsInputDatasetFacet,
  JobDependenciesRunFacet,
  JobTypeJobFacet,
  LifecycleStateChangeDatasetFacet,
  LineageFacet,
  NominalTimeRunFacet,
  OutputStatisticsOutputDatasetFacet,
  OwnershipDatasetFacet,
  OwnershipJobFacet,
  ParentRunFacet,
  ProcessingEngineRunFacet,
  SQLJobFacet,
  SchemaDatasetFacet,
  SourceCodeJobFacet,
  SourceCodeLocationJobFacet,
  StorageDatasetFacet,
  SymlinksDatasetFacet,
  TagsDatasetFacet,
  TagsJobFacet,
  TagsRunFacet,
  TestRunFacet,
  ThreadlineChange,
  ThreadlineEvaluation,
  ThreadlineFlag,
  ThreadlineGeneration,
  ThreadlineMlflow,
  ThreadlineModel,
  ThreadlineProvenance,
  ThreadlineSynthetic,
];

/** At most this many warnings are reported for one facet; the last one says how many were left out. */
export const MAX_WARNINGS_PER_FACET = 10;

interface Compiled {
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
}

let compiled: Compiled | null = null;

/** Distinct URIs whose check is remembered (past it the memory starts afresh), and the longest remembered. */
const REMEMBERED_URIS = 1_024;
const REMEMBERED_URI_LENGTH = 2_048;

/**
 * ajv-formats' `uri` check, remembering its answers: every facet carries `_producer` and
 * `_schemaURL`, the same few URIs event after event, and the check is a long regular expression
 * (a tenth of validation's time on the benchmark's events).
 */
function rememberedUri(): (text: string) => boolean {
  const check = fullFormats.uri as (text: string) => boolean;
  const known = new Map<string, boolean>();
  return (text) => {
    if (text.length > REMEMBERED_URI_LENGTH) return check(text);
    let isUri = known.get(text);
    if (isUri === undefined) {
      isUri = check(text);
      if (known.size >= REMEMBERED_URIS) known.clear();
      known.set(text, isUri);
    }
    return isUri;
  };
}

/**
 * The validator, built on first use and kept for the life of the module: loading ~45 schemas costs
 * milliseconds once, while validating a facet with a compiled function costs microseconds.
 */
function getCompiled(): Compiled {
  if (compiled) return compiled;
  // Schema files come from the spec, written for readers rather than for ajv's strict mode
  // ("example" keywords, required properties declared in sibling schemas): strict mode off.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat("uri", rememberedUri());
  ajv.addSchema(lenientCore());
  for (const schema of FACET_SCHEMAS) ajv.addSchema(schema as object);
  compiled = { ajv, validators: new Map() };
  return compiled;
}

/**
 * The core schema with `_producer` and `_schemaURL` no longer required on facets: producers often
 * leave them out and Threadline does not need them. (Their type and format are still checked.)
 */
function lenientCore(): object {
  const core = structuredClone(OpenLineageCore) as { $defs: { BaseFacet: { required?: string[] } } };
  delete core.$defs.BaseFacet.required;
  return core;
}

function validatorFor(ref: string): ValidateFunction {
  const c = getCompiled();
  let validate = c.validators.get(ref);
  if (!validate) {
    validate = c.ajv.getSchema(ref);
    if (!validate) throw new Error(`facet schema not found: ${ref}`);
    c.validators.set(ref, validate);
  }
  return validate;
}

/** Compiles every known facet validator now instead of on first use (for benchmarks and warm-up). */
export function precompileFacetValidators(): void {
  for (const byName of Object.values(KNOWN_FACETS)) for (const ref of Object.values(byName)) validatorFor(ref);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates every facet of one facet map and appends a warning per problem to `warnings`.
 * `path` is the formatted path of the map itself, e.g. "inputs[0].facets".
 *
 * - A facet must be an object (the spec's BaseFacet), known or not.
 * - A facet sent as `{ "_deleted": true }` deletes the facet: it has no fields to check.
 * - A known facet is checked against its schema; an unknown one is accepted as it is.
 */
export function validateFacets(
  container: FacetContainer,
  facets: Record<string, unknown>,
  path: string,
  warnings: ValidationIssue[],
): void {
  const known = KNOWN_FACETS[container];
  for (const name in facets) {
    const facet = facets[name];
    if (facet === undefined) continue;
    // The facet's path is built only for a warning: most facets have none.
    if (!isPlainObject(facet)) {
      warnings.push({ path: appendPath(path, name), message: "must be an object (every facet is)" });
      continue;
    }
    if (facet._deleted === true) continue;
    const ref = Object.prototype.hasOwnProperty.call(known, name) ? known[name] : undefined;
    if (ref === undefined) continue;
    const validate = validatorFor(ref);
    if (validate(facet)) continue;
    pushAjvWarnings(validate.errors ?? [], facet, appendPath(path, name), warnings);
  }
}

function pushAjvWarnings(
  errors: readonly ErrorObject[],
  facet: Record<string, unknown>,
  facetPath: string,
  warnings: ValidationIssue[],
): void {
  const seen = new Set<string>();
  let kept = 0;
  let dropped = 0;
  for (const error of errors) {
    // An if/then rule's own error only repeats the real one its `then` reported.
    if (error.keyword === "if") continue;
    const issue = toIssue(error, facet, facetPath);
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (kept < MAX_WARNINGS_PER_FACET) {
      warnings.push(issue);
      kept++;
    } else {
      dropped++;
    }
  }
  if (dropped > 0) warnings.push({ path: facetPath, message: `${dropped} more problems in this facet` });
}

/** One ajv error as a warning: path in the event's terms, message without ajv's jargon where it helps. */
function toIssue(error: ErrorObject, facet: unknown, facetPath: string): ValidationIssue {
  let path = facetPath;
  let node: unknown = facet;
  for (const segment of parsePointer(error.instancePath)) {
    // JSON Pointer does not say whether "0" is an array index or an object key: the data does.
    const s: PathSegment = Array.isArray(node) && /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment;
    path = appendPath(path, s);
    node = isPlainObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[segment] : undefined;
  }
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: appendPath(path, String(params.missingProperty)), message: "must have required property" };
    case "additionalProperties":
      return { path: appendPath(path, String(params.additionalProperty)), message: "is not allowed here" };
    case "enum":
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
