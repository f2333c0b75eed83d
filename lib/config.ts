import { createPrivateKey, type KeyObject } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_SYNTHETIC_THRESHOLDS } from "./lineage/synthetic";
import { DEFAULT_EVENT_LIMITS, type EventLimits } from "./schemas/event-limits";

/**
 * Threadline's configuration: every environment variable it reads, validated with zod in one place.
 * `instrumentation.ts` parses it when the server starts, so a bad value stops the server with the
 * variable's name instead of failing at the first request that needs it; scripts parse it on their
 * first use. `.env.example` and the README list the same variables.
 *
 * This module does no I/O beyond reading `process.env`, so the migration runner (which runs without
 * the `react-server` condition) and `prisma.config.ts` can use it as well as `lib/server`.
 */

/** The store Threadline uses when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = "file:./data/threadline.db";

/** The database software behind a store. */
export type Backend = "sqlite" | "postgresql";

/** A PostgreSQL connection as node-postgres takes it, spelled out field by field (see parseDatabaseUrl). */
export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** `?sslmode=require` and friends; `disable` or absent means a plain connection. */
  ssl: boolean;
}

/**
 * Where the store lives, from DATABASE_URL: `file:…` is an embedded SQLite file (the default, zero
 * set-up), `postgresql://…` (or `postgres://…`) a PostgreSQL 15+ database several servers can share.
 */
export type DatabaseLocation =
  | { kind: "sqlite"; url: string; /** absolute path, or ":memory:" */ file: string }
  | { kind: "postgresql"; url: string; connection: PostgresConnection };

/** A configuration problem, its message naming each variable and what is wrong with it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads a DATABASE_URL. A SQLite `file:` URL's path is resolved against `rootDir` (the project
 * root, where npm runs and where better-sqlite3 resolves relative paths); query parameters
 * (`?connection_limit=1`) are not part of the path; `file::memory:` stays in memory. A PostgreSQL
 * URL is split into fields, because node-postgres lets a `connectionString` override every other
 * field and the migration engine derives its scratch database by replacing `database` only.
 * Throws a ConfigError for anything else, without echoing a password the URL may carry.
 */
export function parseDatabaseUrl(url: string, rootDir: string = process.cwd()): DatabaseLocation {
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgresql", url, connection: parsePostgresUrl(url) };
  if (!url.startsWith("file:")) {
    throw new ConfigError(
      `DATABASE_URL must be a SQLite file URL such as ${DEFAULT_DATABASE_URL} or a PostgreSQL URL such as ` +
        `postgresql://user:password@host:5432/threadline (got "${redactUrl(url)}").`,
    );
  }
  const file = decodeURIComponent(url.slice("file:".length).split("?")[0] ?? "");
  if (file === "") throw new ConfigError(`DATABASE_URL "${redactUrl(url)}" does not name a database file.`);
  return { kind: "sqlite", url, file: file === ":memory:" ? file : path.resolve(rootDir, file) };
}

function parsePostgresUrl(url: string): PostgresConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`DATABASE_URL "${redactUrl(url)}" is not a valid PostgreSQL URL.`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database === "") throw new ConfigError(`DATABASE_URL "${redactUrl(url)}" names no database (…/threadline at its end).`);
  const sslmode = parsed.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(parsed.hostname) || "localhost",
    port: parsed.port === "" ? 5432 : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || "postgres",
    password: parsed.password === "" ? undefined : decodeURIComponent(parsed.password),
    database,
    ssl: sslmode !== null && sslmode !== "disable",
  };
}

/**
 * node-postgres's settings for a connection, one field each: a `connectionString` would win over
 * every other field, which the migration engine's scratch database (same server, other
 * `database`) relies on not happening.
 */
export function postgresClientConfig(connection: PostgresConnection): Omit<PostgresConnection, "ssl"> & { ssl?: { rejectUnauthorized: false } } {
  const { ssl, ...fields } = connection;
  return ssl ? { ...fields, ssl: { rejectUnauthorized: false } } : fields;
}

/**
 * Why connecting to a PostgreSQL database failed, in one line naming the database and the server,
 * with the fix when the database does not exist yet (the migration runner and the server's start).
 */
