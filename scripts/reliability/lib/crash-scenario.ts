/**
 * Crash safety: clients post events one request at a time (single events and small batches) and
 * retry as the OpenLineage clients do, while the server is killed with SIGKILL several times and
 * restarted on the same store. Afterwards every event the server acknowledged (2xx) must be in the
 * log exactly once, and the hash chain and projection must verify.
 */
import http from "node:http";
import { sendWithRetry, type HttpResult } from "./client";
import { contentHashOf, generateEvents, type LineageEvent } from "./events";
import { startFlakyProxy, type FlakyProxy } from "./flaky-proxy";
import { sleep } from "../../harness/server";
import { withScenarioServer } from "./server";
import { latencySummary } from "./stats";
import { readStore, verifyForReport, type VerifyFacts } from "./store";

export interface CrashOptions {
  /** Events to send in all. */
  events: number;
  /** SIGKILLs, spread evenly over the run. */
  kills: number;
  /** Concurrent clients. */
  clients: number;
  /** Every n-th request of a client is a batch of `batchSize` events (0: single events only). */
  batchEvery: number;
  batchSize: number;
  /** Share of the server's answers a proxy in between throws away (the event is stored, the client never hears). */
  dropRate: number;
  log?: (line: string) => void;
}

export const CRASH_DEFAULTS: CrashOptions = { events: 2000, kills: 5, clients: 4, batchEvery: 5, batchSize: 10, dropRate: 0.03 };

export interface CrashFigures {
  options: Omit<CrashOptions, "log">;
  eventsSent: number;
  requests: number;
  acknowledged: number;
  /** Acknowledged with 200 "duplicate": committed before a kill or the proxy cut the first answer, then retried. */
  acknowledgedAsDuplicate: number;
  /** Answers the proxy threw away after the server had committed. */
  answersDropped: number;
  stored: number;
  lost: number;
  duplicates: number;
  storedWithoutAck: number;
  rejected: number;
  retries: number;
  networkErrors: number;
  status5xx: number;
  crashes: number;
  unexpectedExits: number;
  restartMs: ReturnType<typeof latencySummary>;
  latencyMs: ReturnType<typeof latencySummary>;
  auditVerifyOk: boolean;
  verify: Omit<VerifyFacts, "output">;
  durationMs: number;
  isPassed: boolean;
}

interface WorkItem {
  events: LineageEvent[];
  hashes: string[];
}

/** Splits the events among clients (both events of a run go to the same client, START first). */
function planWork(events: LineageEvent[], options: CrashOptions): WorkItem[][] {
  const perClient: LineageEvent[][] = Array.from({ length: options.clients }, () => []);
  for (let i = 0; i < events.length; i += 2) perClient[(i / 2) % options.clients].push(...events.slice(i, i + 2));
  return perClient.map((list) => {
    const items: WorkItem[] = [];
    let i = 0;
    let request = 0;
    while (i < list.length) {
      request++;
      const size = options.batchEvery > 0 && request % options.batchEvery === 0 ? options.batchSize : 1;
      const slice = list.slice(i, i + size);
      items.push({ events: slice, hashes: slice.map(contentHashOf) });
      i += size;
    }
    return items;
  });
}

