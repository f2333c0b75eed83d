/**
 * Load: concurrent clients send events in bursts, single events and batches mixed, while the ingest
 * CLI writes into the same SQLite file from another process. No request may fail with a 5xx or a
 * "database is locked"; afterwards the store holds every event exactly once and verifies.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { send, type HttpResult } from "./client";
import { contentHashOf, generateEvents, type LineageEvent } from "./events";
import { seededRandom } from "../../harness/random";
import { sleep } from "../../harness/server";
import { startScript, withScenarioServer } from "./server";
import { latencySummary, mib } from "./stats";
import { readStore, verifyForReport, type VerifyFacts } from "./store";

export interface LoadOptions {
  /** Events sent over HTTP in all. */
  events: number;
  clients: number;
  /** Share of the events sent in batches (the rest one per request). */
  batchShare: number;
  batchMin: number;
  batchMax: number;
  /** Requests a client sends back to back before it pauses. */
  burstMin: number;
  burstMax: number;
  pauseMaxMs: number;
  /** Events each concurrent `npm run ingest` process loads (0: none). */
  cliEvents: number;
  cliRuns: number;
  log?: (line: string) => void;
}

export const LOAD_DEFAULTS: LoadOptions = {
  events: 20_000,
  clients: 16,
  batchShare: 0.5,
  batchMin: 10,
  batchMax: 100,
  burstMin: 5,
  burstMax: 40,
  pauseMaxMs: 250,
  cliEvents: 5000,
  cliRuns: 2,
};

interface CliOutcome {
  exitCode: number | null;
  summary: string;
  ms: number;
}

export interface LoadFigures {
  options: Omit<LoadOptions, "log">;
  requests: number;
  singleRequests: number;
  batchRequests: number;
  eventsSent: number;
  acknowledged: number;
  statusCounts: Record<string, number>;
  status5xx: number;
  status429: number;
  lockedErrors: number;
  networkErrors: number;
  latencyMs: { all: ReturnType<typeof latencySummary>; single: ReturnType<typeof latencySummary>; batch: ReturnType<typeof latencySummary> };
  eventsPerSecond: number;
  cli: CliOutcome[];
  cliEventsStored: number;
  stored: number;
  lost: number;
  duplicates: number;
  rssMiB: { peak: number | null };
  verify: Omit<VerifyFacts, "output">;
  durationMs: number;
  isPassed: boolean;
}

interface Request {
  events: LineageEvent[];
  isBatch: boolean;
}

function planClient(events: LineageEvent[], options: LoadOptions, random: () => number): Request[] {
  const requests: Request[] = [];
  // The chance of a batch per request that makes batchShare of the events go in batches.
  const average = (options.batchMin + options.batchMax) / 2;
  const batchChance = options.batchShare / (average * (1 - options.batchShare) + options.batchShare);
  let i = 0;
  while (i < events.length) {
    if (random() < batchChance) {
      const size = options.batchMin + Math.floor(random() * (options.batchMax - options.batchMin + 1));
      requests.push({ events: events.slice(i, i + size), isBatch: true });
      i += size;
    } else {
      requests.push({ events: [events[i]], isBatch: false });
      i += 1;
    }
  }
  return requests;
}

