/**
 * A run in a lineage view is described by its state and its latest time as they are when the view
 * is read: after the run started, after it ended, after a rebuild of the projection. On PostgreSQL
 * the description reads them from RunBrief, a narrow table the database keeps in step with Run
 * (prisma/postgresql/migrations/*_run_brief); these cases check that it follows every write the
 * projection makes to Run (rows inserted many to a statement, updated, deleted by a rebuild).
 */
import { describe, expect, it } from "vitest";

import { ingestEvents } from "@/lib/server/ingest";
import { getLineage } from "@/lib/server/lineage";
import { replayLog, verifyProjection } from "@/lib/server/rebuild";
import { verifyStore } from "@/lib/server/verification";
import { BACKENDS, testStoreFor } from "../support/stores";

const PRODUCER = "https://threadline.test/run-brief";
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1) + minute * 60_000).toISOString();
const runId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

function runEvent(i: number, eventType: "START" | "COMPLETE" | "FAIL", minute: number): unknown {
  return {
    eventType,
    eventTime: at(minute),
    producer: PRODUCER,
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    run: { runId: runId(i) },
    job: { namespace: "brief-platform", name: "train" },
    inputs: [
      {
        namespace: "s3://brief",
        name: "corpus",
        facets: { version: { _producer: PRODUCER, _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json", datasetVersion: "v1" } },
      },
    ],
    outputs: [{ namespace: "s3://brief", name: `model-${i}` }],
  };
}

describe.each(BACKENDS)("on %s", (backend) => {
  const t = testStoreFor(backend);

  async function ingest(events: unknown[]): Promise<void> {
    const outcomes = await ingestEvents(t.store, events, { sender: "tests", receivedAt: at(0) });
    expect(outcomes.map((o) => o.status)).toEqual(events.map(() => "created"));
  }

  /** Each run of the job's neighbourhood as the view describes it: its state and time. */
  async function runsInView(): Promise<Record<string, [string | null, string | null]>> {
    const graph = await getLineage(t.store, { nodeId: "datasetVersion:s3://brief:corpus:v1", depth: 2, direction: "downstream", limit: 100 });
    const runs = graph.nodes.filter((n) => n.type === "run").sort((a, b) => a.id.localeCompare(b.id));
    return Object.fromEntries(runs.map((n) => [n.id, [n.state, n.time]]));
  }

  /** Rows of Run whose brief differs or is missing, and briefs without their run (PostgreSQL). */
  async function briefsOutOfStep(): Promise<number> {
    const columns = `"nodeId", "jobKey", "state", "startedAt", "endedAt"`;
    const row = await t.store.get<{ n: number }>(
      `SELECT COUNT(*)::integer AS "n" FROM (
         (SELECT ${columns} FROM "Run" EXCEPT ALL SELECT ${columns} FROM "RunBrief")
         UNION ALL
         (SELECT ${columns} FROM "RunBrief" EXCEPT ALL SELECT ${columns} FROM "Run")
       ) AS "difference"`,
    );
    return row!.n;
  }

  it("describes each run by its state and time as it starts, ends and is rebuilt", async () => {
    // Three runs start in one request (the projection inserts them in one statement).
    await ingest([runEvent(1, "START", 1), runEvent(2, "START", 2), runEvent(3, "START", 3)]);
    expect(await runsInView()).toEqual({
      [`run:${runId(1)}`]: ["RUNNING", at(1)],
      [`run:${runId(2)}`]: ["RUNNING", at(2)],
      [`run:${runId(3)}`]: ["RUNNING", at(3)],
    });

    // Two of them end in one request (one statement updates both); the third is left running.
    await ingest([runEvent(1, "COMPLETE", 10), runEvent(2, "FAIL", 11)]);
    const ended = {
      [`run:${runId(1)}`]: ["COMPLETED", at(10)],
      [`run:${runId(2)}`]: ["FAILED", at(11)],
      [`run:${runId(3)}`]: ["RUNNING", at(3)],
    };
    expect(await runsInView()).toEqual(ended);

    // A rebuild deletes every run and projects them again from the log.
    await replayLog(t.store);
    expect(await runsInView()).toEqual(ended);
    if (backend === "postgresql") expect(await briefsOutOfStep()).toBe(0);
  });

  it.skipIf(backend === "sqlite")("names a brief edited, removed or added behind the triggers' back in the projection's verification", async () => {
    // Edited: a view would show run 3 as completed although its run (and the log) say it is running.
    await t.store.run(`UPDATE "RunBrief" SET "state" = 'COMPLETED' WHERE "nodeId" = (SELECT "nodeId" FROM "Run" WHERE "runId" = ?)`, [runId(3)]);
    expect(await verifyProjection(t.store)).toEqual({ ok: false, firstDifference: { table: "RunBrief", key: runId(3), reason: "row differs from its run" } });
    const verification = await verifyStore(t.store, { signer: null, full: true });
    expect(verification).toMatchObject({ ok: false, projection: { ok: false, firstDifference: { table: "RunBrief", key: runId(3), seq: expect.any(Number) } } });
    await replayLog(t.store);
    expect(await verifyProjection(t.store)).toEqual({ ok: true });

    // Removed: the view would lose run 1's state and time.
    await t.store.run(`DELETE FROM "RunBrief" WHERE "nodeId" = (SELECT "nodeId" FROM "Run" WHERE "runId" = ?)`, [runId(1)]);
    expect(await verifyProjection(t.store)).toEqual({ ok: false, firstDifference: { table: "RunBrief", key: runId(1), reason: "row missing" } });
    await replayLog(t.store);

    // Added: a brief for a node that is not a run.
    await t.store.run(`INSERT INTO "RunBrief" ("nodeId", "jobKey", "state") SELECT id, 'job:brief-platform:train', 'RUNNING' FROM "Node" WHERE key = 'dataset:s3://brief:corpus'`);
    expect(await verifyProjection(t.store)).toEqual({ ok: false, firstDifference: { table: "RunBrief", key: "dataset:s3://brief:corpus", reason: "row of no run" } });
    await replayLog(t.store);
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
  });

  it.skipIf(backend === "sqlite")("keeps RunBrief equal to Run's columns, and empties it with Run", async () => {
    expect(await t.store.get<{ n: number }>(`SELECT COUNT(*)::integer AS "n" FROM "RunBrief"`)).toEqual({ n: 3 });
    expect(await briefsOutOfStep()).toBe(0);
    await t.store.run(`TRUNCATE "Run"`);
    expect(await t.store.get<{ n: number }>(`SELECT COUNT(*)::integer AS "n" FROM "RunBrief"`)).toEqual({ n: 0 });
  });
});
