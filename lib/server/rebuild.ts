import "server-only";
import { openSqlite, type Sqlite } from "./db";
import { ProjectionCache, projectEvent, type EventKind, type ProjectableEvent } from "./projection";

/**
 * The projection is a function of the log: these re-derive it (rebuild) and check that what is
 * stored equals what the log says (projection verification).
 */

const PROJECTION_TABLES = ["Node", "Edge", "Job", "Run", "Dataset", "DatasetVersion", "RunDataset", "EventNode", "Flag"] as const;
const PAGE = 5000;
/** Rows the replay keeps cached at most before starting afresh (memory stays bounded on big logs). */
const CACHE_ENTRIES = 200_000;

/** Replays the whole log, in order, into the projection tables of `target` (emptied first). */
export function replayLog(source: Sqlite, target: Sqlite = source): { events: number } {
  let events = 0;
  const page = source.prepare<[number, number], { seq: number; kind: string; payload: string }>(
    "SELECT seq, kind, payload FROM Event WHERE seq > ? ORDER BY seq LIMIT ?",
  );
  target.transaction(() => {
    for (const table of PROJECTION_TABLES) target.prepare(`DELETE FROM "${table}"`).run();
    const hasSequence = target
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
      .get();
    if (hasSequence) target.prepare("DELETE FROM sqlite_sequence WHERE name = 'Node'").run();
    // Paged rather than iterated: a connection cannot write while one of its cursors is open.
    let after = 0;
    const cache = new ProjectionCache();
    for (;;) {
      const rows = page.all(after, PAGE);
      if (rows.length === 0) break;
      if (cache.size > CACHE_ENTRIES) cache.clear();
      for (const row of rows) {
        projectEvent(target, row.seq, row.kind as EventKind, JSON.parse(row.payload) as ProjectableEvent, cache);
        events++;
      }
      after = rows[rows.length - 1].seq;
    }
  }).immediate();
  return { events };
}

/**
 * Every projection row in a stable order, with edges named by node keys rather than ids, so two
 * projections can be compared whatever ids they were given.
 */
export function projectionSnapshot(db: Sqlite): Record<string, unknown[]> {
  const snapshot: Record<string, unknown[]> = {};
  snapshot.Node = db.prepare("SELECT key, type, namespace, name, seq FROM Node ORDER BY key").all();
  snapshot.Edge = db
    .prepare(
      `SELECT s.key AS source, t.key AS target, e.seq FROM Edge e
       JOIN Node s ON s.id = e.sourceId JOIN Node t ON t.id = e.targetId ORDER BY source, target`,
    )
    .all();
  snapshot.EventNode = db
    .prepare("SELECT en.seq, n.key FROM EventNode en JOIN Node n ON n.id = en.nodeId ORDER BY en.seq, n.key")
    .all();
  for (const [table, order] of [
    ["Job", "key"],
    ["Run", "runId"],
    ["Dataset", "key"],
    ["DatasetVersion", "key"],
    ["RunDataset", "runId, direction, datasetVersionKey"],
    ["Flag", "flagId"],
  ] as const) {
    const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all() as Record<string, unknown>[];
    // Node ids are an artefact of insertion order; keys identify rows.
    snapshot[table] = rows.map(({ nodeId: _id, ...rest }) => rest);
  }
  return snapshot;
}

export interface ProjectionCheck {
  ok: boolean;
  /** The first table and row where the stored projection differs from a replay of the log. */
  firstDifference?: { table: string; key: string; reason: string };
}

/** Replays the log into a scratch in-memory database and compares it with the stored projection. */
export function verifyProjection(db: Sqlite): ProjectionCheck {
  const scratch = openSqlite(":memory:");
  try {
    const ddl = db
      .prepare<[], { sql: string }>(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%' ORDER BY type DESC",
      )
      .all();
    for (const { sql } of ddl) scratch.exec(sql);
    // The scratch copy reads the log from the real database and writes only its own tables.
    replayLog(db, scratch);
    const expected = projectionSnapshot(scratch);
    const actual = projectionSnapshot(db);
    for (const table of Object.keys(expected)) {
      const want = expected[table].map((r) => JSON.stringify(r));
      const have = actual[table].map((r) => JSON.stringify(r));
      const length = Math.max(want.length, have.length);
      for (let i = 0; i < length; i++) {
        if (want[i] !== have[i]) {
          const row = (have[i] ?? want[i]) as string;
          const key = rowKey(JSON.parse(row) as Record<string, unknown>);
          return {
            ok: false,
            firstDifference: {
              table,
              key,
              reason: have[i] === undefined ? "row missing" : want[i] === undefined ? "row not derived from the log" : "row differs from a replay of the log",
            },
          };
        }
      }
    }
    return { ok: true };
  } finally {
    scratch.close();
  }
}

function rowKey(row: Record<string, unknown>): string {
  return String(row.key ?? row.runId ?? (row.source ? `${row.source} -> ${row.target}` : JSON.stringify(row)));
}
