import { z } from "zod";
import { validateFacets, type FacetContainer } from "./facet-validation";
import { formatPath, type PathSegment, type ValidationIssue } from "./issues";
import { MAX_ISSUES, checkJsonShape } from "./json-guards";
import { checkEventLimits, DEFAULT_EVENT_LIMITS, type EventLimits } from "./event-limits";

export type { ValidationIssue } from "./issues";
export { MAX_ISSUES, MAX_NESTING_DEPTH, MAX_STRING_LENGTH } from "./json-guards";

/**
 * Validation of incoming OpenLineage events (spec 2-0-2, https://openlineage.io/spec/2-0-2/OpenLineage.json).
 *
 * Strict on structure, lenient on everything real producers get wrong:
 * - Structure errors reject the event: a run without a UUID runId, a job or dataset without a
 *   non-empty namespace and name, an eventTime that is not an RFC 3339 date-time with offset, an
 *   eventType outside the spec's six, inputs/outputs that are not arrays of datasets, facet maps
 *   that are not objects, and anything beyond the size guards (MAX_NESTING_DEPTH, MAX_STRING_LENGTH).
 * - Warnings never reject: standard or Threadline facets that break their own schema, producer and
 *   schemaURL of the wrong type. A missing producer / schemaURL / _producer / _schemaURL, any spec
 *   version, unknown custom facets and extra properties are accepted silently.
 *
 * Pure: no I/O. The JSON Schemas are bundled with the code and compiled once, on first use.
 */

export type EventKind = "RunEvent" | "DatasetEvent" | "JobEvent";

export const EVENT_TYPES = ["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** 8-4-4-4-12 hex digits, any version (v4 from most clients, v7 from Airflow) and any variant. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const RFC3339_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * RFC 3339 `date-time` (section 5.6): full date, "T", time, optional fraction and a mandatory
 * offset ("Z" or ±hh:mm), with real calendar dates. One deliberate narrowing: a leap second (:60)
 * is refused, because every consumer downstream needs the string to parse as an instant.
 */
export function isRfc3339DateTime(value: string): boolean {
  const m = RFC3339_DATE_TIME.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  if (m[7] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return true;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// ---- zod schemas -------------------------------------------------------------------------------

/** "is required" when absent, otherwise what the value must be. */
function expected(what: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${what}`) };
}

const nonEmptyString = z.string(expected("a string")).min(1, { error: "must not be empty" });

/** A facet map: facet name -> facet. Facets themselves are checked leniently, outside zod. */
export const FacetsSchema = z.record(z.string(), z.unknown(), expected("an object (a map of facets)"));
export type Facets = z.infer<typeof FacetsSchema>;

export const RunSchema = z
  .object(
    {
      runId: z.string(expected("a string")).regex(UUID_PATTERN, { error: "must be a UUID" }),
      facets: FacetsSchema.optional(),
    },
    expected("an object"),
  )
  .loose();

export const JobSchema = z
  .object({ namespace: nonEmptyString, name: nonEmptyString, facets: FacetsSchema.optional() }, expected("an object"))
  .loose();

export const DatasetSchema = z
  .object({ namespace: nonEmptyString, name: nonEmptyString, facets: FacetsSchema.optional() }, expected("an object"))
  .loose();

export const InputDatasetSchema = DatasetSchema.extend({ inputFacets: FacetsSchema.optional() }).loose();
export const OutputDatasetSchema = DatasetSchema.extend({ outputFacets: FacetsSchema.optional() }).loose();

const eventTime = z
  .string(expected("an RFC 3339 date-time string"))
  .refine(isRfc3339DateTime, { error: "must be an RFC 3339 date-time with offset, e.g. 2024-11-26T13:05:23.809Z" });

const datasets = (item: typeof InputDatasetSchema | typeof OutputDatasetSchema) =>
  z.array(item, expected("an array of datasets")).optional();

/**
 * What every event carries. `producer` and `schemaURL` are optional here (the spec requires them)
 * because real producers omit them; any spec version is accepted.
 */
const BaseEventShape = {
  eventTime,
  producer: z.unknown().optional(),
  schemaURL: z.unknown().optional(),
};

const BaseEventSchema = z.object(BaseEventShape).loose();

export const RunEventSchema = z
  .object(
    {
      ...BaseEventShape,
      eventType: z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(", ")}` }).optional(),
      run: RunSchema,
      job: JobSchema,
      inputs: datasets(InputDatasetSchema),
      outputs: datasets(OutputDatasetSchema),
    },
    expected("an object"),
  )
  .loose();

