/**
 * npm run reliability:security — the attacks of issue 19 (bounded reads, event limits, sign-in
 * throttling, open redirects, malformed paths, slow bodies) against a
 * protected-mode server on a fresh store. Prints each check and the figures, writes
 * reports/reliability/security.json, exits 1 when any check fails.
 */
import { runSecurityScenario } from "./lib/security-scenario";
import { ensureBuild } from "../harness/build";
import { writeReport } from "./lib/stats";

ensureBuild();
console.log("Security scenario: a protected server on a fresh store, attacked from 127.0.0.1…");
const result = await runSecurityScenario((line) => console.log(line));
console.log(JSON.stringify(result.figures, null, 2));
const failed = result.checks.filter((c) => !c.isOk);
console.log(`${result.isPassed ? "PASSED" : `FAILED (${failed.length}: ${failed.map((c) => c.name).join("; ")})`} in ${(result.durationMs / 1000).toFixed(1)} s — ${writeReport("security", result)}`);
process.exit(result.isPassed ? 0 : 1);
