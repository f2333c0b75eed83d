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
  /**
   * Write rate limit per API key (per client address for anonymous writes), lib/server/rate-limit.ts:
   * requests per second refilled and the burst allowed; 0 turns it off. Generous by default.
   */
  THREADLINE_RATE_LIMIT_PER_SECOND: z.coerce.number().nonnegative().default(2_000),
  THREADLINE_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(5_000),
  /**
   * Access control (lib/server/auth.ts): `on` requires credentials for every write, `off` forces
   * local demo mode; unset means on as soon as a key, an admin password or an admin exists.
   */
  THREADLINE_AUTH: z.enum(["on", "off"]).optional(),
  /** With THREADLINE_ADMIN_PASSWORD: the admin created on first boot when no user exists yet. */
  THREADLINE_ADMIN_USER: z.string().regex(/^[\w.@-]{1,64}$/, "letters, digits, . _ @ - (at most 64)").default("admin"),
  THREADLINE_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
  /** How long a sign-in lasts. */
  THREADLINE_SESSION_HOURS: z.coerce.number().positive().max(24 * 90).default(168),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | null = null;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse({
    ...process.env,
    THREADLINE_API_KEY: process.env.THREADLINE_API_KEY || undefined,
    THREADLINE_AUTH: process.env.THREADLINE_AUTH || undefined,
    THREADLINE_ADMIN_PASSWORD: process.env.THREADLINE_ADMIN_PASSWORD || undefined,
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
