import "server-only";
import { z } from "zod";
import { DEFAULT_SYNTHETIC_THRESHOLDS, type SyntheticThresholds } from "@/lib/lineage/synthetic";

/**
 * Settings of the investigation features, validated with zod at first use so a bad value fails
 * with its name rather than silently disabling a warning.
 *
 * - THREADLINE_SYNTHETIC_SHARE_WARN (0..1, default 0.5): warn when at least this share of the data
 *   behind a model is synthetic.
 * - THREADLINE_SYNTHETIC_GENERATIONS_WARN (integer >= 1, default 2): warn when model output was fed
 *   back into training at least this many times upstream of a model.
 */
const InvestigateEnvSchema = z.object({
  THREADLINE_SYNTHETIC_SHARE_WARN: z.coerce.number().min(0).max(1).default(DEFAULT_SYNTHETIC_THRESHOLDS.share),
  THREADLINE_SYNTHETIC_GENERATIONS_WARN: z.coerce.number().int().min(1).default(DEFAULT_SYNTHETIC_THRESHOLDS.generations),
});

let cached: SyntheticThresholds | null = null;

export function getSyntheticThresholds(): SyntheticThresholds {
  if (cached) return cached;
  const parsed = InvestigateEnvSchema.safeParse({
    THREADLINE_SYNTHETIC_SHARE_WARN: process.env.THREADLINE_SYNTHETIC_SHARE_WARN || undefined,
    THREADLINE_SYNTHETIC_GENERATIONS_WARN: process.env.THREADLINE_SYNTHETIC_GENERATIONS_WARN || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid Threadline configuration: ${problems}`);
  }
  cached = { share: parsed.data.THREADLINE_SYNTHETIC_SHARE_WARN, generations: parsed.data.THREADLINE_SYNTHETIC_GENERATIONS_WARN };
  return cached;
}
