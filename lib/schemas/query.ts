import { z } from "zod";

/**
 * Building blocks for the zod schemas route handlers parse their query strings and path parameters
 * with (on their first line), so a bad value is a 400 naming the parameter and why, the same way
 * for every route.
 */

/** A request's query string as a plain object (the first value of a repeated name). */
export function queryOf(request: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URL(request.url).searchParams) out[name] ??= value;
  return out;
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** An integer from `min` to `max`; absent or blank: `fallback`. */
export function intQuery(fallback: number, min: number, max: number) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return fallback;
        const value = Number(raw);
        if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
          ctx.addIssue({ code: "custom", message: `expected an integer from ${min} to ${max}, got ${raw}` });
          return z.NEVER;
        }
        return value;
      }),
  );
}

/** A non-negative integer in a path (an event's seq, a key's id). */
export const positiveIntParam = z
  .string()
  .regex(/^\d+$/, { error: "must be a positive integer" })
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n) && n > 0, { error: "must be a positive integer" });

/** `true`/`1` or `false`/`0`; absent: `fallback`. */
export function booleanQuery(fallback: boolean) {
  return z.preprocess(blankToUndefined, z.enum(["true", "false", "1", "0"]).optional()).transform((v) => (v === undefined ? fallback : v === "true" || v === "1"));
}

/** A node id (or another id) in a query or body: trimmed, not empty. */
export const nodeIdSchema = z.string().trim().min(1, { error: "must not be empty" }).max(2000);

/** Free text that may be absent or blank (then undefined). */
export const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());

/** GET /api/v1/search */
export const SearchQuerySchema = z.object({
  q: z.string().default("").transform((q) => q.slice(0, 200)),
  /** all, datasets (models included), models only, jobs (and runs). */
  type: z.preprocess(blankToUndefined, z.enum(["all", "dataset", "model", "job"]).default("all")),
  limit: intQuery(20, 1, 100),
});

/** GET /api/v1/audit/verify: `projection=false` checks the chain only; `maxAge` (seconds) accepts a full check that old. */
export const VerifyQuerySchema = z.object({ projection: booleanQuery(true), maxAge: intQuery(0, 0, 3600) });

/** GET /api/v1/audit/public-key */
export const PublicKeyQuerySchema = z.object({ format: z.preprocess(blankToUndefined, z.enum(["pem", "json"]).default("pem")) });

/** GET /api/v1/audit/events/<seq> */
export const SeqParamSchema = z.object({ seq: positiveIntParam });

/** DELETE /api/v1/keys/<id> */
export const KeyIdParamSchema = z.object({ id: positiveIntParam });
export const UserIdParamSchema = z.object({ id: positiveIntParam });

/** POST /api/v1/lineage/batch: an array of events, each validated on its own by the ingest. */
export const BatchBodySchema = z.array(z.unknown(), { error: "expected an array of events" });
