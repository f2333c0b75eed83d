import "server-only";
import path from "node:path";
import { z } from "zod";

/**
 * Threadline's configuration, read once and validated so a bad value fails at boot with its name,
 * not at the first request.
 */
const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^file:/, "must be a SQLite file URL such as file:./data/threadline.db")
    .default("file:./data/threadline.db"),
  /** When set, every write needs `Authorization: Bearer <key>`. */
  THREADLINE_API_KEY: z.string().min(1).optional(),
  /** Largest request body accepted, after gzip decompression. */
  THREADLINE_MAX_BODY_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  /** Most events one batch request may carry. */
  THREADLINE_MAX_BATCH_EVENTS: z.coerce.number().int().positive().default(10_000),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | null = null;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse({
    ...process.env,
    THREADLINE_API_KEY: process.env.THREADLINE_API_KEY || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid Threadline configuration: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** The SQLite file behind DATABASE_URL, resolved against the working directory. */
export function databaseFilePath(url: string = getEnv().DATABASE_URL): string {
  const file = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return file === ":memory:" ? file : path.resolve(process.cwd(), file);
}