export const DatasetEventSchema = z
  .object({ ...BaseEventShape, dataset: DatasetSchema }, expected("an object"))
  .loose();

export const JobEventSchema = z
  .object(
    {
      ...BaseEventShape,
      job: JobSchema,
      inputs: datasets(InputDatasetSchema),
      outputs: datasets(OutputDatasetSchema),
    },
    expected("an object"),
  )
  .loose();

/**
 * Any of the three event kinds. Prefer `validateEvent`: it picks the kind first, so its errors speak
 * of one kind instead of a union's three, and it also checks the facets and the size guards.
 */
export const OpenLineageEventSchema = z.union([RunEventSchema, DatasetEventSchema, JobEventSchema]);

export type Run = z.infer<typeof RunSchema>;
export type Job = z.infer<typeof JobSchema>;
export type Dataset = z.infer<typeof DatasetSchema>;
export type InputDataset = z.infer<typeof InputDatasetSchema>;
export type OutputDataset = z.infer<typeof OutputDatasetSchema>;
export type RunEvent = z.infer<typeof RunEventSchema>;
export type DatasetEvent = z.infer<typeof DatasetEventSchema>;
export type JobEvent = z.infer<typeof JobEventSchema>;
export type OpenLineageEvent = RunEvent | DatasetEvent | JobEvent;

const SCHEMAS = { RunEvent: RunEventSchema, DatasetEvent: DatasetEventSchema, JobEvent: JobEventSchema } as const;

// ---- validateEvent ----------------------------------------------------------------------------

