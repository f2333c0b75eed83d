/**
 * Lenient readers for values as MLflow's stores hold them: YAML scalars, SQLite columns, REST JSON
 * (where int64 may come as a number or a string). Empty strings read as absent.
 */

export function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s.length > 0 ? s : null;
}

/** A number of milliseconds (or any count); null when absent or not a finite number. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `models:/m-…` is how MLflow 3 points a registered version at its logged model. */
export function modelIdOfSource(source: string | null): string | null {
  const m = source ? /^models:\/(m-[0-9a-f]+)$/.exec(source) : null;
  return m ? m[1] : null;
}
