import type { ValidationIssue } from "./issues";
import { MAX_NESTING_DEPTH } from "./json-guards";

/**
 * How big one event may be. Ingest is linear in an event's size, but one event is one synchronous
 * transaction, so a producer that sends 60,000 inputs in one event holds every other request for
 * seconds. These limits refuse such an event before any other check, with the limit and the
 * setting that raises it named. Threadline's configuration fills them from THREADLINE_MAX_EVENT_*.
 */
export interface EventLimits {
  /** Most entries in `inputs`. */
  maxInputs: number;
  /** Most entries in `outputs`. */
  maxOutputs: number;
  /** Most facets in the whole event (run, job, every dataset's facets, inputFacets, outputFacets). */
  maxFacets: number;
  /** Most JSON values (objects, arrays, strings, numbers, booleans, nulls) in the whole event. */
  maxFields: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxInputs: 5_000,
  maxOutputs: 5_000,
  maxFacets: 20_000,
  maxFields: 250_000,
};

/** The setting that raises each limit, named in every refusal. */
export const EVENT_LIMIT_SETTINGS: Record<keyof EventLimits, string> = {
  maxInputs: "THREADLINE_MAX_EVENT_INPUTS",
  maxOutputs: "THREADLINE_MAX_EVENT_OUTPUTS",
  maxFacets: "THREADLINE_MAX_EVENT_FACETS",
  maxFields: "THREADLINE_MAX_EVENT_FIELDS",
};

const FACET_MAPS = ["facets", "inputFacets", "outputFacets"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function facetCount(holder: unknown): number {
  if (!isRecord(holder)) return 0;
  let n = 0;
  for (const map of FACET_MAPS) if (isRecord(holder[map])) n += Object.keys(holder[map]).length;
  return n;
}

/**
 * The number of JSON values in `value`; counting stops as soon as it passes `max` (so a huge event
 * costs no more than the limit to refuse). Containers deeper than the shape guard allows are not
 * entered: that guard reports them (and a cyclic structure) with their path.
 */
function countValues(value: unknown, max: number): number {
  let count = 1;
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (depth > MAX_NESTING_DEPTH || typeof v !== "object" || v === null) continue;
    // Count a container's children before entering it, so a huge one is refused without a walk.
    const children = Array.isArray(v) ? v : Object.values(v);
    count += children.length;
    if (count > max) return count;
    for (const child of children) if (typeof child === "object" && child !== null) stack.push({ v: child, depth: depth + 1 });
  }
  return count;
}

/**
 * What is over the limits in one event (empty when nothing is). Cheap checks first: array lengths,
 * then facets, then a bounded count of every value.
 */
export function checkEventLimits(event: Record<string, unknown>, limits: EventLimits = DEFAULT_EVENT_LIMITS): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const over = (path: string, what: string, n: number | string, limit: keyof EventLimits) =>
    issues.push({
      path,
      message: `has ${n} ${what}; the limit is ${limits[limit].toLocaleString("en-US")} per event (${EVENT_LIMIT_SETTINGS[limit]})`,
    });
  const inputs = Array.isArray(event.inputs) ? event.inputs : [];
  const outputs = Array.isArray(event.outputs) ? event.outputs : [];
  if (inputs.length > limits.maxInputs) over("inputs", "inputs", inputs.length.toLocaleString("en-US"), "maxInputs");
  if (outputs.length > limits.maxOutputs) over("outputs", "outputs", outputs.length.toLocaleString("en-US"), "maxOutputs");
  if (issues.length > 0) return issues;

  let facets = facetCount(event.run) + facetCount(event.job) + facetCount(event.dataset);
  for (const d of inputs) facets += facetCount(d);
  for (const d of outputs) facets += facetCount(d);
  if (facets > limits.maxFacets) over("", "facets", facets.toLocaleString("en-US"), "maxFacets");

  const fields = countValues(event, limits.maxFields);
  if (fields > limits.maxFields) over("", "JSON values", `more than ${limits.maxFields.toLocaleString("en-US")}`, "maxFields");
  return issues;
}