export type ValidatedEvent =
  | { ok: true; kind: EventKind; event: OpenLineageEvent; warnings: ValidationIssue[] }
  | { ok: false; errors: ValidationIssue[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The kind of an event, as the spec's shapes tell them apart: a `run` makes a RunEvent, otherwise
 * a `dataset` a DatasetEvent, otherwise a `job` a JobEvent. Null when it is none of them.
 */
export function eventKindOf(event: Record<string, unknown>): EventKind | null {
  if (event.run !== undefined) return "RunEvent";
  if (event.dataset !== undefined) return "DatasetEvent";
  if (event.job !== undefined) return "JobEvent";
  return null;
}

/**
 * Validates one incoming OpenLineage event (typically the result of JSON.parse).
 *
 * Returns every structure error at once, each with the path of the offending field, or — when the
 * structure holds — the event's kind, the event itself (the same object, not a copy: what was
 * received is what gets logged and hashed) and the warnings about its facets. Never throws.
 */
export function validateEvent(input: unknown, limits: EventLimits = DEFAULT_EVENT_LIMITS): ValidatedEvent {
  if (!isPlainObject(input)) {
    return { ok: false, errors: [{ path: "", message: "must be a JSON object (an OpenLineage event)" }] };
  }
  // Before anything that walks the whole event: an oversized one is refused for the cost of the limit.
  const tooBig = checkEventLimits(input, limits);
  if (tooBig.length > 0) return { ok: false, errors: tooBig };
  const errors = checkJsonShape(input);
  const kind = eventKindOf(input);
  if (kind === null) {
    errors.push({ path: "", message: "must have a run (RunEvent), a dataset (DatasetEvent) or a job (JobEvent)" });
    const base = BaseEventSchema.safeParse(input);
    if (!base.success) errors.push(...zodIssues(base.error));
    return { ok: false, errors: capped(errors) };
  }
  // zod only descends into the few levels the schemas name (facets are `unknown` to it), so it is
  // safe to run even on input the shape guard has refused: all errors are reported together.
  if (!hasEventShape(kind, input)) {
    const parsed = SCHEMAS[kind].safeParse(input);
    if (!parsed.success) errors.push(...zodIssues(parsed.error));
  }
  if (errors.length > 0) return { ok: false, errors: capped(dedupe(errors)) };

  const event = input as OpenLineageEvent;
  const warnings: ValidationIssue[] = [];
  for (const key of ["producer", "schemaURL"] as const) {
    if (input[key] !== undefined && typeof input[key] !== "string") {
      warnings.push({ path: key, message: "must be a string (a URI)" });
    }
  }
  collectFacetWarnings(kind, input, warnings);
  return { ok: true, kind, event, warnings };
}

/**
 * The kind's zod schema's verdict for the events producers send, without zod's walk and the copy it
 * builds: true only where the schema accepts the event (a test holds it to that over random and
 * hostile events), false for anything it is unsure of, which then goes through zod, whose issues
 * are the errors. So every error message and path stays zod's; only the accepting path is faster.
 */
export function hasEventShape(kind: EventKind, event: Record<string, unknown>): boolean {
  if (typeof event.eventTime !== "string" || !isRfc3339DateTime(event.eventTime)) return false;
  if (kind === "DatasetEvent") return isDatasetShape(event.dataset, undefined);
  if (kind === "RunEvent") {
    if (event.eventType !== undefined && !(EVENT_TYPES as readonly unknown[]).includes(event.eventType)) return false;
    const run = event.run;
    if (!isPlainObject(run) || typeof run.runId !== "string" || !UUID_PATTERN.test(run.runId) || !isOptionalFacets(run.facets)) return false;
  }
  return isDatasetShape(event.job, undefined) && isDatasetList(event.inputs, "inputFacets") && isDatasetList(event.outputs, "outputFacets");
}

/** A job or dataset: a non-empty namespace and name, optional facets (and `extra` facets, for inputs and outputs). */
function isDatasetShape(value: unknown, extra: "inputFacets" | "outputFacets" | undefined): boolean {
  if (!isPlainObject(value)) return false;
  const { namespace, name } = value;
  if (typeof namespace !== "string" || namespace.length === 0 || typeof name !== "string" || name.length === 0) return false;
  return isOptionalFacets(value.facets) && (extra === undefined || isOptionalFacets(value[extra]));
}

function isDatasetList(value: unknown, extra: "inputFacets" | "outputFacets"): boolean {
  if (value === undefined) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!isDatasetShape(value[i], extra)) return false;
  return true;
}

/**
 * Absent, or a map of facets as JSON makes them: zod's record refuses anything but a plain object
 * (a Date, a class's instance) and symbol keys, which JSON never has.
 */
function isOptionalFacets(value: unknown): boolean {
  if (value === undefined) return true;
  if (!isPlainObject(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const made = (value as { constructor?: unknown }).constructor;
  return (made === Object || typeof made !== "function") && Object.getOwnPropertySymbols(value).length === 0;
}

function collectFacetWarnings(kind: EventKind, event: Record<string, unknown>, warnings: ValidationIssue[]): void {
  const check = (container: FacetContainer, facets: unknown, path: PathSegment[]) => {
    if (isPlainObject(facets)) validateFacets(container, facets, formatPath(path), warnings);
  };
  const run = event.run as Run | undefined;
  const job = event.job as Job | undefined;
  if (kind === "RunEvent" && run) check("run", run.facets, ["run", "facets"]);
  if (kind !== "DatasetEvent" && job) check("job", job.facets, ["job", "facets"]);
  if (kind === "DatasetEvent") {
    check("dataset", (event.dataset as Dataset).facets, ["dataset", "facets"]);
    return;
  }
  const inputs = (event.inputs as InputDataset[] | undefined) ?? [];
  inputs.forEach((d, i) => {
    check("dataset", d.facets, ["inputs", i, "facets"]);
    check("input", d.inputFacets, ["inputs", i, "inputFacets"]);
  });
  const outputs = (event.outputs as OutputDataset[] | undefined) ?? [];
  outputs.forEach((d, i) => {
    check("dataset", d.facets, ["outputs", i, "facets"]);
    check("output", d.outputFacets, ["outputs", i, "outputFacets"]);
  });
}

function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path.filter((s): s is string | number => typeof s !== "symbol")),
    message: issue.message,
  }));
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function capped(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  return [
    ...issues.slice(0, MAX_ISSUES),
    { path: "", message: `${issues.length - MAX_ISSUES} more problems not listed` },
  ];
}
