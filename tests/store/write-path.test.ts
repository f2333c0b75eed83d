// The write path's contract, the same on every backend: ingest (created, duplicate, rejected with
// paths), the projection's semantics, rebuild equal to the live projection, verification catching an
// edited log row and an edited projection row, and appends from two handles (two servers) forming
// one chain.
import { describe, expect, it } from "vitest";

import { buildDrugDiscoveryEvents } from "@/lib/demo/drug-discovery";
import { getLogHead, verifyChain } from "@/lib/server/event-log";
import { ingestEvents, type IngestOutcome } from "@/lib/server/ingest";
import { projectionSnapshot, replayLog, verifyProjection } from "@/lib/server/rebuild";
import { searchNodes } from "@/lib/server/search";
import type { Store } from "@/lib/server/store/types";
import { verifyStore } from "@/lib/server/verification";
import { runEvent } from "../support/db";
import { BACKENDS, testStoreFor } from "../support/stores";

const RECEIVED_AT = "2026-11-24T00:00:00.000Z";
const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
const corpus = { namespace: "s3://lake", name: "corpus" };
const model = { namespace: "s3://lake", name: "model" };

const ingest = (store: Store, events: unknown[]): Promise<IngestOutcome[]> => ingestEvents(store, events, { sender: "test", receivedAt: RECEIVED_AT });

