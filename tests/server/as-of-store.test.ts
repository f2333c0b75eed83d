import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Sqlite } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { storeAsOf } from "@/lib/server/as-of-store";
import { getLineage } from "@/lib/server/lineage";
import { getNodeDetail } from "@/lib/server/nodes";
import { addFlag } from "@/lib/server/flags";
import { ANONYMOUS } from "@/lib/server/auth";
import { getLogHead } from "@/lib/server/event-log";
import { createTestDatabase, runEvent } from "../support/db";

const TRAIN_1 = "0190a1b2-0000-7000-8000-0000000000b1";
const TRAIN_2 = "0190a1b2-0000-7000-8000-0000000000b2";
const version = (v: string) => ({ version: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/x", datasetVersion: v } });
const model = "dataset:lake:model";

let db: Sqlite;
let cleanup: () => void;
let seqs: number[];
beforeEach(() => {
  ({ db, cleanup } = createTestDatabase());
  // #1 train v1 (complete), #2 start of a second training, #3 it fails writing v2, #4 a flag on v1.
  const outcomes = ingestEvents(
    db,
    [
      runEvent({ runId: TRAIN_1, time: "2026-11-01T08:00:00Z", inputs: [{ namespace: "lake", name: "corpus" }], outputs: [{ namespace: "lake", name: "model", facets: version("v1") }] }),
      runEvent({ runId: TRAIN_2, eventType: "START", time: "2026-11-02T08:00:00Z", inputs: [{ namespace: "lake", name: "corpus" }] }),
      runEvent({ runId: TRAIN_2, eventType: "FAIL", time: "2026-11-02T09:00:00Z", outputs: [{ namespace: "lake", name: "model", facets: version("v2") }] }),
    ],
    { sender: "test" },
  );
  seqs = outcomes.map((o) => o.seq as number);
  addFlag(db, { action: "add", node: "datasetVersion:lake:model:v1", kind: "bias", severity: "high", reason: "skewed corpus" }, ANONYMOUS);
});
afterEach(() => cleanup());

describe("storeAsOf", () => {
  it("answers every read as of the event: the version, run state, flags and log head of then", () => {
    const then = storeAsOf(db, seqs[1]);
    expect(getLogHead(then)?.seq).toBe(seqs[1]);
    const graph = getLineage(then, { nodeId: model, depth: 2, direction: "both", limit: 50 });
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get(model)).toMatchObject({ version: "v1", isFlagged: false, isFailed: false });
    expect(byId.get(`run:${TRAIN_2}`)).toBeUndefined();
    const job = getNodeDetail(then, "job:tests:train");
    expect(job.runs.map((r) => [r.runId, r.state])).toEqual([
      [TRAIN_2, "RUNNING"],
      [TRAIN_1, "COMPLETED"],
    ]);
    expect(getNodeDetail(then, model).versions.map((v) => v.version)).toEqual(["v1"]);
  });

  it("is the live store at the head, and the live store says what came later", () => {
    const head = getLogHead(db)!.seq;
    expect(storeAsOf(db, head)).toBe(db);
    const now = getLineage(db, { nodeId: model, depth: 1, direction: "both", limit: 50 });
    // The flag on v1 is in force now, but the card shows v2, which is not downstream of it.
    expect(now.nodes.find((n) => n.id === model)).toMatchObject({ version: "v2", isFlagged: false });
    expect(getNodeDetail(db, "datasetVersion:lake:model:v1").node.isFlagged).toBe(true);
    expect(getNodeDetail(db, "job:tests:train").runs[0].state).toBe("FAILED");
  });

  it("keeps a copy per point and never mixes them up", () => {
    const a = storeAsOf(db, seqs[0]);
    const b = storeAsOf(db, seqs[2]);
    expect(storeAsOf(db, seqs[0])).toBe(a);
    expect(a).not.toBe(b);
    expect(getNodeDetail(b, model).versions.map((v) => v.version)).toEqual(["v2", "v1"]);
    expect(getNodeDetail(a, model).versions.map((v) => v.version)).toEqual(["v1"]);
  });

  it("is the live store beyond the head, and an empty store before the first event", () => {
    expect(() => storeAsOf(db, 999_999)).not.toThrow();
    expect(() => getLineage(storeAsOf(db, 0), { nodeId: model, depth: 1, direction: "both", limit: 5 })).toThrow(/No node/);
  });
});
