/**
 * The lineage query's speed-ups must not change its answers: without an as-of point the edge
 * queries leave out the `seq` filter (index-only), nodes are described one type at a time, and
 * edges are sorted on keys built once. Checked on the benchmark's generated GenAI world (hub
 * datasets, wide fan-in, loops) against the as-of path (which keeps the filter) and against the
 * single all-tables query the node descriptions used to come from.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sqlite } from "@/lib/server/db";
import { getLogHead } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { describeNodes, getLineage } from "@/lib/server/lineage";
import type { Direction } from "@/lib/lineage/types";
import { generateGenAiLineage } from "@/scripts/bench/lib/genai-lineage";
import { createTestDatabase } from "../support/db";

/** The node description query as it was: every node joined with every node table. */
const REFERENCE_DESCRIBE = `
  SELECT n.key,
         COALESCE(d.kind, vd.kind, jb.kind, rj.kind) AS kind,
         COALESCE(v.version, dl.version) AS version,
         COALESCE(r.state, jr.state) AS state,
         COALESCE(v.isFailed, dl.isFailed, 0) AS versionFailed,
         COALESCE(v.isSynthetic, dl.isSynthetic, 0) AS isSynthetic,
         COALESCE(r.endedAt, r.startedAt, jr.startedAt, v.createdAt, dl.createdAt, d.updatedAt, jb.updatedAt) AS time
  FROM Node n
  LEFT JOIN Dataset d ON d.nodeId = n.id
  LEFT JOIN DatasetVersion dl ON dl.key = d.latestVersionKey
  LEFT JOIN Job jb ON jb.nodeId = n.id
  LEFT JOIN Run jr ON jr.runId = jb.latestRunId
  LEFT JOIN DatasetVersion v ON v.nodeId = n.id
  LEFT JOIN Dataset vd ON vd.key = v.datasetKey
  LEFT JOIN Run r ON r.nodeId = n.id
  LEFT JOIN Job rj ON rj.key = r.jobKey`;

let store: ReturnType<typeof createTestDatabase>;
let db: Sqlite;
let keys: string[];

beforeAll(() => {
  store = createTestDatabase();
  db = store.db;
  const events = [...generateGenAiLineage({ targetEdges: 3_000, seed: 5 })];
  for (let i = 0; i < events.length; i += 500) {
    ingestEvents(db, events.slice(i, i + 500), { sender: "tests", receivedAt: "2026-11-24T00:00:00.000Z" });
  }
  keys = (db.prepare("SELECT key FROM Node ORDER BY id").all() as { key: string }[]).map((r) => r.key);
}, 60_000);
afterAll(() => store.cleanup());

/** Every 7th node plus the busiest ones (hub versions, their readers). */
function foci(): string[] {
  const hubs = (
    db
      .prepare(
        `SELECT n.key FROM Node n JOIN (SELECT sourceId AS id, COUNT(*) AS c FROM Edge GROUP BY sourceId ORDER BY c DESC LIMIT 5) d ON d.id = n.id`,
      )
      .all() as { key: string }[]
  ).map((r) => r.key);
  return [...hubs, ...keys.filter((_, i) => i % 7 === 0)];
}

describe("getLineage without an as-of point", () => {
  it("answers exactly what the as-of path answers at the log head, for every depth, direction and budget", () => {
    const head = getLogHead(db)!.seq;
    let compared = 0;
    for (const nodeId of foci()) {
      for (const [depth, direction, limit] of [
        [1, "both", 500],
        [3, "upstream", 500],
        [3, "downstream", 20],
        [10, "both", 200],
      ] as [number, Direction, number][]) {
        const live = getLineage(db, { nodeId, depth, direction, limit });
        const asOf = getLineage(db, { nodeId, depth, direction, limit, asOfSeq: head });
        expect(live).toEqual(asOf);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("describes every node as the all-tables query does", () => {
    const reference = new Map(
      (db.prepare(REFERENCE_DESCRIBE).all() as { key: string; kind: string | null; version: string | null; state: string | null; versionFailed: number; isSynthetic: number; time: string | null }[]).map(
        (r) => [r.key, r],
      ),
    );
    const described = describeNodes(db, keys);
    expect(described).toHaveLength(keys.length);
    for (const node of described) {
      const r = reference.get(node.id)!;
      const isRunLike = node.type === "run" || node.type === "job";
      expect({ kind: node.kind, version: node.version, state: node.state, isFailed: node.isFailed, isSynthetic: node.isSynthetic, time: node.time }).toEqual({
        kind: r.kind,
        version: node.type === "run" ? null : r.version,
        state: isRunLike ? r.state : null,
        isFailed: isRunLike ? r.state === "FAILED" : r.versionFailed === 1,
        isSynthetic: r.isSynthetic === 1,
        time: r.time,
      });
    }
  });

  it("lists a neighbourhood's edges ordered by source then target text, as before", () => {
    const hub = foci()[0]!;
    const graph = getLineage(db, { nodeId: hub, depth: 2, direction: "both", limit: 500 });
    const order = graph.edges.map((e) => e.source + e.target);
    expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : 1)));
    expect(graph.edges.length).toBeGreaterThan(20);
  });
});
