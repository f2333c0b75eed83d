/**
 * npm run reliability:load [-- --events 20000 --clients 16 --cli-events 5000 --cli-runs 2] — concurrent
 * bursts of single events and batches, with the ingest CLI writing into the same store meanwhile.
 * Prints the figures (p95 latency among them), writes reports/reliability/load.json, exits 1 on any
 * 5xx, "database is locked", lost or duplicated event, or a store that does not verify.
 */
import { LOAD_DEFAULTS, runLoadScenario } from "./lib/load-scenario";
import { ensureBuild } from "../harness/build";
import { intOptions, writeReport } from "./lib/stats";

ensureBuild();
const options = intOptions(process.argv.slice(2), LOAD_DEFAULTS, ["events", "clients", "cliEvents", "cliRuns"]);
console.log(`Load scenario: ${options.events} events from ${options.clients} clients in bursts, plus ${options.cliRuns} × npm run ingest of ${options.cliEvents} events…`);
const figures = await runLoadScenario({ ...options, log: (line) => console.log(line) });
const { all, single, batch } = figures.latencyMs;
console.log(
  [
    `requests ${figures.requests} (${figures.singleRequests} single, ${figures.batchRequests} batches); statuses ${Object.entries(figures.statusCounts).map(([s, n]) => `${s}×${n}`).join(" ")}`,
    `events sent ${figures.eventsSent}, acknowledged ${figures.acknowledged}, CLI ${figures.cliEventsStored} stored (${figures.cli.map((c) => `exit ${c.exitCode} in ${c.ms} ms`).join(", ")})`,
    `stored ${figures.stored}, lost ${figures.lost}, duplicates ${figures.duplicates}; 5xx ${figures.status5xx}, "database is locked" ${figures.lockedErrors}, 429 ${figures.status429}, network errors ${figures.networkErrors}`,
    `latency ms: all p50 ${all.p50} p95 ${all.p95} p99 ${all.p99} max ${all.max}; single p95 ${single.p95}; batch p95 ${batch.p95}; ${figures.eventsPerSecond} events/s`,
    `server peak RSS ${figures.rssMiB.peak} MiB; verify exit ${figures.verify.exitCode} (chain ${figures.verify.isChainOk ? "intact" : "BROKEN"}, projection ${figures.verify.isProjectionOk ? "matches" : "DIFFERS"}, ${figures.verify.ms} ms)`,
    `${figures.isPassed ? "PASSED" : "FAILED"} in ${(figures.durationMs / 1000).toFixed(1)} s — ${writeReport("load", figures)}`,
  ].join("\n"),
);
process.exit(figures.isPassed ? 0 : 1);
