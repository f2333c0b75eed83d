// Column lineage: its own store of field edges, through the real write path, then 3-hop field walks.
import os from "node:os";
import path from "node:path";
import { runColumnsBench } from "../lib/columns-bench";
import { round } from "../../harness/stats";
import type { Scenario } from "../scenario";

export const columnsScenario: Scenario = {
  name: "columns",
  async run(ctx) {
    const { fieldEdges, samples } = ctx.plan.columns;
    ctx.figures.columns = await runColumnsBench(path.join(ctx.work, "columns.db"), { fieldEdges, fieldsPerDataset: 20, samples, seed: ctx.seed }, ctx.log);
  },
  checks(f, checks) {
    if (!f.columns) return;
    const edges = `${Math.round(f.columns.fieldEdges / 1000)}k field edges, ${f.columns.fieldsPerDataset} fields per dataset`;
    checks.atMost(`column lineage 3-hop field walk p95 (${edges})`, f.columns.walkUpstream.p95, 10, "ms", `CPU p95 ${round(f.columns.walkUpstreamCpu.p95)} ms; load average ${os.loadavg()[0]!.toFixed(1)}`);
  },
  report(f, out) {
    const c = f.columns;
    if (!c) return;
    out();
    out(`Column lineage (${c.fieldEdges} field edges, ${c.datasets} datasets of ${c.fieldsPerDataset} fields, ingested in ${round(c.ingestSeconds)} s)`);
    out(`  3-hop field walk, upstream: p50 ${round(c.walkUpstream.p50)} ms, p95 ${round(c.walkUpstream.p95)} ms, p99 ${round(c.walkUpstream.p99)} ms; CPU p50 ${round(c.walkUpstreamCpu.p50)} ms, p95 ${round(c.walkUpstreamCpu.p95)} ms (${c.fieldsPerAnswer.upstream} fields per answer, n=${c.walkUpstream.n})`);
    out(`  3-hop field walk, both ways: p50 ${round(c.walkBoth.p50)} ms, p95 ${round(c.walkBoth.p95)} ms, p99 ${round(c.walkBoth.p99)} ms; CPU p50 ${round(c.walkBothCpu.p50)} ms, p95 ${round(c.walkBothCpu.p95)} ms (${c.fieldsPerAnswer.both} fields per answer)`);
    out(`  bytes per field edge (FieldEdge table and both indexes): ${round(c.bytesPerFieldEdge)}; per field (FieldNode): ${round(c.bytesPerFieldNode)}`);
  },
};
