/**
 * Small guards for JSON values Threadline receives and stores. (Stored JSON columns are read by
 * their typed readers in lib/schemas/columns.ts.)
 */

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string, else null. */
export function nonEmptyString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}
