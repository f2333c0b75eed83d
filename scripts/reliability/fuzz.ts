/**
 * npm run reliability:fuzz [-- --cases 5000 --seed 7 --concurrency 4] — malformed input against a
 * server of its own. Prints the figures, writes reports/reliability/fuzz.json, exits 1 on any 5xx,
 * any answer without a clear error, a crash, memory over the bound or a store that does not verify.
 */
import { FUZZ_DEFAULTS, runFuzzScenario } from "./lib/fuzz-scenario";
import { ensureBuild } from "../harness/build";
import { intOptions, writeReport } from "./lib/stats";

ensureBuild();
const options = intOptions(process.argv.slice(2), FUZZ_DEFAULTS, ["cases", "seed", "concurrency", "maxRssMiB"]);
console.log(`Fuzz scenario: ${options.cases} cases (seed ${options.seed}), ${options.concurrency} at a time…`);
const figures = await runFuzzScenario({ ...options, log: (line) => console.log(line) });
for (const [category, { cases, statuses }] of Object.entries(figures.byCategory).sort()) {
  console.log(`  ${category.padEnd(20)} ${String(cases).padStart(5)}  ${Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(" ")}`);
}
for (const failure of figures.failures.slice(0, 20)) console.log(`  FAIL #${failure.id} ${failure.category} (${failure.description}): ${failure.problem} — ${failure.body.slice(0, 160)}`);
if (figures.nodeDetailMisses.length > 0) {
  console.log(`  known issue: GET /api/v1/nodes/<encoded id> misses ${figures.nodeDetailMisses.length} stored nodes, e.g. ${figures.nodeDetailMisses.slice(0, 2).join(", ")}`);
}
console.log(
  [
    `cases ${figures.cases}: 4xx ${figures.answered4xx}, 2xx (hostile but valid data, stored as data) ${figures.answered2xx}, 5xx ${figures.status5xx}, no answer ${figures.networkErrors}, unclear errors ${figures.unclearErrors}, failures ${figures.failures.length}`,
    `store: ${figures.eventsInStore} events = ${figures.validEventsStored} valid ones sent; verify exit ${figures.verify.exitCode} (chain ${figures.verify.isChainOk ? "intact" : "BROKEN"}, projection ${figures.verify.isProjectionOk ? "matches" : "DIFFERS"})`,
    `server: unexpected exits ${figures.unexpectedExits}, failed health checks ${figures.healthChecksFailed}, RSS baseline ${figures.rssMiB.baseline} MiB, peak ${figures.rssMiB.peak} MiB (bound ${options.maxRssMiB}), final ${figures.rssMiB.final} MiB`,
    `latency p50 ${figures.latencyMs.p50} ms p95 ${figures.latencyMs.p95} ms max ${figures.latencyMs.max} ms`,
    `${figures.isPassed ? "PASSED" : "FAILED"} in ${(figures.durationMs / 1000).toFixed(1)} s — ${writeReport("fuzz", figures)}`,
  ].join("\n"),
);
process.exit(figures.isPassed ? 0 : 1);
