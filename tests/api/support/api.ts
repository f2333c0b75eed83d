import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";
import type { StoreStats } from "@/lib/lineage/types";
import type { ErrorDetail } from "@/lib/server/errors";

/**
 * Shared helpers for the `api` Playwright project: these specs speak real HTTP to the production
 * server (playwright.config.ts), so every helper here sends or reads requests, never the database.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type { ErrorDetail, StoreStats };


const FIXTURES = fileURLToPath(new URL("../../fixtures/openlineage/events/", import.meta.url));

/** A fixture file's text, by its path under tests/fixtures/openlineage/events. */
export function fixtureText(relative: string): string {
  return fs.readFileSync(FIXTURES + relative, "utf8");
}

export function fixtureJson<T = JsonObject>(relative: string): T {
  return JSON.parse(fixtureText(relative)) as T;
}

/** The file names in one fixture folder, sorted, filtered by a pattern. */
export function fixtureFiles(folder: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(FIXTURES + folder)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => `${folder}/${name}`);
}

/** The Marquez seed's fill time in scripts/seed-demo.ts: events filled with it are already stored. */
export const SEEDED_MARQUEZ_BASE_TIME = "2026-10-20T06:00:00Z";

/** A namespace of its own for each spec run, so generated events never touch the demo's nodes. */
export function uniqueNamespace(label: string): string {
  return `api-test-${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * A valid OpenLineage RunEvent with a fresh runId: one run of `job` reading `inputs` and writing
 * `outputs` (dataset names in the same namespace).
 */
export function makeRunEvent(
  namespace: string,
  options: { job?: string; eventType?: string; inputs?: string[]; outputs?: string[]; runId?: string; time?: string } = {},
): JsonObject {
  return {
    eventType: options.eventType ?? "COMPLETE",
    eventTime: options.time ?? new Date().toISOString(),
    run: { runId: options.runId ?? randomUUID() },
    job: { namespace, name: options.job ?? "job" },
    inputs: (options.inputs ?? []).map((name) => ({ namespace, name })),
    outputs: (options.outputs ?? []).map((name) => ({ namespace, name })),
    producer: "https://github.com/threadline/tests/api",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  };
}

/** The same JSON with every object's keys in reverse order: what a client in another language may send. */
export function reverseKeys<T extends Json>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => reverseKeys(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as JsonObject)[key]);
    return out as T;
  }
  return value;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Fresh copies of real events: every run id (the run's own and those its parent facets name) is
 * replaced by a new UUID, the same old id always by the same new one, so parent links still hold.
 * Returns the copies and the old -> new map. Only ids that are some event's run.runId or a parent's
 * run id are replaced; other UUIDs (dataset names, versions) stay as they were.
 */
export function withFreshRunIds<T extends Json>(events: T[]): { events: T[]; runIds: Map<string, string> } {
  const runIds = new Map<string, string>();
  const note = (id: unknown) => {
    if (typeof id === "string" && !runIds.has(id)) runIds.set(id, randomUUID());
  };
  for (const event of events as JsonObject[]) {
    const run = event.run as JsonObject | undefined;
    note(run?.runId);
    const parent = (run?.facets as JsonObject | undefined)?.parent as JsonObject | undefined;
    note((parent?.run as JsonObject | undefined)?.runId);
    note(((parent?.root as JsonObject | undefined)?.run as JsonObject | undefined)?.runId);
  }
  const text = JSON.stringify(events).replace(UUID, (id) => runIds.get(id) ?? id);
  return { events: JSON.parse(text) as T[], runIds };
}

export interface Posted<T = JsonObject> {
  status: number;
  body: T;
  response: APIResponse;
}

async function readBody<T>(response: APIResponse): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`Expected a JSON body from ${response.url()} (${response.status()}), got: ${text.slice(0, 200)}`);
  }
}

/**
 * POSTs a body as-is: an object or array is serialised here (so tests control the bytes), a string
 * or Buffer is sent unchanged. Content-Type is application/json unless `headers` says otherwise.
 */
export async function postRaw<T = JsonObject>(
  request: APIRequestContext,
  url: string,
  body: Json | string | Buffer,
  headers: Record<string, string> = {},
): Promise<Posted<T>> {
  // Always bytes: given a string that is not valid JSON, Playwright would JSON-encode it first.
  const data = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
  const response = await request.post(url, {
    data,
    headers: { "content-type": "application/json", ...headers },
    failOnStatusCode: false,
  });
  return { status: response.status(), body: await readBody<T>(response), response };
}

export interface IngestAnswer {
  status: "created" | "duplicate";
  seq: number;
  warnings?: ErrorDetail[];
}

export interface BatchResult {
  index: number;
  status: "created" | "duplicate" | "rejected";
  seq?: number;
  errors?: ErrorDetail[];
  warnings?: ErrorDetail[];
}

export interface BatchAnswer {
  created: number;
  duplicates: number;
  rejected: number;
  results: BatchResult[];
  error?: { code: string; message: string; details: ErrorDetail[] };
}

export interface ErrorAnswer {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export function postEvent(request: APIRequestContext, event: Json | string | Buffer, headers?: Record<string, string>) {
  return postRaw<IngestAnswer & ErrorAnswer>(request, "/api/v1/lineage", event, headers);
}

export function postBatch(request: APIRequestContext, events: Json | string | Buffer, headers?: Record<string, string>) {
  return postRaw<BatchAnswer>(request, "/api/v1/lineage/batch", events, headers);
}

export async function getJson<T = JsonObject>(request: APIRequestContext, url: string): Promise<{ status: number; body: T }> {
  const response = await request.get(url, { failOnStatusCode: false });
  return { status: response.status(), body: await readBody<T>(response) };
}

export async function getStats(request: APIRequestContext): Promise<StoreStats> {
  const { status, body } = await getJson<StoreStats>(request, "/api/v1/stats");
  expect(status, "GET /api/v1/stats").toBe(200);
  return body;
}

export interface VerifyAnswer {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBroken?: unknown;
}

export async function verifyChain(request: APIRequestContext): Promise<VerifyAnswer> {
  const { status, body } = await getJson<VerifyAnswer>(request, "/api/v1/audit/verify");
  expect(status, "GET /api/v1/audit/verify").toBe(200);
  return body;
}

/** GET /api/v1/nodes/<id>, the id URL-encoded as the API asks. */
export function getNode<T = NodeDetailLike>(request: APIRequestContext, id: string) {
  return getJson<T>(request, `/api/v1/nodes/${encodeURIComponent(id)}`);
}

/** The parts of NodeDetail (lib/lineage/types.ts) these specs read. */
export interface NodeRefLike {
  id: string;
  type: string;
  namespace: string;
  name: string;
  version: string | null;
}

export interface NodeDetailLike {
  node: { id: string; type: string; namespace: string; name: string; state: string | null; kind: string | null };
  description: string | null;
  schema: { name: string; type: string | null; description: string | null }[];
  versions: { id: string; version: string }[];
  runs: { id: string; runId: string; state: string }[];
  transformation: {
    job: { id: string; sql: string | null; sourceCodeUrl: string | null; description: string | null };
    run: { id: string; runId: string; state: string; parentRun: string | null; nominalTime: string | null } | null;
    inputs: NodeRefLike[];
    outputs: NodeRefLike[];
  } | null;
  upstream: NodeRefLike[];
  downstream: NodeRefLike[];
  facets: Record<string, unknown>;
}

/** Asserts the API's one error shape `{ error: { code, message, details } }` and returns its details. */
export function expectError(answer: { status: number; body: unknown }, status: number, code: string): ErrorDetail[] {
  expect(answer.status, `HTTP status (body: ${JSON.stringify(answer.body).slice(0, 300)})`).toBe(status);
  const body = answer.body as ErrorAnswer;
  expect(body.error, "error envelope").toBeDefined();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(body.error.details)).toBe(true);
  return body.error.details;
}

/** The paths named by a list of details (errors or warnings). */
export function pathsOf(details: ErrorDetail[] | undefined): string[] {
  return (details ?? []).map((d) => d.path);
}
