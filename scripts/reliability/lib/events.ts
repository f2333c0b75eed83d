/**
 * Generated OpenLineage events for the scenarios: realistic shape (a job reading two datasets and
 * writing one, parameters, a version), unique per (scenario, index), and their content hash as the
 * store computes it (sha256 of the canonical JSON), so a scenario can find each one in the log.
 */
import { createHash, randomUUID } from "node:crypto";
import { canonicalJson } from "@/lib/schemas/canonical";

export type LineageEvent = Record<string, unknown> & { run: { runId: string; facets?: Record<string, unknown> }; eventType: string };

export function contentHashOf(event: unknown): string {
  return createHash("sha256").update(canonicalJson(event)).digest("hex");
}

/**
 * The two events of one run: START, then COMPLETE (or FAIL for every 13th run). `tag` keeps the
 * datasets of one scenario apart from another's.
 */
export function runPair(tag: string, n: number, runId: string = randomUUID()): [LineageEvent, LineageEvent] {
  const start = new Date(Date.UTC(2026, 0, 1) + n * 60_000);
  const end = new Date(start.getTime() + 30_000);
  const job = { namespace: `reliability-${tag}`, name: `step-${n % 25}` };
  const inputs = [
    { namespace: `reliability-${tag}`, name: `corpus-${n % 40}` },
    { namespace: `reliability-${tag}`, name: `prompts-${n % 7}` },
  ];
  const outputs = [
    {
      namespace: `reliability-${tag}`,
      name: `output-${n % 60}`,
      facets: { version: { _producer: "https://threadline.dev/reliability", _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet", datasetVersion: `v${n}` } },
    },
  ];
  const base = {
    producer: "https://threadline.dev/reliability",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    job,
  };
  const parameters = {
    executionParameters: {
      _producer: "https://threadline.dev/reliability",
      _schemaURL: "https://openlineage.io/spec/facets/1-0-0/ExecutionParametersRunFacet.json#/$defs/ExecutionParametersRunFacet",
      parameters: [
        { key: "seed", value: String(n) },
        { key: "temperature", value: String((n % 10) / 10) },
      ],
    },
  };
  const isFailure = n % 13 === 12;
  return [
    { ...base, eventType: "START", eventTime: start.toISOString(), run: { runId, facets: parameters }, inputs, outputs: [] },
    { ...base, eventType: isFailure ? "FAIL" : "COMPLETE", eventTime: end.toISOString(), run: { runId, facets: {} }, inputs, outputs },
  ];
}

/** `count` events (pairs of START/COMPLETE of count/2 runs), each with a unique run. */
export function generateEvents(tag: string, count: number, offset = 0): LineageEvent[] {
  const events: LineageEvent[] = [];
  for (let n = offset; events.length < count; n++) events.push(...runPair(tag, n));
  return events.slice(0, count);
}
