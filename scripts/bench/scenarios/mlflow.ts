// MLflow import of a synthetic 10,000-run file store, next to batched ingest of the same events.
import { runMlflowBench } from "../lib/mlflow-bench";
import { round } from "../../harness/stats";
import type { Scenario } from "../scenario";

export const mlflowScenario: Scenario = {
  name: "mlflow",
  async run(ctx) {
    ctx.figures.mlflow = await runMlflowBench(ctx.work, { runs: 10_000, seed: ctx.seed }, ctx.log);
  },
  report(f, out) {
    const m = f.mlflow;
    if (!m) return;
    out();
    out(`MLflow import (synthetic file store: ${m.runs} runs in ${m.experiments} experiments, ${m.modelVersions} registry versions, ${m.events} events)`);
    out(`  import:mlflow end to end   ${round(m.importMs)} ms = ${round(m.runsPerSecond)} runs/s, ${round(m.eventsPerSecond)} events/s (reading the files ${round(m.readMs)} ms, mapping ${round(m.mapMs)} ms)`);
    out(`  the same events batched    ${round(m.ingestOnlyMs)} ms = ${round(m.ingestOnlyEventsPerSecond)} events/s (ingestEvents, 1,000 a batch)`);
    out(`  re-import, all duplicates  ${round(m.reimportMs)} ms`);
  },
};
