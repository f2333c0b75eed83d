/**
 * Bad input, fuzzed: thousands of generated malformed requests against a server of its own. Every
 * one must be answered 4xx with the JSON error envelope (or, for hostile-but-valid data, stored as
 * plain data), the server must stay up with bounded memory, and the store must hold exactly the
 * valid events and still verify.
 */
import { errorOf, send, type HttpResult } from "./client";
import { planFuzzCases, type FuzzCase } from "./fuzz-cases";
import type { ServerProcess } from "../../harness/server";
import { withScenarioServer } from "./server";
import { latencySummary, mib } from "./stats";
import { readStore, verifyForReport, type VerifyFacts } from "./store";

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Peak resident memory of the server allowed, in MiB. */
  maxRssMiB: number;
  log?: (line: string) => void;
}

export const FUZZ_DEFAULTS: FuzzOptions = { cases: 5000, seed: 7, concurrency: 4, maxRssMiB: 1024 };

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_BATCH_EVENTS = 10_000;

export interface FuzzFailure {
  id: number;
  category: string;
  description: string;
  status: number;
  problem: string;
  body: string;
}

export interface FuzzFigures {
  options: Omit<FuzzOptions, "log">;
  cases: number;
  byCategory: Record<string, { cases: number; statuses: Record<string, number> }>;
  answered4xx: number;
  answered2xx: number;
  status5xx: number;
  networkErrors: number;
  unclearErrors: number;
  failures: FuzzFailure[];
  /** Stored hostile names that GET /api/v1/nodes/<encoded id> does not find (a known issue, not a failure). */
  nodeDetailMisses: string[];
  validEventsStored: number;
  eventsInStore: number;
  unexpectedExits: number;
  healthChecksFailed: number;
  rssMiB: { baseline: number | null; peak: number | null; final: number | null };
  latencyMs: ReturnType<typeof latencySummary>;
  verify: Omit<VerifyFacts, "output">;
  durationMs: number;
  isPassed: boolean;
}

function findString(value: unknown, wanted: string): boolean {
  if (value === wanted) return true;
  if (Array.isArray(value)) return value.some((v) => findString(v, wanted));
  if (value && typeof value === "object") return Object.values(value).some((v) => findString(v, wanted));
  return false;
}

/** What is wrong with the server's answer to one case, or null when it is right. */
interface Verdict {
  problem: string | null;
  created: number;
  /** A stored node that GET /api/v1/nodes/<id> could not find. */
  detailMiss?: string;
}

async function judge(server: ServerProcess, fuzzCase: FuzzCase, result: HttpResult): Promise<Verdict> {
  const { expect } = fuzzCase;
  if (result.status === 0) return { problem: `no answer (${result.error})`, created: 0 };
  if (result.status >= 500) return { problem: `server error ${result.status}`, created: 0 };
  if (expect.kind === "reject") {
    if (result.status < 400 || result.status > 499) return { problem: `expected 4xx, got ${result.status}`, created: 0 };
    if (expect.status && !expect.status.includes(result.status)) return { problem: `expected ${expect.status.join(" or ")}, got ${result.status}`, created: 0 };
    const error = errorOf(result);
    if (!error?.code || !error.message) return { problem: "4xx without the JSON error envelope (code and message)", created: 0 };
    if (result.status === 413 && !/\d/.test(error.message)) return { problem: "413 whose message does not state the limit", created: 0 };
    return { problem: null, created: 0 };
  }
  if (expect.kind === "partial") {
    if (result.status !== 207) return { problem: `expected 207, got ${result.status}`, created: 0 };
    const body = JSON.parse(result.body) as { created: number; duplicates: number; rejected: number };
    if (body.created + body.duplicates !== expect.valid) return { problem: `expected ${expect.valid} stored, got ${body.created}+${body.duplicates}`, created: body.created };
    return { problem: null, created: body.created };
  }
  if (result.status !== 201 && result.status !== 200) return { problem: `expected the hostile-but-valid event to be stored, got ${result.status}`, created: 0 };
  const created = result.status === 201 ? expect.events : 0;
  if (expect.readBack) {
    const read = await send(server.baseUrl, { method: "GET", path: `/api/v1/lineage?depth=0&nodeId=${encodeURIComponent(expect.readBack.nodeId)}` });
    if (read.status !== 200) return { problem: `stored, but GET /api/v1/lineage of its node answered ${read.status}`, created };
    if (!findString(JSON.parse(read.body), expect.readBack.name)) return { problem: "stored, but its name did not come back byte for byte", created };
    // The node-details route too; a miss there is reported apart (see docs/reliability.md, known issues).
    const detail = await send(server.baseUrl, { method: "GET", path: `/api/v1/nodes/${encodeURIComponent(expect.readBack.nodeId)}` });
    if (detail.status !== 200) return { problem: null, created, detailMiss: `${expect.readBack.nodeId} → ${detail.status}` };
  }
  return { problem: null, created };
}

