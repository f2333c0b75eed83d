/**
 * Small readers for the JSON Threadline stores (facets, parameters) and receives: they never throw,
 * so one malformed value cannot break a page or a replay.
 */

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string, else null. */
export function nonEmptyString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** JSON.parse of stored text, or `fallback` when it is absent or unreadable. */
export function parseJsonOr<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
