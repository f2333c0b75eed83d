/**
 * npm run reliability:crash [-- --events 2000 --kills 5 --clients 4 --drop-percent 3] — crash safety
 * under SIGKILL, with some answers lost on the way back so that clients retry committed events.
 * Prints the figures, writes reports/reliability/crash.json, exits 1 if any acknowledged event was
 * lost or stored twice or the store does not verify.
 */
import { CRASH_DEFAULTS, runCrashScenario } from "./lib/crash-scenario";
import { ensureBuild } from "../harness/build";
import { intArg, intOptions, parseArgs, writeReport } from "./lib/stats";

const argv = process.argv.slice(2);
ensureBuild();
const dropPercent = intArg(parseArgs(argv), "drop-percent", Math.round(CRASH_DEFAULTS.dropRate * 100));
const options = { ...intOptions(argv, CRASH_DEFAULTS, ["events", "kills", "clients", "batchEvery", "batchSize"]), dropRate: dropPercent / 100 };
console.log(
  `Crash scenario: ${options.events} events from ${options.clients} clients, ${options.kills} SIGKILLs of the server, ${Math.round(options.dropRate * 100)}% of answers lost on the way…`,
);
const figures = await runCrashScenario({ ...options, log: (line) => console.log(line) });
console.log(
  [
    `events sent ${figures.eventsSent}, acknowledged ${figures.acknowledged} (${figures.acknowledgedAsDuplicate} of them on a retry, as duplicates of a commit whose answer was lost; ${figures.answersDropped} answers dropped)`,
    `stored ${figures.stored}, lost ${figures.lost}, duplicates ${figures.duplicates}, stored without acknowledgement ${figures.storedWithoutAck}`,
    `crashes survived ${figures.crashes}, restart p50 ${figures.restartMs.p50} ms max ${figures.restartMs.max} ms`,
    `requests ${figures.requests}, retries ${figures.retries}, network errors ${figures.networkErrors}, 5xx ${figures.status5xx}`,
    `latency p50 ${figures.latencyMs.p50} ms p95 ${figures.latencyMs.p95} ms (including retries across restarts)`,
    `verify: exit ${figures.verify.exitCode}, chain ${figures.verify.isChainOk ? "intact" : "BROKEN"} (${figures.verify.checked} events), projection ${figures.verify.isProjectionOk ? "matches the log" : "DIFFERS"}; GET /api/v1/audit/verify ok=${figures.auditVerifyOk}`,
    `${figures.isPassed ? "PASSED" : "FAILED"} in ${(figures.durationMs / 1000).toFixed(1)} s — ${writeReport("crash", figures)}`,
  ].join("\n"),
);
process.exit(figures.isPassed ? 0 : 1);