export async function runFuzzScenario(options: FuzzOptions): Promise<FuzzFigures> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const cases = planFuzzCases({ cases: options.cases, seed: options.seed, maxBodyBytes: MAX_BODY_BYTES, maxBatchEvents: MAX_BATCH_EVENTS });
  const env = { THREADLINE_MAX_BODY_BYTES: String(MAX_BODY_BYTES), THREADLINE_MAX_BATCH_EVENTS: String(MAX_BATCH_EVENTS) };
  return withScenarioServer("fuzz", { env, log }, async (server, dbFile) => {
    const byCategory: FuzzFigures["byCategory"] = {};
    const failures: FuzzFailure[] = [];
    const nodeDetailMisses = new Set<string>();
    const latencies: number[] = [];
    let answered4xx = 0;
    let answered2xx = 0;
    let status5xx = 0;
    let networkErrors = 0;
    let unclearErrors = 0;
    let validEventsStored = 0;
    let healthChecksFailed = 0;
    let peakRss = 0;
    const baseline = server.rssBytes();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, server.rssBytes() ?? 0);
    }, 50);
    try {
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < cases.length) {
          const fuzzCase = cases[next++];
          const result = await send(server.baseUrl, { ...fuzzCase.request, timeoutMs: 60_000 });
          latencies.push(result.ms);
          const verdict = await judge(server, fuzzCase, result);
          validEventsStored += verdict.created;
          if (verdict.detailMiss) nodeDetailMisses.add(verdict.detailMiss);
          const bucket = (byCategory[fuzzCase.category] ??= { cases: 0, statuses: {} });
          bucket.cases++;
          const statusKey = result.status === 0 ? `network:${result.error}` : String(result.status);
          bucket.statuses[statusKey] = (bucket.statuses[statusKey] ?? 0) + 1;
          if (result.status === 0) networkErrors++;
          else if (result.status >= 500) status5xx++;
          else if (result.status >= 400) answered4xx++;
          else answered2xx++;
          if (verdict.problem) {
            if (verdict.problem.includes("envelope")) unclearErrors++;
            failures.push({ id: fuzzCase.id, category: fuzzCase.category, description: fuzzCase.description.slice(0, 160), status: result.status, problem: verdict.problem, body: result.body.slice(0, 300) });
          }
          if (++done % 250 === 0) {
            const health = await send(server.baseUrl, { method: "GET", path: "/api/v1/stats", timeoutMs: 10_000 });
            if (health.status !== 200) healthChecksFailed++;
            log(`  ${done}/${cases.length} cases, ${failures.length} failures, server RSS ${mib(server.rssBytes())} MiB`);
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      const health = await send(server.baseUrl, { method: "GET", path: "/api/v1/stats", timeoutMs: 10_000 });
      if (health.status !== 200) healthChecksFailed++;
      clearInterval(sampler);
      const finalRss = server.rssBytes();
      const unexpectedExits = server.unexpectedExits + (server.isRunning ? 0 : 1);
      await server.stop();
      const facts = readStore(dbFile);
      const verify = verifyForReport(dbFile, log);
      const figures: FuzzFigures = {
        options: { cases: options.cases, seed: options.seed, concurrency: options.concurrency, maxRssMiB: options.maxRssMiB },
        cases: cases.length,
        byCategory,
        answered4xx,
        answered2xx,
        status5xx,
        networkErrors,
        unclearErrors,
        failures: failures.slice(0, 50),
        nodeDetailMisses: [...nodeDetailMisses].slice(0, 20),
        validEventsStored,
        eventsInStore: facts.events,
        unexpectedExits,
        healthChecksFailed,
        rssMiB: { baseline: mib(baseline), peak: mib(peakRss), final: mib(finalRss) },
        latencyMs: latencySummary(latencies),
        verify,
        durationMs: Math.round(performance.now() - started),
        isPassed: false,
      };
      figures.isPassed =
        failures.length === 0 &&
        status5xx === 0 &&
        unexpectedExits === 0 &&
        healthChecksFailed === 0 &&
        facts.events === validEventsStored &&
        (mib(peakRss) ?? 0) <= options.maxRssMiB &&
        verify.exitCode === 0;
      return figures;
    } finally {
      clearInterval(sampler);
    }
  });
}
