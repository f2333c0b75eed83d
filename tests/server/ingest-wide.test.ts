import { randomUUID } from "node:crypto";
import { storeOver } from "@/lib/server/db";
import { afterEach, describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/server/ingest";
import { DEFAULT_EVENT_LIMITS } from "@/lib/schemas/event-limits";
import { createTestDatabase, runEvent } from "../support/db";

/**
 * One event with tens of thousands of inputs: refused by default with the limit named, and when a
 * deployment raises the limit, stored in time linear in its size (the projection once scanned a
 * run's rows per input: 20,000 inputs took 4.3 s, 60,000 half a minute with the server blocked).
 */

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function wideEvent(inputs: number) {
  return runEvent({
    runId: randomUUID(),
    inputs: Array.from({ length: inputs }, (_, i) => ({ namespace: "wide", name: `shard-${i}` })),
    outputs: [{ namespace: "wide", name: "merged" }],
  });
}

async function timeIngest(inputs: number): Promise<number> {
  const { db, cleanup } = createTestDatabase();
  cleanups.push(cleanup);
  const event = wideEvent(inputs);
  const started = performance.now();
  const [outcome] = await ingestEvents(storeOver(db), [event], { sender: "test", limits: { ...DEFAULT_EVENT_LIMITS, maxInputs: 100_000 } });
  const elapsed = performance.now() - started;
  expect(outcome.status).toBe("created");
  const edges = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM Edge").get()!.n;
  // Entity graph (inputs + output) and version graph (inputs + output).
  expect(edges).toBe(2 * (inputs + 1));
  return elapsed;
}

describe("wide events", () => {
  it("an event with 60,000 inputs is rejected with the limit named and stores nothing", async () => {
    const { db, cleanup } = createTestDatabase();
    cleanups.push(cleanup);
    const started = performance.now();
    const [outcome] = await ingestEvents(storeOver(db), [wideEvent(60_000)], { sender: "test" });
    expect(outcome.status).toBe("rejected");
    expect(outcome.errors).toEqual([
      { path: "inputs", message: `has 60,000 inputs; the limit is ${DEFAULT_EVENT_LIMITS.maxInputs.toLocaleString("en-US")} per event (THREADLINE_MAX_EVENT_INPUTS)` },
    ]);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM Event").get()!.n).toBe(0);
  });

  it("with the limit raised, 40,000 inputs cost about four times 10,000 (linear, not quadratic)", async () => {
    // The best of two small runs, so a busy machine's hiccup does not pass for the baseline.
    const small = Math.min(await timeIngest(10_000), await timeIngest(10_000));
    const large = await timeIngest(40_000);
    // Linear gives ~4 (plus B-tree depth); the quadratic scan gave ~16.
    expect(large / small).toBeLessThan(8);
  }, 120_000);
});
