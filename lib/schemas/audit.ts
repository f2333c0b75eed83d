/**
 * The audit log's boundary: the query GET /api/v1/audit/events and the /audit page accept, and the
 * shapes they answer with (events as the log holds them, and the verification of log and projection).
 */
import { z } from "zod";
import { nodeId, runIdOf } from "@/lib/lineage/node-id";
import type { NodeRef, NodeType } from "@/lib/lineage/types";
import type { EventKind } from "./openlineage";

export const RUN_EVENT_TYPES = ["START", "RUNNING", "COMPLETE", "FAIL", "ABORT", "OTHER"] as const;
/** `type` filter values: a run event's eventType, or the kind of a non-run event. */
export const AUDIT_EVENT_TYPES = [...RUN_EVENT_TYPES, "DatasetEvent", "JobEvent"] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_MAX_PAGE_SIZE = 200;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_MINUTES = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A time bound as people type it, read as UTC (the UI shows every time in UTC): a date
 * (`2026-10-24`), a form's datetime-local value (`2026-10-24T10:00`) or any RFC 3339 date-time.
 * An end bound given as a date covers that whole day.
 */
export function parseTimeBound(raw: string, end: boolean): string | null {
  let text = raw.trim();
  if (text === "") return null;
  if (DATE_ONLY.test(text)) {
    const day = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(day)) return null;
    return new Date(end ? day + 86_400_000 : day).toISOString();
  }
  if (LOCAL_MINUTES.test(text)) text = `${text}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

function nodeIdParam(prefixes: readonly string[], label: string) {
  return z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .max(2000)
      .refine((v) => prefixes.some((p) => v.startsWith(`${p}:`)), `must be a ${label} node id (${prefixes.map((p) => `${p}:…`).join(" or ")})`)
      .optional(),
  );
}

/**
 * A job or dataset filter as people type it: the node's id (`job:<namespace>:<name>`), its
 * `<namespace>:<name>`, or its bare name. Which node the text names is the store's to say
 * (lib/server/audit.ts resolveNodeFilter); here only an id of another type is refused.
 */
function nodeFilterParam(allowed: readonly NodeType[], label: string) {
  const others = (["dataset", "datasetVersion", "job", "run"] as const).filter((t) => !allowed.includes(t));
  return z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .max(2000)
      .refine((v) => !others.some((t) => v.startsWith(`${t}:`)), `must name a ${label}: its name, namespace:name or ${allowed.map((t) => `${t}:…`).join(" or ")} id`)
      .optional(),
  );
}

/** The value a datetime-local input shows for a parsed UTC bound (minutes, seconds when there are any). */
export function toDateTimeLocal(iso: string): string {
  const text = new Date(iso).toISOString();
  return text.endsWith(":00.000Z") ? text.slice(0, 16) : text.slice(0, 19);
}

const timeParam = (end: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v, ctx) => {
        const parsed = parseTimeBound(v, end);
        if (parsed === null) {
          ctx.addIssue({ code: "custom", message: "must be a date (2026-10-24) or a date-time (2026-10-24T10:00:00Z)" });
          return z.NEVER;
        }
        return parsed;
      })
      .optional(),
  );

const cursorParam = z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).optional());

/** The filters and page of GET /api/v1/audit/events (also the /audit page's search params). */
export const AuditQuerySchema = z.object({
  job: nodeFilterParam(["job"], "job"),
  dataset: nodeFilterParam(["dataset", "datasetVersion"], "dataset"),
  run: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? nodeId.run(runIdOf(v.trim())) : emptyToUndefined(v)),
    z.string().max(200).optional(),
  ),
  node: nodeIdParam(["dataset", "datasetVersion", "job", "run"], "lineage"),
  type: z.preprocess(emptyToUndefined, z.enum(AUDIT_EVENT_TYPES).optional()),
  sender: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  from: timeParam(false),
  to: timeParam(true),
  /** Which time `from` / `to` bound: when the event happened (default) or when Threadline received it. */
  timeField: z.preprocess(emptyToUndefined, z.enum(["eventTime", "receivedAt"]).default("eventTime")),
  /** Keyset cursors: events with a smaller (older) or larger (newer) sequence number. */
  before: cursorParam,
  after: cursorParam,
  limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(AUDIT_MAX_PAGE_SIZE).default(AUDIT_PAGE_SIZE)),
});

export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** Search params (URLSearchParams or Next's record) as a plain object the schema can parse. */
export function searchParamsToObject(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  if (params instanceof URLSearchParams) {
    for (const [k, v] of params) out[k] ??= v;
    return out;
  }
  for (const [k, v] of Object.entries(params)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined) out[k] = value;
  }
  return out;
}

/** A node an event touched, enough to name it and link to it (kind: a dataset's kind; null for jobs and runs). */
export type TouchedNode = NodeRef;

/** One record of the log as the audit view shows it. */
export interface AuditEvent {
  seq: number;
  kind: EventKind;
  eventType: string | null;
  eventTime: string;
  receivedAt: string;
  /** The OpenLineage producer URI the event names (the software that emitted it). */
  producer: string | null;
  /**
   * Who sent it to Threadline: an API key's name, `user:<name>`, "cli", "demo" or "anonymous". Null
   * for an anonymous reader of a protected server (lib/server/auth.ts canSeeSenders).
   */
  sender: string | null;
  runId: string | null;
  jobKey: string | null;
  contentHash: string;
  prevHash: string;
  hash: string;
  nodes: TouchedNode[];
}

export interface AuditPage {
  events: AuditEvent[];
  /** Pass as `before` for the next (older) page; null on the oldest page. */
  nextBefore: number | null;
  /** Pass as `after` for the previous (newer) page; null on the newest page. */
  prevAfter: number | null;
}

export interface LogHeadRef {
  seq: number;
  hash: string;
}

/** A statement signed with this Threadline's key (Ed25519 over the statement's canonical JSON; lib/server/signing.ts). */
export interface SignedStatement<S> {
  statement: S;
  algorithm: "Ed25519";
  /** base64 signature of canonicalJson(statement); null when no signing key is configured. */
  signature: string | null;
  /** The signer's public key (SPKI PEM), for convenience: compare its keyId with the published key. */
  publicKey: string | null;
}

export interface HeadStatement {
  type: "threadline/log-head";
  version: 1;
  head: LogHeadRef | null;
  signedAt: string;
  keyId: string | null;
}

/** GET /api/v1/audit/verify: the chain and the projection, checked. */
export interface AuditVerification {
  ok: boolean;
  /** Events whose chain link was checked. */
  checked: number;
  head: LogHeadRef | null;
  /** The first record that breaks: a log record, or the event behind a projection row that differs. */
  firstBroken?: { seq: number; reason: string };
  chain: { ok: boolean; checked: number; firstBroken?: { seq: number; reason: string } };
  /** Null when the caller skipped the projection check (`projection=false`). */
  projection: {
    ok: boolean;
    firstDifference?: { table: string; key: string; reason: string; seq: number | null };
  } | null;
  verifiedAt: string;
  /** The server (host:pid) that made this check: one server checks for every server on the database. */
  verifiedBy: string;
  /**
   * The last full pass (the whole chain, and the replay of the projection) this answer rests on:
   * when it started, which server ran it and who asked for it (an admin's sender name, or null when
   * it was due by itself). Records appended since were checked link by link.
   */
  fullCheck: { at: string; by: string; requestedBy: string | null } | null;
  signedHead: SignedStatement<HeadStatement> | null;
}