export async function runLoadScenario(options: LoadOptions): Promise<LoadFigures> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  return withScenarioServer("load", { log }, async (server, dbFile) => {
    const tag = `load-${Date.now()}`;
    const events = generateEvents(tag, options.events);
    // Both events of a run to the same client, in order.
    const perClient: LineageEvent[][] = Array.from({ length: options.clients }, () => []);
    for (let i = 0; i < events.length; i += 2) perClient[(i / 2) % options.clients].push(...events.slice(i, i + 2));
    const random = seededRandom(1);
    const plans = perClient.map((list) => planClient(list, options, random));

    const latencies: number[] = [];
    const singleLatencies: number[] = [];
    const batchLatencies: number[] = [];
    const statusCounts: Record<string, number> = {};
    const acked = new Set<string>();
    let lockedErrors = 0;
    let requests = 0;
    let peakRss = 0;
    let sentEvents = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rssBytes() ?? 0)), 100);

    const record = (request: Request, result: HttpResult) => {
      requests++;
      latencies.push(result.ms);
      (request.isBatch ? batchLatencies : singleLatencies).push(result.ms);
      const key = result.status === 0 ? `network:${result.error}` : String(result.status);
      statusCounts[key] = (statusCounts[key] ?? 0) + 1;
      if (/database is locked|SQLITE_BUSY/i.test(result.body)) lockedErrors++;
      if (result.status >= 200 && result.status <= 299 && result.status !== 207) for (const e of request.events) acked.add(contentHashOf(e));
    };

    const runClient = async (plan: Request[]) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        let i = 0;
        while (i < plan.length) {
          const burst = options.burstMin + Math.floor(random() * (options.burstMax - options.burstMin + 1));
          for (const request of plan.slice(i, i + burst)) {
            const result = await send(server.baseUrl, {
              path: request.isBatch ? "/api/v1/lineage/batch" : "/api/v1/lineage",
              body: JSON.stringify(request.isBatch ? request.events : request.events[0]),
              headers: { "content-type": "application/json" },
              agent,
              timeoutMs: 60_000,
            });
            record(request, result);
            sentEvents += request.events.length;
          }
          i += burst;
          await sleep(random() * options.pauseMaxMs);
        }
      } finally {
        agent.destroy();
      }
    };

    // The ingest CLI, started while the HTTP load is under way, on files of its own events.
    const cliDir = fs.mkdtempSync(path.join(path.dirname(dbFile), "cli-"));
    const cliFiles: string[] = [];
    for (let r = 0; r < options.cliRuns; r++) {
      const file = path.join(cliDir, `events-${r}.ndjson`);
      fs.writeFileSync(file, generateEvents(`${tag}-cli${r}`, options.cliEvents).map((e) => JSON.stringify(e)).join("\n"));
      cliFiles.push(file);
    }
    const cliOutcomes: CliOutcome[] = [];
    const runCli = async () => {
      for (const [r, file] of cliFiles.entries()) {
        // Spread over the run: the first after 10% of the HTTP events, the next after 50%.
        const threshold = options.events * (r === 0 ? 0.1 : 0.5);
        while (sentEvents < threshold) await sleep(20);
        log(`  npm run ingest (${options.cliEvents} events) starts next to the HTTP load`);
        const result = await startScript("scripts/ingest.ts", [file], dbFile);
        cliOutcomes.push({ exitCode: result.status, summary: result.stdout.trim().split("\n")[0] ?? "", ms: Math.round(result.ms) });
        log(`  npm run ingest: exit ${result.status}, ${result.stdout.trim().split("\n")[0]} in ${Math.round(result.ms)} ms${result.stderr.trim() ? ` (stderr: ${result.stderr.trim().slice(0, 300)})` : ""}`);
      }
    };

    const progress = setInterval(() => log(`  ${sentEvents}/${options.events} events sent, ${requests} requests, server RSS ${mib(server.rssBytes())} MiB`), 5000);
    const loadStarted = performance.now();
    try {
      await Promise.all([...plans.map(runClient), runCli()]);
      const loadMs = performance.now() - loadStarted;
      clearInterval(progress);
      clearInterval(sampler);
      await server.stop();

      const facts = readStore(dbFile);
      let lost = 0;
      for (const hash of acked) if (!facts.contentHashes.has(hash)) lost++;
      const cliEventsStored = facts.events - events.filter((e) => facts.contentHashes.has(contentHashOf(e))).length;
      const verify = verifyForReport(dbFile, log);
      const count = (predicate: (status: string) => boolean) => Object.entries(statusCounts).filter(([s]) => predicate(s)).reduce((sum, [, n]) => sum + n, 0);
      const figures: LoadFigures = {
        options: { ...options, log: undefined } as Omit<LoadOptions, "log">,
        requests,
        singleRequests: singleLatencies.length,
        batchRequests: batchLatencies.length,
        eventsSent: events.length,
        acknowledged: acked.size,
        statusCounts,
        status5xx: count((s) => s.startsWith("5")),
        status429: count((s) => s === "429"),
        lockedErrors,
        networkErrors: count((s) => s.startsWith("network")),
        latencyMs: { all: latencySummary(latencies), single: latencySummary(singleLatencies), batch: latencySummary(batchLatencies) },
        eventsPerSecond: Math.round((events.length + options.cliEvents * options.cliRuns) / (loadMs / 1000)),
        cli: cliOutcomes,
        cliEventsStored,
        stored: facts.events,
        lost,
        duplicates: facts.duplicateRunEvents + (facts.events - facts.contentHashes.size),
        rssMiB: { peak: mib(peakRss) },
        verify,
        durationMs: Math.round(performance.now() - started),
        isPassed: false,
      };
      delete (figures.options as { log?: unknown }).log;
      figures.isPassed =
        figures.status5xx === 0 &&
        figures.lockedErrors === 0 &&
        figures.networkErrors === 0 &&
        figures.acknowledged === events.length &&
        figures.lost === 0 &&
        figures.duplicates === 0 &&
        cliOutcomes.length === options.cliRuns &&
        cliOutcomes.every((c) => c.exitCode === 0) &&
        figures.cliEventsStored === options.cliEvents * options.cliRuns &&
        figures.stored === events.length + options.cliEvents * options.cliRuns &&
        verify.exitCode === 0;
      return figures;
    } finally {
      clearInterval(progress);
      clearInterval(sampler);
    }
  });
}
