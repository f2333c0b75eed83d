import "server-only";
import { forgetVerification } from "./verification";
import { finish, type AsyncSteps } from "./steps";
import { flushProjection, ProjectionCache, projectEvent, type ProjectableEvent } from "./projection";
import type { Dialect, Queryable, Snapshot, Store, Streaming } from "./store/types";
import type { EventKind } from "@/lib/schemas/openlineage";

/**
 * The projection is a function of the log: these re-derive it (rebuild) and check that what is
 * stored equals what the log says (projection verification), on either backend.
 */

export const PROJECTION_TABLES = [
  "Node", "Edge", "Job", "Run", "Dataset", "DatasetVersion", "RunDataset", "EventNode", "Flag", "FieldNode", "FieldEdge", "DatasetField",
  "ArtefactDigest", "ArtefactWatermark", "ArtefactSignature",
] as const;
const PAGE = 1000;
/** Rows the replay keeps cached at most before starting afresh (memory stays bounded on big logs). */
const CACHE_ENTRIES = 200_000;

/**
 * Replays the whole log of `store`, in order, into its own projection tables (emptied first), in
 * one transaction: readers see the old projection until the new one is complete.
 */
export function replayLog(store: Store): Promise<{ events: number }> {
  return store.transaction(async (tx) => {
    // No batch may be projecting ahead of the log's lock on the rows this replaces (taken first: such
    // a batch holds it while it waits for the log's), and no append may slip in between the emptying
    // and the end of the replay.
    if (tx.dialect.lockProjection) await tx.run(tx.dialect.lockProjection.exclusive);
    if (tx.dialect.lockLog) await tx.run(tx.dialect.lockLog);
    const replayed = await finish(replayLogSteps(tx, tx));
    // The projection was rewritten: what was verified of the old one no longer says anything.
    await forgetVerification(tx);
    return replayed;
  });
}

/**
 * The replay as steps (one per event): reads the log from `source` and writes the projection
 * tables of `target` (emptied first), inside a transaction the caller holds on `target`.
 * `cacheEntries` bounds the rows kept cached between events (memory against speed).
 */
export async function* replayLogSteps(source: Queryable, target: Queryable, cacheEntries = CACHE_ENTRIES): AsyncSteps<{ events: number }> {
  let events = 0;
  // Children first, so PostgreSQL's foreign keys never see a row outlive what it points at.
  for (const table of [...PROJECTION_TABLES].reverse()) await target.run(`DELETE FROM "${table}"`);
  // Their triggers emptied the copies of what these held; a row written behind the triggers' back
  // (of no source row) would outlive that, so a rebuild is also how such a copy is mended.
  for (const copy of target.dialect.keptCopies) await target.run(`DELETE FROM "${copy.table}"`);
  // Paged rather than iterated: a SQLite connection cannot write while one of its cursors is open.
  let after = 0;
  const cache = new ProjectionCache();
  for (;;) {
    const rows = await source.all<{ seq: number; kind: string; payload: string }>(
      `SELECT seq, kind, payload FROM "Event" WHERE seq > ? ORDER BY seq LIMIT ${PAGE}`,
      [after],
    );
    if (rows.length === 0) break;
    if (cache.size > cacheEntries) {
      await flushProjection(target, cache);
      cache.clear();
    }
    for (const row of rows) {
      await projectEvent(target, row.seq, row.kind as EventKind, JSON.parse(row.payload) as ProjectableEvent, cache);
      events++;
      yield;
    }
    after = rows[rows.length - 1].seq;
  }
  await flushProjection(target, cache);
  return { events };
}

/**
 * Every projection table as a query for all its rows in a stable order, with node ids replaced by
 * node keys (ids are an artefact of insertion order; keys identify rows), so two projections can be
 * compared whatever ids they were given. Each order follows an index, so the rows stream without a
 * sort of the whole table (CROSS JOIN keeps SQLite walking Node in key order for the edges).
 */
