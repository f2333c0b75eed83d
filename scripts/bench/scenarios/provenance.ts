// Artefact digests: a million (the quick run: 100,000) ingested, then looked up at random.
import path from "node:path";
import { runProvenanceBench } from "../lib/provenance-bench";
import { round } from "../../harness/stats";
import type { Scenario } from "../scenario";

export const provenanceScenario: Scenario = {
  name: "provenance",
  async run(ctx) {
    const { digests } = ctx.plan.provenance;
    ctx.log(`provenance: ${digests} digests…`);
    const p = await runProvenanceBench(path.join(ctx.work, "provenance.db"), { digests, filesPerVersion: 10_000, lookups: 10_000, seed: ctx.seed }, ctx.log);
    ctx.figures.provenance = p;
    ctx.log(`  ${p.digestsPerSecond} digests/s ingested; ${p.bytesPerDigest} B per digest; probe p95 ${round(p.probe.p95)} ms, lookup p95 ${round(p.lookup.p95)} ms`);
  },
  checks(f, checks) {
    if (!f.provenance) return;
    const at = `${Math.round(f.provenance.digests / 1000)}k digests`;
    checks.atMost(`provenance digest lookup p95 (${at})`, f.provenance.lookup.p95, 5, "ms", `index probe alone p95 ${round(f.provenance.probe.p95)} ms`);
  },
};