describe.each(BACKENDS)("write path on %s", (backend) => {
  const t = testStoreFor(backend);

  it("stores a valid event, answers a retry as a duplicate of it, and rejects a bad one with its field paths", async () => {
    const event = runEvent({ runId: RUN(1), job: "train", inputs: [corpus], outputs: [model] });
    const bad = { ...runEvent({ runId: "not-a-uuid" }), eventTime: "yesterday" };
    const outcomes = await ingest(t.store, [event, bad]);
    expect(outcomes[0]).toMatchObject({ status: "created", seq: 1 });
    expect(outcomes[1].status).toBe("rejected");
    expect(outcomes[1].errors?.map((e) => e.path)).toEqual(expect.arrayContaining(["run.runId", "eventTime"]));

    // The same content in another key order is the same event.
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    expect(await ingest(t.store, [reordered])).toEqual([expect.objectContaining({ status: "duplicate", seq: 1 })]);
    expect(await t.store.get(`SELECT COUNT(*) AS n FROM "Event"`)).toEqual({ n: 1 });
    expect(await getLogHead(t.store)).toMatchObject({ seq: 1 });
  });

  it("projects runs as OpenLineage says: START and COMPLETE add up, an ended run stays ended, a FAIL fails its outputs", async () => {
    await ingest(t.store, [
      runEvent({ eventType: "START", runId: RUN(2), job: "finetune", time: "2026-11-01T10:00:00Z", inputs: [model] }),
      runEvent({ eventType: "COMPLETE", runId: RUN(2), job: "finetune", time: "2026-11-01T11:30:00Z", outputs: [{ namespace: "s3://lake", name: "ft" }] }),
      runEvent({ eventType: "START", runId: RUN(2), job: "finetune", time: "2026-11-01T09:00:00Z" }),
      runEvent({
        eventType: "FAIL",
        runId: RUN(3),
        job: "generate",
        time: "2026-11-02T10:00:00Z",
        runFacets: { errorMessage: { message: "CUDA out of memory", programmingLanguage: "python" } },
        outputs: [{ namespace: "s3://lake", name: "batch" }],
      }),
    ]);
    const run = await t.store.get<Record<string, unknown>>(`SELECT state, "startedAt", "endedAt" FROM "Run" WHERE "runId" = ?`, [RUN(2)]);
    expect(run).toEqual({ state: "COMPLETED", startedAt: "2026-11-01T09:00:00.000Z", endedAt: "2026-11-01T11:30:00.000Z" });
    const io = await t.store.all(`SELECT direction, "datasetKey" FROM "RunDataset" WHERE "runId" = ? ORDER BY direction`, [RUN(2)]);
    expect(io).toEqual([
      { direction: "input", datasetKey: "dataset:s3://lake:model" },
      { direction: "output", datasetKey: "dataset:s3://lake:ft" },
    ]);
    const failed = await t.store.get<{ failed: number; failureReasons: string }>(
      `SELECT CASE WHEN "isFailed" THEN 1 ELSE 0 END AS failed, "failureReasons" FROM "DatasetVersion" WHERE key = ?`,
      [`datasetVersion:s3://lake:batch:${RUN(3)}`],
    );
    expect(failed?.failed).toBe(1);
    expect(JSON.parse(failed!.failureReasons)[0].message).toBe("its run failed: CUDA out of memory");
  });

  it("rebuilds exactly the projection it keeps live, and verification finds nothing", async () => {
    expect(await ingest(t.store, buildDrugDiscoveryEvents())).not.toContainEqual(expect.objectContaining({ status: "rejected" }));
    const live = await projectionSnapshot(t.store);
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
    const { events } = await replayLog(t.store);
    expect(events).toBe((await getLogHead(t.store))!.seq);
    expect(await projectionSnapshot(t.store)).toEqual(live);
    expect(await verifyStore(t.store, { signer: null })).toMatchObject({ ok: true, chain: { ok: true }, projection: { ok: true } });
  });

  it("gives each new node of a batch its own id when the batch makes more nodes than its reads foresaw, as a replay does", async () => {
    // Inputs nobody versioned: each resolves to a new "unversioned" version, a node the batch's
    // reads could not foresee, so ids are drawn again mid-batch (SQLite before the batch's nodes are written).
    const events = Array.from({ length: 40 }, (_, i) =>
      runEvent({ runId: RUN(200 + i), job: `prep-${i % 3}`, inputs: [{ namespace: "s3://raw", name: `raw-${i}` }, corpus], outputs: [{ namespace: "s3://prep", name: `prep-${i}` }] }),
    );
    const outcomes = await ingest(t.store, events);
    expect(outcomes.filter((o) => o.status === "created")).toHaveLength(40);
    const unversioned = await t.store.all<{ key: string }>(`SELECT key FROM "Node" WHERE key LIKE 'datasetVersion:s3://raw:%:unversioned' ORDER BY key`);
    expect(unversioned).toHaveLength(40);
    const edge = await t.store.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM "Edge" e JOIN "Node" s ON s.id = e."sourceId" JOIN "Node" r ON r.id = e."targetId"
       WHERE s.key = ? AND r.key = ?`,
      [`datasetVersion:s3://raw:raw-7:unversioned`, `run:${RUN(207)}`],
    );
    expect(edge).toEqual({ n: 1 });
    const live = await projectionSnapshot(t.store);
    await replayLog(t.store);
    expect(await projectionSnapshot(t.store)).toEqual(live);
  });

  it("projects a batch's column facets as a replay does: schemas replaced in the batch and across batches, a field edge recorded twice, a flag between", async () => {
    const facet = { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json" };
    const schema = (...names: string[]) => ({ schema: { ...facet, fields: names.map((name) => ({ name, type: "string" })) } });
    const version = (v: string) => ({ version: { ...facet, datasetVersion: v } });
    const from = (field: string, source: string, masking: boolean) => ({
      columnLineage: { ...facet, fields: { [field]: { inputFields: [{ namespace: "cols", name: "src", field: source, transformations: [{ type: "DIRECT", subtype: masking ? "TRANSFORMATION" : "IDENTITY", masking }] }] } } },
    });
    const table = (v: string, facets: Record<string, unknown>) => ({ namespace: "cols", name: "tbl", facets: { ...version(v), ...facets } });
    const datasetEvent = (time: string, facets: Record<string, unknown>) => ({
      eventTime: time,
      producer: "https://threadline.dev/tests",
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      dataset: { namespace: "cols", name: "tbl", facets },
    });
    const first = await ingest(t.store, [runEvent({ runId: RUN(300), job: "load", time: "2026-11-01T10:00:00Z", outputs: [table("v1", { ...schema("a", "b"), ...from("a", "x", false) })] })]);
    expect(first[0]).toMatchObject({ status: "created" });
    const outcomes = await ingest(t.store, [
      // v1 was stored by the batch before: its schema is replaced in the database.
      datasetEvent("2026-11-01T11:00:00Z", { ...version("v1"), ...schema("a", "c") }),
      // v2 is new in this batch; the pair src.x -> tbl.a is recorded again, masked now.
      runEvent({ runId: RUN(301), job: "load", time: "2026-11-01T12:00:00Z", outputs: [table("v2", { ...schema("a"), ...from("a", "x", true) })] }),
      // A flag on the latest version (v2) writes what the batch holds so far before it.
      datasetEvent("2026-11-01T12:30:00Z", { threadline_flag: { flagId: "cols-flag", action: "add", kind: "bias", severity: "high", reason: "r", by: "tests" } }),
      runEvent({ runId: RUN(302), job: "load", time: "2026-11-01T13:00:00Z", outputs: [table("v2", { ...schema("a", "d"), ...from("a", "y", false) })] }),
      // v3 is new, and its schema replaced within the batch with no write in between.
      datasetEvent("2026-11-01T14:00:00Z", { ...version("v3"), ...schema("z") }),
      datasetEvent("2026-11-01T14:10:00Z", { ...version("v3"), ...schema("z", "w") }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => "created"));
    const fields = await t.store.all<{ versionKey: string; field: string; position: number }>(
      `SELECT "versionKey", field, position FROM "DatasetField" WHERE "datasetKey" = 'dataset:cols:tbl' ORDER BY "versionKey", position`,
    );
    expect(fields.map((f) => `${f.versionKey.replace("datasetVersion:cols:tbl:", "")}.${f.field}`)).toEqual(["v1.a", "v1.c", "v2.a", "v2.d", "v3.z", "v3.w"]);
    const edges = await t.store.all<{ source: string; seq: number; isMasked: number; versionKey: string }>(
      `SELECT s.key AS source, e.seq, e."isMasked", e."versionKey" FROM "FieldEdge" e JOIN "FieldNode" s ON s.id = e."sourceId"
       WHERE s."datasetKey" = 'dataset:cols:src' ORDER BY s.key`,
    );
    // The pair first recorded by the first batch keeps that seq, with its latest recording's transformation and version.
    expect(edges).toEqual([
      { source: "datasetField:cols:src:x", seq: first[0]!.seq, isMasked: 1, versionKey: "datasetVersion:cols:tbl:v2" },
      { source: "datasetField:cols:src:y", seq: outcomes[3]!.seq, isMasked: 0, versionKey: "datasetVersion:cols:tbl:v2" },
    ]);
    const fieldNodes = await t.store.all<{ key: string; seq: number }>(`SELECT key, seq FROM "FieldNode" WHERE key LIKE 'datasetField:cols:%' ORDER BY key`);
    expect(fieldNodes.find((f) => f.key === "datasetField:cols:tbl:w")?.seq).toBe(outcomes[5]!.seq);
    expect(new Set(fieldNodes.map((f) => f.key)).size).toBe(fieldNodes.length);
    const live = await projectionSnapshot(t.store);
    await replayLog(t.store);
    expect(await projectionSnapshot(t.store)).toEqual(live);
  });

  it("keeps jobs, datasets and their search rows as the batch leaves them: new and changed in one batch, changed after a flag, then only touched", async () => {
    const doc = (description: string) => ({ documentation: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/x", description } });
    const shelf = (description?: string) => ({ namespace: "shelf", name: "books", ...(description ? { facets: doc(description) } : {}) });
    const at = (h: number) => `2026-11-03T${String(h).padStart(2, "0")}:00:00Z`;
    const row = () => t.store.get(`SELECT description, "createdAt", "updatedAt", "latestVersionKey" FROM "Dataset" WHERE key = 'dataset:shelf:books'`);
    const found = async (text: string) => (await searchNodes(t.store, text)).map((r) => r.id);
    const created = (outcomes: IngestOutcome[]) => expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => "created"));
    created(
      await ingest(t.store, [
        // New in this batch, its description changed and then only touched before the batch ends.
        runEvent({ runId: RUN(400), job: "shelve", time: at(1), outputs: [shelf("paperbacks")] }),
        runEvent({ runId: RUN(401), job: "shelve", time: at(2), outputs: [shelf("hardcovers")] }),
        runEvent({ runId: RUN(402), job: "shelve", time: at(3), inputs: [shelf()] }),
      ]),
    );
    expect(await row()).toEqual({ description: "hardcovers", createdAt: "2026-11-03T01:00:00.000Z", updatedAt: "2026-11-03T03:00:00.000Z", latestVersionKey: `datasetVersion:shelf:books:${RUN(401)}` });
    expect(await found("hardcovers")).toContain("dataset:shelf:books");
    created(
      await ingest(t.store, [
        // A flag writes what the batch holds so far; the dataset changes after it, then is only touched.
        {
          eventTime: at(4),
          producer: "https://threadline.dev/tests",
          schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
          dataset: { ...shelf(), facets: { threadline_flag: { flagId: "shelf-flag", action: "add", kind: "bias", severity: "low", reason: "r", by: "tests" } } },
        },
        runEvent({ runId: RUN(403), job: "shelve", time: at(5), outputs: [shelf("first editions")] }),
        runEvent({ runId: RUN(404), job: "shelve", time: at(6), inputs: [shelf()] }),
      ]),
    );
    expect(await row()).toEqual({ description: "first editions", createdAt: "2026-11-03T01:00:00.000Z", updatedAt: "2026-11-03T06:00:00.000Z", latestVersionKey: `datasetVersion:shelf:books:${RUN(403)}` });
    expect(await t.store.get(`SELECT "updatedAt", "latestRunId" FROM "Job" WHERE key = 'job:tests:shelve'`)).toEqual({ updatedAt: "2026-11-03T06:00:00.000Z", latestRunId: RUN(404) });
    expect(await found("first editions")).toContain("dataset:shelf:books");
    expect(await found("hardcovers")).not.toContain("dataset:shelf:books");
    // A later batch changes the stored row, then only touches it.
    await ingest(t.store, [
      runEvent({ runId: RUN(405), job: "shelve", time: at(7), outputs: [shelf("signed copies")] }),
      runEvent({ runId: RUN(406), job: "shelve", time: at(8), inputs: [shelf()] }),
    ]);
    expect(await row()).toMatchObject({ description: "signed copies", updatedAt: "2026-11-03T08:00:00.000Z" });
    expect(await found("signed copies")).toContain("dataset:shelf:books");
    const live = await projectionSnapshot(t.store);
    await replayLog(t.store);
    expect(await projectionSnapshot(t.store)).toEqual(live);
  });

  it("appends from two handles (two servers) at once into one unbroken chain, a retry racing its original stored once", async () => {
    const other = t.openAnother();
    const before = (await getLogHead(t.store))!.seq;
    const events = Array.from({ length: 40 }, (_, i) => runEvent({ runId: RUN(100 + i), job: `parallel-${i % 4}`, inputs: [corpus] }));
    // Every event sent through both handles, one event a call, as two servers would take them: at
    // the same time on PostgreSQL. SQLite's driver is synchronous, so two connections of one process
    // cannot wait for each other's write lock (two server processes can): there they take turns.
    const sends = events.flatMap((e) => [() => ingest(t.store, [e]), () => ingest(other, [e])]);
    const outcomes: IngestOutcome[] = [];
    if (backend === "postgresql") outcomes.push(...(await Promise.all(sends.map((send) => send()))).flat());
    else for (const send of sends) outcomes.push(...(await send()));
    expect(outcomes.filter((o) => o.status === "created")).toHaveLength(40);
    expect(outcomes.filter((o) => o.status === "duplicate")).toHaveLength(40);
    const head = (await getLogHead(t.store))!;
    expect(head.seq).toBe(before + 40);
    expect(await verifyChain(other)).toMatchObject({ ok: true, checked: head.seq, head });
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
  });

  it("keeps each node's edge counts equal to its Edge rows through single events, batches, repeated edges, a flag, a rebuild, and names an edited count", async () => {
    // Nodes whose kept counts differ from their Edge rows counted.
    const miscounted = () =>
      t.store.all<{ key: string }>(
        `SELECT n.key FROM "Node" n WHERE n."upstreamCount" <> (SELECT COUNT(*) FROM "Edge" e WHERE e."targetId" = n.id)
            OR n."downstreamCount" <> (SELECT COUNT(*) FROM "Edge" e WHERE e."sourceId" = n.id)`,
      );
    const countsOf = (key: string) => t.store.get<{ up: number; down: number }>(`SELECT "upstreamCount" AS up, "downstreamCount" AS down FROM "Node" WHERE key = ?`, [key]);
    // One event at a time, then a batch: the job reads the corpus again and again (its entity edge
    // stored once), a flag between two runs, a run that repeats an input in the same event.
    const events = [0, 1, 2].map((n) => runEvent({ runId: RUN(400 + n), job: "tally", time: `2026-11-03T1${n}:00:00Z`, inputs: [corpus, corpus], outputs: [{ namespace: "s3://lake", name: `tally-${n}` }] }));
    expect((await ingest(t.store, [events[0]]))[0]).toMatchObject({ status: "created" });
    expect((await ingest(t.store, [events[0]]))[0]).toMatchObject({ status: "duplicate" });
    const flag = {
      eventTime: "2026-11-03T10:30:00Z",
      producer: "https://threadline.dev/tests",
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      dataset: { namespace: "s3://lake", name: "tally-0", facets: { threadline_flag: { flagId: "tally-flag", action: "add", kind: "bias", severity: "low", reason: "r", by: "tests" } } },
    };
    expect((await ingest(t.store, [events[1], flag, events[2]])).map((o) => o.status)).toEqual(["created", "created", "created"]);
    expect(await miscounted()).toEqual([]);
    const totals = await t.store.get<{ edges: number; up: number; down: number }>(
      `SELECT (SELECT COUNT(*) FROM "Edge") AS edges, (SELECT SUM("upstreamCount") FROM "Node") AS up, (SELECT SUM("downstreamCount") FROM "Node") AS down`,
    );
    expect(totals).toEqual({ edges: totals!.edges, up: totals!.edges, down: totals!.edges });
    // The job: one entity edge in from the corpus, one out to each of its three outputs.
    expect(await countsOf("job:tests:tally")).toEqual({ up: 1, down: 3 });

    const live = await projectionSnapshot(t.store);
    await replayLog(t.store);
    expect(await miscounted()).toEqual([]);
    expect(await projectionSnapshot(t.store)).toEqual(live);

    await t.store.run(`UPDATE "Node" SET "downstreamCount" = "downstreamCount" + 1 WHERE key = 'job:tests:tally'`);
    expect(await verifyProjection(t.store)).toMatchObject({ ok: false, firstDifference: { table: "Node" } });
    await replayLog(t.store);
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
  });

  it("names an edited log row and an edited projection row", async () => {
    const head = (await getLogHead(t.store))!;
    await t.store.run(`UPDATE "Run" SET state = 'COMPLETED' WHERE "runId" = ?`, [RUN(3)]);
    expect(await verifyProjection(t.store)).toMatchObject({ ok: false, firstDifference: { table: "Run", key: RUN(3) } });
    await replayLog(t.store);
    expect(await verifyProjection(t.store)).toEqual({ ok: true });

    // The log edited behind Threadline's back: through a connection of its own, as a database shell would.
    const shell = t.openAnother();
    const original = await t.store.get<{ payload: string }>(`SELECT payload FROM "Event" WHERE seq = 2`);
    await shell.run(`UPDATE "Event" SET payload = ? WHERE seq = 2`, [original!.payload.replace("finetune", "FINETUNE")]);
    expect(await verifyChain(t.store)).toMatchObject({ ok: false, head, firstBroken: { seq: 2, reason: "its content does not match its content hash" } });
    const verification = await verifyStore(t.store, { signer: null });
    expect(verification).toMatchObject({ ok: false, firstBroken: { seq: 2 } });
    await shell.run(`UPDATE "Event" SET payload = ? WHERE seq = 2`, [original!.payload]);
    expect((await verifyChain(t.store)).ok).toBe(true);
  });

  it("rejects an event holding a lone surrogate with its path and stores the rest of the call, as neither backend's text keeps one", async () => {
    // Two names that differ only in their lone surrogates were one key once stored (U+FFFD for each).
    const outcomes = await ingest(t.store, [
      runEvent({ runId: RUN(502), job: "surrogate-neighbour" }),
      runEvent({ runId: RUN(503), job: "lone\ud800" }),
      runEvent({ runId: RUN(504), job: "lone\udbff" }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["created", "rejected", "rejected"]);
    expect(outcomes[1]!.errors).toEqual([{ path: "job.name", message: expect.stringMatching(/lone surrogate/) }]);
    expect(await t.store.get(`SELECT COUNT(*) AS n FROM "Job" WHERE key = 'job:tests:surrogate-neighbour'`)).toEqual({ n: 1 });
    expect(await t.store.get(`SELECT COUNT(*) AS n FROM "Job" WHERE key LIKE 'job:tests:lone%'`)).toEqual({ n: 0 });
  });

  it("rejects an event holding a NUL character with its path and stores the rest of the call, as neither backend's text keeps one", async () => {
    const good = runEvent({ runId: RUN(500), job: "nul-neighbour" });
    const outcomes = await ingest(t.store, [good, runEvent({ runId: RUN(501), job: "nul\u0000job" })]);
    expect(outcomes.map((o) => o.status)).toEqual(["created", "rejected"]);
    expect(outcomes[1]!.errors).toEqual([{ path: "job.name", message: expect.stringMatching(/NUL character/) }]);
    expect(await t.store.get(`SELECT COUNT(*) AS n FROM "Job" WHERE key = 'job:tests:nul-neighbour'`)).toEqual({ n: 1 });
  });
});