const snapshotQueries = (dialect: Dialect): { table: string; sql: string; dropNodeId?: boolean }[] => [
  { table: "Node", sql: `SELECT key, type, namespace, name, seq, "upstreamCount", "downstreamCount" FROM "Node" ORDER BY key` },
  {
    table: "Edge",
    sql: `SELECT s.key AS source, t.key AS target, e.seq FROM "Node" s
          ${dialect.joinInOrder} "Edge" e ON e."sourceId" = s.id ${dialect.joinInOrder} "Node" t ON t.id = e."targetId" ORDER BY s.key, t.key`,
  },
  { table: "FieldNode", sql: `SELECT key, "datasetKey", namespace, dataset, field, seq FROM "FieldNode" ORDER BY key` },
  {
    table: "FieldEdge",
    sql: `SELECT s.key AS source, t.key AS target, e.transformations, e."transformationDescription", e."transformationType",
                 e."isMasked", e."versionKey", e."runId", e.seq
          FROM "FieldNode" s ${dialect.joinInOrder} "FieldEdge" e ON e."sourceId" = s.id ${dialect.joinInOrder} "FieldNode" t ON t.id = e."targetId"
          ORDER BY s.key, t.key`,
  },
  { table: "DatasetField", sql: `SELECT * FROM "DatasetField" ORDER BY "versionKey", field` },
  { table: "ArtefactDigest", sql: `SELECT * FROM "ArtefactDigest" ORDER BY digest, "versionKey", file` },
  { table: "ArtefactWatermark", sql: `SELECT * FROM "ArtefactWatermark" ORDER BY scheme, payload, "versionKey"` },
  { table: "ArtefactSignature", sql: `SELECT * FROM "ArtefactSignature" ORDER BY "versionKey"` },
  { table: "EventNode", sql: `SELECT en.seq, n.key FROM "EventNode" en JOIN "Node" n ON n.id = en."nodeId" ORDER BY en.seq, n.key` },
  ...(
    [
      ["Job", "key"],
      ["Run", `"runId"`],
      ["Dataset", "key"],
      ["DatasetVersion", "key"],
      ["RunDataset", `"runId", direction, "datasetVersionKey"`],
      ["Flag", `"flagId"`],
    ] as const
  ).map(([table, order]) => ({ table, sql: `SELECT * FROM "${table}" ORDER BY ${order}`, dropNodeId: true })),
];

type SnapshotQuery = ReturnType<typeof snapshotQueries>[number];

async function* snapshotRows(db: Streaming, query: SnapshotQuery): AsyncGenerator<unknown, void, undefined> {
  const rows = db.iterate<Record<string, unknown>>(query.sql);
  if (!query.dropNodeId) {
    yield* rows;
    return;
  }
  for await (const { nodeId: _id, ...rest } of rows) yield rest;
}

/** Every projection row (see snapshotQueries), table by table. */
export function projectionSnapshot(store: Store): Promise<Record<string, unknown[]>> {
  return store.snapshot(async (snapshot) => {
    const tables: Record<string, unknown[]> = {};
    for (const query of snapshotQueries(snapshot.dialect)) {
      const rows: unknown[] = [];
      for await (const row of snapshotRows(snapshot, query)) rows.push(row);
      tables[query.table] = rows;
    }
    return tables;
  });
}

export interface ProjectionCheck {
  ok: boolean;
  /** The first table and row where the stored projection differs from a replay of the log. */
  firstDifference?: { table: string; key: string; reason: string };
}

/** Replays the log into scratch tables and compares them with the stored projection. */
export function verifyProjection(store: Store): Promise<ProjectionCheck> {
  return store.snapshot((snapshot) => finish(verifyProjectionSteps(snapshot)));
}

/** Rows the replay of a verification keeps cached (100k-edge store: 50,000 entries peaked at 184 MB of V8 heap, 10,000 at 123 MB, for 6 % more time). */
const VERIFY_CACHE_ENTRIES = 10_000;

/**
 * verifyProjection as steps, on one snapshot of the store. The scratch tables are private (SQLite:
 * a temporary database that spills to a file; PostgreSQL: temporary tables), so a replay of a
 * million events never has to fit in memory. Both projections are streamed side by side in key
 * order and compared row by row, so memory stays flat however large the store.
 */
export async function* verifyProjectionSteps(snapshot: Snapshot): AsyncSteps<ProjectionCheck> {
  const scratch = await snapshot.openScratch();
  try {
    // The scratch reads the log from the snapshot and writes only its own tables.
    yield* replayLogSteps(snapshot, scratch, VERIFY_CACHE_ENTRIES);
    for (const query of snapshotQueries(snapshot.dialect)) {
      const want = snapshotRows(scratch, query);
      const have = snapshotRows(snapshot, query);
      try {
        for (;;) {
          const expected = await want.next();
          const actual = await have.next();
          if (expected.done && actual.done) break;
          const wantRow = expected.done ? undefined : JSON.stringify(expected.value);
          const haveRow = actual.done ? undefined : JSON.stringify(actual.value);
          if (wantRow !== haveRow) {
            const row = (haveRow ?? wantRow) as string;
            return {
              ok: false,
              firstDifference: {
                table: query.table,
                key: rowKey(JSON.parse(row) as Record<string, unknown>),
                reason: haveRow === undefined ? "row missing" : wantRow === undefined ? "row not derived from the log" : "row differs from a replay of the log",
              },
            };
          }
          yield;
        }
      } finally {
        await want.return(undefined);
        await have.return(undefined);
      }
    }
    // The projection equals the replay; what the database copies from it must equal it too.
    for (const copy of snapshot.dialect.keptCopies) {
      const outOfStep = await snapshot.get<{ key: string; reason: string }>(copy.firstOutOfStep);
      if (outOfStep) return { ok: false, firstDifference: { table: copy.table, ...outOfStep } };
      yield;
    }
    return { ok: true };
  } finally {
    await scratch.close();
  }
}

function rowKey(row: Record<string, unknown>): string {
  if (row.source) return `${row.source} -> ${row.target}`;
  if (row.versionKey && row.field) return `${row.versionKey} ${row.field}`;
  return String(row.key ?? row.runId ?? JSON.stringify(row));
}
