import type { ValidationIssue } from "./issues";
import { MAX_NESTING_DEPTH } from "./json-guards";

/**
 * How big one event may be. Ingest is linear in an event's size, but one event is one synchronous
 * transaction, so a producer that sends 60,000 inputs in one event holds every other request for
 * seconds. These limits refuse such an event before any other check, with the limit and the
 * setting that raises it named. Threadline's configuration fills them from THREADLINE_MAX_EVENT_*
 * and THREADLINE_MAX_PROVENANCE_FILES.
 *
 * A provenance file list is the one large list an event is expected to carry (a batch of 100,000
 * molecules, each with its digest), so it has a limit of its own: each entry of a
 * `threadline_provenance` facet's `files` that has the entry's flat shape (name, contentHash,
 * mediaType, size, each a scalar) counts as one JSON value, and the entries of all such lists in
 * the event are counted against `maxProvenanceFiles`. The work per entry is bounded by that shape
 * (one digest row); an entry that carries anything else is counted value by value as before.
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
  /** Most entries in the `files` of the event's `threadline_provenance` facets, all datasets together. */
  maxProvenanceFiles: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxInputs: 5_000,
  maxOutputs: 5_000,
  maxFacets: 20_000,
  maxFields: 250_000,
  maxProvenanceFiles: 100_000,
};

/** The setting that raises each limit, named in every refusal. */
export const EVENT_LIMIT_SETTINGS: Record<keyof EventLimits, string> = {
  maxInputs: "THREADLINE_MAX_EVENT_INPUTS",
  maxOutputs: "THREADLINE_MAX_EVENT_OUTPUTS",
  maxFacets: "THREADLINE_MAX_EVENT_FACETS",
  maxFields: "THREADLINE_MAX_EVENT_FIELDS",
  maxProvenanceFiles: "THREADLINE_MAX_PROVENANCE_FILES",
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
 * THREADLINE_FACETS.provenance, spelled here: this module is read by lib/config.ts, which Prisma's
 * config loader also reads, and that loader resolves no "@/" paths (threadline-facets has one).
 */
export const PROVENANCE_FACET = "threadline_provenance";

const FILE_ENTRY_KEYS = new Set(["name", "contentHash", "mediaType", "size"]);

/** A provenance file entry of the documented flat shape: only its own keys, each a scalar. */
function isFlatFileEntry(entry: unknown): boolean {
  if (!isRecord(entry)) return false;
  let keys = 0;
  for (const key in entry) {
    if (++keys > FILE_ENTRY_KEYS.size || !FILE_ENTRY_KEYS.has(key)) return false;
    const v = entry[key];
    if (typeof v === "object" && v !== null) return false;
  }
  return true;
}

/** The `files` arrays of the event's threadline_provenance facets, with where each one is. */
function provenanceFileLists(event: Record<string, unknown>, inputs: unknown[], outputs: unknown[]): { path: string; files: unknown[] }[] {
  const lists: { path: string; files: unknown[] }[] = [];
  const visit = (dataset: unknown, path: string) => {
    if (!isRecord(dataset) || !isRecord(dataset.facets)) return;
    const facet = dataset.facets[PROVENANCE_FACET];
    if (isRecord(facet) && Array.isArray(facet.files)) lists.push({ path: `${path}.facets.${PROVENANCE_FACET}.files`, files: facet.files });
  };
  visit(event.dataset, "dataset");
  inputs.forEach((d, i) => visit(d, `inputs[${i}]`));
  outputs.forEach((d, i) => visit(d, `outputs[${i}]`));
  return lists;
}

/**
 * The number of JSON values in `value`; counting stops as soon as it passes `max` (so a huge event
 * costs no more than the limit to refuse). Containers deeper than the shape guard allows are not
 * entered: that guard reports them (and a cyclic structure) with their path. The entries of
 * `fileLists` count as one value each when they have a file entry's flat shape.
 */
function countValues(value: unknown, max: number, fileLists: ReadonlySet<unknown> = new Set()): number {
  const state = { count: 1, max, fileLists };
  if (typeof value === "object" && value !== null) countChildren(value, 1, state);
  return state.count;
}

/**
 * Adds the values under `container` (at `depth`) to `state.count`; true once it passed the max.
 * Recursive (the depth is bounded by MAX_NESTING_DEPTH) and allocation-free: it visits every value
 * of every event, so it builds no arrays of children.
 */
function countChildren(container: object, depth: number, state: { count: number; max: number; fileLists: ReadonlySet<unknown> }): boolean {
  if (depth > MAX_NESTING_DEPTH) return false;
  if (Array.isArray(container)) {
    // Count a container's children before entering it, so a huge one is refused without a walk.
    state.count += container.length;
    if (state.count > state.max) return true;
    const isFileList = state.fileLists.has(container);
    for (let i = 0; i < container.length; i++) {
      const child: unknown = container[i];
      if (typeof child !== "object" || child === null || (isFileList && isFlatFileEntry(child))) continue;
      if (countChildren(child, depth + 1, state)) return true;
    }
    return false;
  }
  const record = container as Record<string, unknown>;
  for (const key in record) if (Object.prototype.hasOwnProperty.call(record, key)) state.count++;
  if (state.count > state.max) return true;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const child = record[key];
    if (typeof child !== "object" || child === null) continue;
    if (countChildren(child, depth + 1, state)) return true;
  }
  return false;
}

/**
 * What is over the limits in one event (empty when nothing is). Cheap checks first: array lengths,
 * provenance file lists, then facets, then a bounded count of every value.
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

  const fileLists = provenanceFileLists(event, inputs, outputs);
  let files = 0;
  for (const list of fileLists) {
    files += list.files.length;
    if (files > limits.maxProvenanceFiles) {
      const what = list.files.length === files ? "provenance files" : "provenance files with the event's earlier file lists";
      over(list.path, what, files.toLocaleString("en-US"), "maxProvenanceFiles");
      return issues;
    }
  }

  let facets = facetCount(event.run) + facetCount(event.job) + facetCount(event.dataset);
  for (const d of inputs) facets += facetCount(d);
  for (const d of outputs) facets += facetCount(d);
  if (facets > limits.maxFacets) over("", "facets", facets.toLocaleString("en-US"), "maxFacets");

  const fields = countValues(event, limits.maxFields, new Set(fileLists.map((l) => l.files)));
  if (fields > limits.maxFields) over("", "JSON values", `more than ${limits.maxFields.toLocaleString("en-US")}`, "maxFields");
  return issues;
}
