import { z } from "zod";
import { booleanQuery, intQuery, nodeIdSchema, optionalText } from "./query";
import { FLAG_KINDS, FLAG_SEVERITIES } from "@/lib/lineage/flags";

/**
 * Request shapes of the investigation endpoints: flags (POST /api/v1/flags), diff, causes and
 * synthetic-share queries. Node ids are opaque strings; the services check they exist.
 */

const text = (max: number) => z.string().trim().min(1, { error: "must not be empty" }).max(max);

/** POST /api/v1/flags with action add (the default): flag a dataset version. */
export const AddFlagBodySchema = z.strictObject({
  action: z.literal("add").default("add"),
  /** The dataset version to flag (datasetVersion:<ns>:<name>:<version>). */
  node: nodeIdSchema,
  kind: z.enum(FLAG_KINDS),
  severity: z.enum(FLAG_SEVERITIES).default("medium"),
  reason: text(2000),
  /** Who flags it; defaults to the authenticated sender. */
  by: text(200).optional(),
});

/** POST /api/v1/flags with action remove: remove a flag (recorded, never deleted). */
export const RemoveFlagBodySchema = z.strictObject({
  action: z.literal("remove"),
  flagId: text(200),
  reason: text(2000).optional(),
  by: text(200).optional(),
});

export type AddFlagBody = z.infer<typeof AddFlagBodySchema>;
export type RemoveFlagBody = z.infer<typeof RemoveFlagBodySchema>;

/** The schema for a flag request body: `action: "remove"` removes, anything else adds. */
export function flagBodySchemaFor(body: unknown) {
  const action = typeof body === "object" && body !== null ? (body as { action?: unknown }).action : undefined;
  return action === "remove" ? RemoveFlagBodySchema : AddFlagBodySchema;
}

/** DELETE /api/v1/flags/<id> body (optional). */
export const DeleteFlagBodySchema = z.strictObject({
  reason: text(2000).optional(),
  by: text(200).optional(),
});

export const DiffQuerySchema = z.object({
  a: nodeIdSchema,
  /** Omitted: the most recent passing output of the same job. */
  b: optionalText(2000),
});

export const NodeQuerySchema = z.object({ nodeId: nodeIdSchema, asOf: optionalText(100) });

/** GET /api/v1/investigate/causes */
export const CausesQuerySchema = z.object({ nodeId: nodeIdSchema, limit: intQuery(50, 1, 500) });

/** GET /api/v1/investigate */
export const InvestigateQuerySchema = z.object({ node: nodeIdSchema, compare: optionalText(2000), asOf: optionalText(100) });

/** GET /api/v1/flags */
export const FlagListQuerySchema = z.object({ node: optionalText(2000), includeRemoved: booleanQuery(false) });
