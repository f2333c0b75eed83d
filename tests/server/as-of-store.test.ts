import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { storeAsOf } from "@/lib/server/as-of-store";
import { getLogHead } from "@/lib/server/event-log";
import { getLineage } from "@/lib/server/lineage";
import { getNodeDetail } from "@/lib/server/nodes";
import { addFlag } from "@/lib/server/flags";
import { ANONYMOUS } from "@/lib/server/auth";
import { createTestDatabase, runEvent } from "../support/db";

const TRAIN_1 = "0190a1b2-0000-7000-8000-0000000000b1";
const TRAIN_2 = "0190a1b2-0000-7000-8000-0000000000b2";
const version = (v: string) => ({ version: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/x", datasetVersion: v } });
const model = "dataset:lake:model";

let db: Sqlite;
let cleanup: () => void;
let seqs: number[];
beforeEach(async () => {
  ({ db, cleanup } = createTestDatabase());
  // #1 train v1 (complete), #2 start of a second training, #3 it fails writing v2, #4 a flag on v1.
  const outcomes = await ingestEvents(storeOver(db),
    [
      runEvent({ runId: TRAIN_1, time: "2026-11-01T08:00:00Z", inputs: [{ namespace: "lake", name: "corpus" }], outputs: [{ namespace: "lake", name: "model", facets: version("v1") }] }),
      runEvent({ runId: TRAIN_2, eventType: "START", time: "2026-11-02T08:00:00Z", inputs: [{ namespace: "lake", name: "corpus" }] }),
      runEvent({ runId: TRAIN_2, eventType: "FAIL", time: "2026-11-02T09:00:00Z", outputs: [{ namespace: "lake", name: "model", facets: version("v2") }] }),
    ],
    { sender: "test" },
  );
  seqs = outcomes.map((o) => o.seq as number);
  await addFlag(storeOver(db), { action: "add", node: "datasetVersion:lake:model:v1", kind: "bias", severity: "high", reason: "skewed corpus" }, ANONYMOUS);
});
afterEach(() => cleanup());

describe("storeAsOf", () => {
  it("answers every read as of the event: the version, run state, flags and log head of then", async () => {
    const then = await storeAsOf(storeOver(db), seqs[1]);
    expect((await getLogHead(then))?.seq).toBe(seqs[1]);
    const graph = await getLineage(then, { nodeId: model, depth: 2, direction: "both", limit: 50 });
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(byId.get(model)).toMatchObject({ version: "v1", isFlagged: false, isFailed: false });
    expect(byId.get(`run:${TRAIN_2}`)).toBeUndefined();
    const job = await getNodeDetail(then, "job:tests:train");
    expect(job.runs.map((r) => [r.runId, r.state])).toEqual([
      [TRAIN_2, "RUNNING"],
      [TRAIN_1, "COMPLETED"],
    ]);
    expect((await getNodeDetail(then, model)).versions.map((v) => v.version)).toEqual(["v1"]);
  });

  it("is the live store at the head, and the live store says what came later", async () => {
    const live = storeOver(db);
    const head = (await getLogHead(live))!.seq;
    expect(await storeAsOf(live, head)).toBe(live);
    const now = await getLineage(live, { nodeId: model, depth: 1, direction: "both", limit: 50 });
    // The flag on v1 is in force now, but the card shows v2, which is not downstream of it.
    expect(now.nodes.find((n) => n.id === model)).toMatchObject({ version: "v2", isFlagged: false });
    expect((await getNodeDetail(live, "datasetVersion:lake:model:v1")).node.isFlagged).toBe(true);
    expect((await getNodeDetail(live, "job:tests:train")).runs[0].state).toBe("FAILED");
  });

  it("keeps a copy per point and never mixes them up", async () => {
    const live = storeOver(db);
    const a = await storeAsOf(live, seqs[0]);
    const b = await storeAsOf(live, seqs[2]);
    expect(await storeAsOf(live, seqs[0])).toBe(a);
    expect(a).not.toBe(b);
    expect((await getNodeDetail(b, model)).versions.map((v) => v.version)).toEqual(["v2", "v1"]);
    expect((await getNodeDetail(a, model)).versions.map((v) => v.version)).toEqual(["v1"]);
  });

  it("is the live store beyond the head, and an empty store before the first event", async () => {
    const live = storeOver(db);
    expect(await storeAsOf(live, 999_999)).toBe(live);
    await expect(getLineage(await storeAsOf(live, 0), { nodeId: model, depth: 1, direction: "both", limit: 5 })).rejects.toThrow(/No node/);
  });
});
