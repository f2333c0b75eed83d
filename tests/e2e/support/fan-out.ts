import { randomUUID } from "node:crypto";
import { expect, type APIRequestContext } from "@playwright/test";

/**
 * Stores a hub dataset read by `readers` jobs, each writing an output of its own, in a namespace no
 * other test uses: a view as wide as asked for. Answers the hub's node id.
 */
export async function postFanOut(request: APIRequestContext, options: { namespacePrefix: string; readers: number; producer: string }): Promise<string> {
  const ns = `${options.namespacePrefix}-${randomUUID().slice(0, 8)}`;
  const events = Array.from({ length: options.readers }, (_, i) => ({
    eventType: "COMPLETE",
    eventTime: new Date().toISOString(),
    run: { runId: randomUUID() },
    job: { namespace: ns, name: `reader-${i}` },
    inputs: [{ namespace: ns, name: "hub" }],
    outputs: [{ namespace: ns, name: `out-${i}` }],
    producer: options.producer,
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  }));
  const response = await request.post("/api/v1/lineage/batch", { data: events });
  expect(response.ok(), await response.text()).toBe(true);
  return `dataset:${ns}:hub`;
}
