import { z } from "zod";
import type { RunParameter } from "@/lib/lineage/types";

/**
 * The JSON Threadline keeps in text columns, one typed reader per column, used by every reader of
 * it (projection, node details, investigations, exports, the audit report, the home page).
 *
 * A reader never throws: a column written by an older Threadline, or edited by hand, must not break
 * a page or a replay. An unreadable column reads as empty; in a list, each entry that does not fit
 * the shape is left out and the others kept.
 */

/** Why a dataset version is failed (`DatasetVersion.failureReasons`). */
export const FailureReasonSchema = z.object({
  /** run: the run that made it failed; check: a run that read it reported a failing check; flag: someone marked it failed. */
  source: z.enum(["run", "check", "flag"]),
  message: z.string(),
  /** The run (node id) that failed or reported the check. */
  run: z.string().optional(),
  check: z.string().optional(),
  /** The flag that marked it failed, and who raised it. */
  flagId: z.string().optional(),
  by: z.string().optional(),
});
export type FailureReason = z.infer<typeof FailureReasonSchema>;

/** A check a run reported as failed (`Run.failedChecks`). */
export const FailedCheckSchema = z.object({ check: z.string(), message: z.string() });
export type FailedCheck = z.infer<typeof FailedCheckSchema>;

/** One run parameter (`Run.parameters`). */
export const RunParameterSchema = z.object({ key: z.string(), value: z.string(), source: z.string() }) satisfies z.ZodType<RunParameter>;

/** Facets as stored (`facets`, `jobFacets` columns): OpenLineage facets by name, merged. */
export type StoredFacets = Record<string, unknown>;

function parseText(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function listReader<T>(schema: z.ZodType<T>): (text: string | null | undefined) => T[] {
  return (text) => {
    const value = parseText(text);
    if (!Array.isArray(value)) return [];
    const items: T[] = [];
    // The stored entry itself, not zod's copy: the projection writes lists back, and their bytes
    // (key order included) must stay what a replay of the log writes (npm run verify compares them).
    for (const item of value) if (schema.safeParse(item).success) items.push(item as T);
    return items;
  };
}

export const readFailureReasons = listReader(FailureReasonSchema);
export const readFailedChecks = listReader(FailedCheckSchema);
export const readRunParameters = listReader(RunParameterSchema);

/** A facets column: the stored object, or `{}` when it is absent or not an object. */
export function readFacets(text: string | null | undefined): StoredFacets {
  const value = parseText(text);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as StoredFacets) : {};
}