export function describeConnectionFailure(connection: PostgresConnection, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const isMissing = typeof error === "object" && error !== null && "code" in error && error.code === "3D000";
  return (
    `Cannot connect to PostgreSQL database ${connection.database} on ${connection.host}:${connection.port}: ${message}` +
    (isMissing ? ` (create it first: createdb ${connection.database})` : "")
  );
}

/** The URL with its password replaced, safe for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_match, userInfo: string) => `//${userInfo.split(":")[0]}:***@`);
}

/**
 * Reads THREADLINE_SIGNING_KEY: an Ed25519 private key as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----",
 * `\n` escapes allowed for one-line env files) or the same DER bytes in base64.
 */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim().replace(/\\n/g, "\n");
  let key: KeyObject;
  try {
    key = trimmed.includes("-----BEGIN")
      ? createPrivateKey({ key: trimmed, format: "pem" })
      : createPrivateKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "pkcs8" });
  } catch (error) {
    throw new ConfigError(`THREADLINE_SIGNING_KEY is not a PKCS#8 private key (PEM or base64 DER): ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new ConfigError(`THREADLINE_SIGNING_KEY must be an Ed25519 key, not ${key.asymmetricKeyType ?? "unknown"}.`);
  }
  return key;
}

const ConfigSchema = z.object({
  /** The store: a SQLite file URL (relative to the project root) or a PostgreSQL URL. */
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .transform((url, ctx) => {
      try {
        return parseDatabaseUrl(url);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message.replace(/^DATABASE_URL /, "") });
        return z.NEVER;
      }
    }),
  /** When set, every write needs `Authorization: Bearer <key>`. */
  THREADLINE_API_KEY: z.string().min(1).optional(),
  /** Largest request body accepted, after gzip decompression. */
  THREADLINE_MAX_BODY_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  /** Most events one batch request may carry. */
  THREADLINE_MAX_BATCH_EVENTS: z.coerce.number().int().positive().default(10_000),
  /** How big one event may be (lib/schemas/event-limits.ts): inputs, outputs, facets, JSON values. */
  THREADLINE_MAX_EVENT_INPUTS: z.coerce.number().int().positive().default(DEFAULT_EVENT_LIMITS.maxInputs),
  THREADLINE_MAX_EVENT_OUTPUTS: z.coerce.number().int().positive().default(DEFAULT_EVENT_LIMITS.maxOutputs),
  THREADLINE_MAX_EVENT_FACETS: z.coerce.number().int().positive().default(DEFAULT_EVENT_LIMITS.maxFacets),
  THREADLINE_MAX_EVENT_FIELDS: z.coerce.number().int().positive().default(DEFAULT_EVENT_LIMITS.maxFields),
  /** Most files the threadline_provenance facets of one event list (each costs one digest row). */
  THREADLINE_MAX_PROVENANCE_FILES: z.coerce.number().int().positive().default(DEFAULT_EVENT_LIMITS.maxProvenanceFiles),
  /**
   * Write rate limit per API key (per client address for anonymous writes), lib/server/rate-limit.ts:
   * requests per second refilled and the burst allowed; 0 turns it off. Generous by default.
   */
  THREADLINE_RATE_LIMIT_PER_SECOND: z.coerce.number().nonnegative().default(2_000),
  THREADLINE_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(5_000),
  /**
   * Group commit of one-event writes (lib/server/group-commit.ts): how long the first event of a
   * group waits for concurrent ones to share its transaction, in milliseconds (0: no waiting; events
   * that arrive while a group commits still share the next one), and the most events and request
   * bytes one group holds.
   */
  THREADLINE_GROUP_COMMIT_MS: z.coerce.number().min(0).max(100).default(1),
  THREADLINE_GROUP_COMMIT_MAX_EVENTS: z.coerce.number().int().positive().default(500),
  THREADLINE_GROUP_COMMIT_MAX_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024),
  /**
   * Access control (lib/server/auth.ts): `on` requires credentials for every write, `off` forces
   * local demo mode; unset means on as soon as a key, an admin password or an admin exists.
   */
  THREADLINE_AUTH: z.enum(["on", "off"]).optional(),
  /**
   * Private reads (lib/server/auth.ts requireReader): `on` makes every page and read endpoint need a
   * session or an API key (any role); share links stay readable by whoever holds them.
   */
  THREADLINE_READ_AUTH: z.enum(["on", "off"]).default("off"),
  /**
   * `on` shows event senders and raw payloads (the audit log) to anonymous readers of a protected
   * server too; off, only signed-in people and API keys see them.
   */
  THREADLINE_PUBLIC_PAYLOADS: z.enum(["on", "off"]).default("off"),
  /**
   * The address people reach Threadline at (https://lineage.example.com). The same-origin check of
   * cookie-authenticated writes compares scheme, host and port with it; unset, it compares the Host.
   */
  THREADLINE_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://lineage.example.com" })
    .transform((url) => new URL(url).origin)
    .optional(),
  /**
   * How many proxies in front of Threadline append to X-Forwarded-For (lib/client-identity.ts): the
   * client's address for per-address limits is the entry that many from the end. 0: no proxy, the
   * socket's address (which a client talking to Next directly can override by sending the header).
   */
  THREADLINE_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Reads (lib/server/read-guard.ts, proxy.ts): API GETs per second refilled per client (its key or
   * session, else its address) and the burst allowed, 0 turns the limit off; how many expensive
   * reads (exports, big walks) run at once; the node and byte budgets of one export.
   */
  THREADLINE_READ_RATE_LIMIT_PER_SECOND: z.coerce.number().nonnegative().default(100),
  THREADLINE_READ_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(300),
  THREADLINE_EXPENSIVE_READS: z.coerce.number().int().positive().default(2),
  THREADLINE_EXPORT_MAX_NODES: z.coerce.number().int().positive().default(2_000),
  THREADLINE_EXPORT_MAX_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024),
  /** Largest artefact POST /api/v1/provenance/lookup hashes (it streams: memory stays flat whatever the size). */
  THREADLINE_PROVENANCE_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  /** A request body must arrive within this many milliseconds (slow bodies hold a connection). */
  THREADLINE_BODY_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** With THREADLINE_ADMIN_PASSWORD: the admin created on first boot when no user exists yet. */
  THREADLINE_ADMIN_USER: z.string().regex(/^[\w.@-]{1,64}$/, "letters, digits, . _ @ - (at most 64)").default("admin"),
  THREADLINE_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
  /** How long a sign-in lasts. */
  THREADLINE_SESSION_HOURS: z.coerce.number().positive().max(24 * 90).default(168),
  /** Ed25519 key that signs the log head, exports and manifests (lib/server/signing.ts); unset: the instance key in the store. */
  THREADLINE_SIGNING_KEY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      try {
        return parseSigningKey(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message.replace(/^THREADLINE_SIGNING_KEY /, "") });
        return z.NEVER;
      }
    }),
  /**
   * Verification (lib/server/verification.ts) checks the records appended since the last check, and
   * the whole chain and a replay of the projection once the last full pass is this many minutes old
   * (one server of all those on the database runs it; the others read its result).
   */
  THREADLINE_FULL_VERIFY_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(60),
  /** Warn when at least this share (0..1) of the data behind a model is synthetic. */
  THREADLINE_SYNTHETIC_SHARE_WARN: z.coerce.number().min(0).max(1).default(DEFAULT_SYNTHETIC_THRESHOLDS.share),
  /** Warn when model output was fed back into training at least this many times upstream of a model. */
  THREADLINE_SYNTHETIC_GENERATIONS_WARN: z.coerce.number().int().min(1).default(DEFAULT_SYNTHETIC_THRESHOLDS.generations),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Every variable Threadline reads (what `.env.example` and the README must list). */
export const CONFIG_VARIABLES = Object.keys(ConfigSchema.shape) as (keyof Config)[];

/**
 * Validates a set of variables (by default `process.env`). An empty value counts as unset, as in
 * most env-file loaders. Throws one ConfigError naming every bad variable and why.
 */
export function parseConfig(source: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) input[name] = source[name] === "" ? undefined : source[name];
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid Threadline configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}

let cached: Config | null = null;

/** The configuration of this process, parsed on first use (at start-up for the server). */
export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

/** The configured size limits of one event. */
export function getEventLimits(config: Config = getConfig()): EventLimits {
  return {
    maxInputs: config.THREADLINE_MAX_EVENT_INPUTS,
    maxOutputs: config.THREADLINE_MAX_EVENT_OUTPUTS,
    maxFacets: config.THREADLINE_MAX_EVENT_FACETS,
    maxFields: config.THREADLINE_MAX_EVENT_FIELDS,
    maxProvenanceFiles: config.THREADLINE_MAX_PROVENANCE_FILES,
  };
}
