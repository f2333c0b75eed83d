import type { MlflowModelVersion } from "./model";

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

/**
 * A registered model version from MLflow's own snake_case fields, which every store keeps (a REST
 * answer, a model_versions row, a version's meta.yaml; the times are `creation_timestamp` in two of
 * them, `creation_time` in SQL). Aliases and tags each store keeps elsewhere, so they are given.
 */
export function modelVersionOf(
  v: Record<string, unknown>,
  kept: { aliases: string[]; tags: Record<string, string>; name?: string; version?: string },
): MlflowModelVersion {
  const source = text(v.source);
  return {
    name: kept.name ?? String(v.name),
    version: kept.version ?? String(v.version),
    runId: text(v.run_id),
    source,
    modelId: text(v.model_id) ?? modelIdOfSource(source),
    status: text(v.status),
    currentStage: text(v.current_stage),
    aliases: kept.aliases,
    description: text(v.description),
    userId: text(v.user_id),
    creationTime: num(v.creation_timestamp ?? v.creation_time),
    lastUpdatedTime: num(v.last_updated_timestamp ?? v.last_updated_time),
    tags: kept.tags,
  };
}