export async function runCrashScenario(options: CrashOptions): Promise<CrashFigures> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const restartMs: number[] = [];
  const latencies: number[] = [];
  const acked = new Set<string>();
  let acknowledgedAsDuplicate = 0;
  let requests = 0;
  let retries = 0;
  let networkErrors = 0;
  let status5xx = 0;
  let rejected = 0;
  let crashes = 0;
  // Assigned in the callback below: typed with `as` so that `finally` does not read it as never set.
  let proxy = null as FlakyProxy | null;
  try {
    // Started below: the first start counts among the restart times.
    return await withScenarioServer("crash", { log, isStarted: false }, async (server, dbFile) => {
      restartMs.push(await server.start());
      proxy = await startFlakyProxy(server.port, options.dropRate);
      const clientUrl = `http://127.0.0.1:${proxy.port}`;
      const events = generateEvents(`crash-${Date.now()}`, options.events);
      const plan = planWork(events, options);

      const countAttempts = (attempts: HttpResult[]) => {
        requests += attempts.length;
        retries += attempts.length - 1;
        for (const a of attempts) {
          if (a.status === 0) networkErrors++;
          else if (a.status >= 500) status5xx++;
        }
      };

      const runClient = async (items: WorkItem[]) => {
        // Keep-alive, as real clients do: a kill leaves them holding dead sockets, which must be retried too.
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (const item of items) {
            const isBatch = item.events.length > 1;
            const { final, attempts } = await sendWithRetry(clientUrl, {
              path: isBatch ? "/api/v1/lineage/batch" : "/api/v1/lineage",
              body: JSON.stringify(isBatch ? item.events : item.events[0]),
              headers: { "content-type": "application/json" },
              agent,
              timeoutMs: 15_000,
            });
            countAttempts(attempts);
            latencies.push(final.ms);
            if (final.status < 200 || final.status > 299) {
              rejected += item.events.length;
              log(`  request gave up or was refused: ${final.status} ${final.error ?? final.body.slice(0, 200)}`);
              continue;
            }
            // A 2xx is the acknowledgement: from now on the client forgets these events.
            for (const hash of item.hashes) acked.add(hash);
            if (final.status === 200) acknowledgedAsDuplicate += item.events.length;
            if (final.status === 207) rejected += item.events.length;
          }
        } finally {
          agent.destroy();
        }
      };

      const killer = async () => {
        for (let k = 1; k <= options.kills; k++) {
          const threshold = Math.floor((options.events * k) / (options.kills + 1));
          while (acked.size < threshold) await sleep(5);
          // Somewhere inside the next few requests, not on an acknowledgement boundary.
          await sleep(Math.random() * 20);
          await server.kill();
          crashes++;
          log(`  kill ${k}/${options.kills} (SIGKILL) after ${acked.size} acknowledged events; restarting`);
          restartMs.push(await server.start());
        }
      };

      await Promise.all([...plan.map(runClient), killer()]);

      const audit = await fetch(`${server.baseUrl}/api/v1/audit/verify`).then((r) => r.json() as Promise<{ ok?: boolean }>).catch(() => ({ ok: false }));
      await server.stop();

      const facts = readStore(dbFile);
      const sent = new Set(events.map(contentHashOf));
      let lost = 0;
      for (const hash of acked) if (!facts.contentHashes.has(hash)) lost++;
      let storedOurs = 0;
      let storedWithoutAck = 0;
      for (const hash of sent) {
        if (!facts.contentHashes.has(hash)) continue;
        storedOurs++;
        if (!acked.has(hash)) storedWithoutAck++;
      }
      const verify = verifyForReport(dbFile, log);
      const figures: CrashFigures = {
        options: { events: options.events, kills: options.kills, clients: options.clients, batchEvery: options.batchEvery, batchSize: options.batchSize, dropRate: options.dropRate },
        eventsSent: sent.size,
        requests,
        acknowledged: acked.size,
        acknowledgedAsDuplicate,
        answersDropped: proxy.dropped(),
        stored: storedOurs,
        lost,
        duplicates: facts.duplicateRunEvents + (facts.events - facts.contentHashes.size),
        storedWithoutAck,
        rejected,
        retries,
        networkErrors,
        status5xx,
        crashes,
        unexpectedExits: server.unexpectedExits,
        restartMs: latencySummary(restartMs),
        latencyMs: latencySummary(latencies),
        auditVerifyOk: audit.ok === true,
        verify,
        durationMs: Math.round(performance.now() - started),
        isPassed: false,
      };
      figures.isPassed =
        figures.lost === 0 &&
        figures.duplicates === 0 &&
        figures.acknowledged === figures.eventsSent &&
        figures.stored === figures.eventsSent &&
        figures.rejected === 0 &&
        figures.crashes === options.kills &&
        figures.unexpectedExits === 0 &&
        figures.auditVerifyOk &&
        verify.exitCode === 0;
      return figures;
    });
  } finally {
    await proxy?.close();
  }
}
