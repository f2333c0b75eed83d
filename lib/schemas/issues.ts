/**
 * Validation issues and their paths, shared by the event validator and the facet validator.
 */

/** One problem found in an incoming event. `path` is "" for the event itself. */
export interface ValidationIssue {
  /** Where the problem is, e.g. "run.runId", "inputs[0].facets.schema.fields". */
  path: string;
  message: string;
}

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a path the way a person would write it in JavaScript: `inputs[0].facets.schema`.
 * Keys that are not plain identifiers (dots, spaces, digits first, empty) are bracketed and quoted,
 * so that `facets["a.b"]` never reads as two keys.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) out = appendPath(out, s);
  return out;
}

/** Appends one segment to a formatted path. */
export function appendPath(base: string, segment: PathSegment): string {
  if (typeof segment === "number") return `${base}[${segment}]`;
  if (PLAIN_KEY.test(segment)) return base === "" ? segment : `${base}.${segment}`;
  return `${base}[${JSON.stringify(segment)}]`;
}
