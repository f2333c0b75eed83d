// The write path's many-rows statements (lib/server/store/rows.ts) on every backend: inserts as
// multi-row VALUES on both; updates FROM multi-row VALUES on SQLite and from a table's rows as one
// JSON parameter on PostgreSQL (Dialect.rowsOf). A value
// must come back exactly as written, whatever it holds, and a batch that fails part-way must leave
// nothing behind.
import { describe, expect, it } from "vitest";

import { getLogHead } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { projectionSnapshot, replayLog, verifyProjection } from "@/lib/server/rebuild";
import { addToRows, insertRows, insertRowsReturning, jsonRows, updateRows, updateRowsKeepingNulls } from "@/lib/server/store/rows";
import type { Queryable, SqlValue, Store } from "@/lib/server/store/types";
import { runEvent } from "../support/db";
import { BACKENDS, testStoreFor } from "../support/stores";

/** Strings a JSON, CSV or SQL escape could get wrong. */
const AWKWARD = [
  `quote " and 'apostrophe'`,
  "back\\slash \\\" and \\u0041 taken literally",
  "new\nline, tab\t, carriage\rreturn",
  "unicode é 漢字 😀 \u2028",
  `{"looks": ["like", "json"], "n": 1}`,
  "NULL",
  "",
  "(1,2)",
  "{a,b}",
  "123",
];

const NODE_COLUMNS = ["id", "key", "type", "namespace", "name", "seq"];

describe("jsonRows", () => {
  it("writes each row as an object of the columns, nulls as null and a bigint as its digits", () => {
    expect(jsonRows(["a", "b"], [[1, null], ["x\"y", BigInt("9007199254740993")]])).toBe(`[{"a":1,"b":null},{"a":"x\\"y","b":"9007199254740993"}]`);
    expect(JSON.parse(jsonRows(["k"], [["a"], ["b"], ["c"]], 1, 2))).toEqual([{ k: "b" }]);
  });

  it("reads back as the rows it was given, every awkward text, a lone surrogate, undefined as null, for one row and a thousand", () => {
    const columns = ["n", "text", "none", "big"];
    const rowsOf = (count: number): SqlValue[][] =>
      Array.from({ length: count }, (_, i) => [i === 0 ? -0.5 : i, i === 1 ? "lone \ud800 surrogate" : AWKWARD[i % AWKWARD.length]!, i % 3 === 0 ? null : (undefined as unknown as SqlValue), BigInt(i) * BigInt("1000000000000")]);
    for (const rows of [rowsOf(1), rowsOf(1_000)]) {
      const objects = JSON.parse(jsonRows(columns, rows)) as Record<string, unknown>[];
      expect(objects).toEqual(rows.map(([n, text, , big]) => ({ n, text, none: null, big: String(big) })));
      // Every row's keys in the columns' order, as json_populate_recordset reads them by name anyway.
      expect(objects.every((o) => Object.keys(o).join() === columns.join())).toBe(true);
    }
    expect(jsonRows(columns, rowsOf(3), 3, 3)).toBe("[]");
  });
});

describe.each(BACKENDS)("many rows to a statement on %s", (backend) => {
  const t = testStoreFor(backend);

  it("writes awkward text, nulls, numbers, a bigint and booleans as they are, every row in order past the statement's size", async () => {
    // 5,003 rows: more than one JSON statement's (5,000) and many multi-row VALUES statements.
    const rows: SqlValue[][] = Array.from({ length: 5_003 }, (_, i) => [
      i + 1,
      i < AWKWARD.length ? `awkward:${AWKWARD[i]}` : `node:${i}`,
      "dataset",
      i % 2 === 0 ? AWKWARD[i % AWKWARD.length]! : "ns",
      AWKWARD[(i + 3) % AWKWARD.length]!,
      i === 4 ? BigInt(2_000_000_000) : i + 10,
    ]);
    await t.store.transaction((tx) => insertRows(tx, "Node", NODE_COLUMNS, rows));
    const stored = await t.store.all<Record<string, SqlValue>>(`SELECT id, key, type, namespace, name, seq FROM "Node" ORDER BY id`);
    expect(stored).toEqual(rows.map((r) => Object.fromEntries(NODE_COLUMNS.map((c, j) => [c, typeof r[j] === "bigint" ? Number(r[j]) : r[j]]))));

    const version = (key: string, isFailed: number, reason: string | null): SqlValue[] => [
      isFailed + 1, key, "dataset:d", key, null, reason, null, 1 - isFailed, isFailed, "[]", "{}", "2026-12-07T00:00:00.000Z", "2026-12-07T00:00:00.000Z",
    ];
    const columns = ["nodeId", "key", "datasetKey", "version", "producedByRunId", "reason", "contentHash", "isSynthetic", "isFailed", "failureReasons", "facets", "createdAt", "updatedAt"];
    await t.store.transaction((tx) => insertRows(tx, "DatasetVersion", columns, [version("v1", 1, AWKWARD[1]!), version("v2", 0, null)]));
    expect(
      await t.store.all(`SELECT key, reason, CASE WHEN "isFailed" THEN 1 ELSE 0 END AS failed, CASE WHEN "isSynthetic" THEN 1 ELSE 0 END AS synthetic FROM "DatasetVersion" ORDER BY key`),
    ).toEqual([
      { key: "v1", reason: AWKWARD[1], failed: 1, synthetic: 0 },
      { key: "v2", reason: null, failed: 0, synthetic: 1 },
    ]);
  });

  it("skips rows a conflict clause skips, also a row repeated within one statement, and updates only the rows its keys name", async () => {
    await t.store.transaction((tx) => insertRows(tx, "EventNode", ["seq", "nodeId"], [[1, 1], [1, 2], [1, 1], [2, 1]], "ON CONFLICT DO NOTHING"));
    const added = await t.store.transaction((tx) => insertRowsReturning<{ seq: number; nodeId: number }>(tx, "EventNode", ["seq", "nodeId"], [[2, 1], [3, 1], [3, 1]], `ON CONFLICT DO NOTHING RETURNING seq, "nodeId"`));
    expect(added).toEqual([{ seq: 3, nodeId: 1 }]);
    await t.store.run(`DELETE FROM "EventNode" WHERE seq = 3`);
    expect(await t.store.all(`SELECT seq, "nodeId" FROM "EventNode" ORDER BY seq, "nodeId"`)).toEqual([
      { seq: 1, nodeId: 1 },
      { seq: 1, nodeId: 2 },
      { seq: 2, nodeId: 1 },
    ]);

    await t.store.transaction((tx) => updateRows(tx, "Node", "key", ["name", "namespace"], [[`awkward:${AWKWARD[2]}`, "renamed \"twice\"", AWKWARD[3]!], ["node:20", AWKWARD[0]!, "ns2"]]));
    const named = await t.store.all<{ key: string; name: string; namespace: string }>(`SELECT key, name, namespace FROM "Node" WHERE id IN (3, 21, 22) ORDER BY id`);
    expect(named).toEqual([
      { key: `awkward:${AWKWARD[2]}`, name: "renamed \"twice\"", namespace: AWKWARD[3] },
      { key: "node:20", name: AWKWARD[0], namespace: "ns2" },
      { key: "node:21", name: AWKWARD[(21 + 3) % AWKWARD.length], namespace: "ns" },
    ]);

    // A null keeps the stored value: rows setting different columns in one statement.
    await t.store.transaction((tx) => updateRowsKeepingNulls(tx, "Node", "key", ["name", "namespace"], [["node:20", null, "ns3"], ["node:21", "only the name", null], ["node:22", null, null]]));
    expect(await t.store.all(`SELECT key, name, namespace FROM "Node" WHERE id IN (21, 22, 23) ORDER BY id`)).toEqual([
      { key: "node:20", name: AWKWARD[0], namespace: "ns3" },
      { key: "node:21", name: "only the name", namespace: "ns" },
      { key: "node:22", name: AWKWARD[(22 + 3) % AWKWARD.length], namespace: AWKWARD[22 % AWKWARD.length] },
    ]);

    await t.store.transaction((tx) => addToRows(tx, "Node", "id", ["upstreamCount", "downstreamCount"], [[21, 2, 0], [22, 1, 5]]));
    await t.store.transaction((tx) => addToRows(tx, "Node", "id", ["upstreamCount", "downstreamCount"], [[21, 1, 1]]));
    expect(await t.store.all(`SELECT id, "upstreamCount" AS up, "downstreamCount" AS down FROM "Node" WHERE id BETWEEN 20 AND 23 ORDER BY id`)).toEqual([
      { id: 20, up: 0, down: 0 },
      { id: 21, up: 3, down: 1 },
      { id: 22, up: 1, down: 5 },
      { id: 23, up: 0, down: 0 },
    ]);
  });
});

describe.each(BACKENDS)("a batch whose write fails part-way on %s", (backend) => {
  const t = testStoreFor(backend);
  const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
  const events = Array.from({ length: 30 }, (_, i) =>
    runEvent({
      runId: RUN(i),
      job: `job-${i % 4}`,
      time: `2026-11-01T10:${String(i).padStart(2, "0")}:00Z`,
      inputs: [{ namespace: "s3://raw", name: `raw-${i % 5}` }],
      outputs: [{ namespace: "s3://out", name: `out-${i}` }],
    }),
  );

  /** The store with one statement that fails: the first whose text includes `table`'s insert. */
  function failingOn(store: Store, table: string): Store {
    const fails = (sql: string) => sql.includes(`INSERT INTO "${table}"`);
    const lost = () => Promise.reject(new Error(`lost the connection writing ${table}`));
    const failing = (tx: Queryable): Queryable => ({
      dialect: tx.dialect,
      all: (sql, params) => (fails(sql) ? lost() : tx.all(sql, params)),
      values: (sql, params) => (fails(sql) ? lost() : tx.values(sql, params)),
      get: (sql, params) => (fails(sql) ? lost() : tx.get(sql, params)),
      run: (sql, params) => (fails(sql) ? lost() : tx.run(sql, params)),
    });
    return { ...store, transaction: (work) => store.transaction((tx) => work(failing(tx))) };
  }

  it("leaves nothing of the batch when its log rows or any projection table's rows fail, and the batch sent again stores it all", async () => {
    const seed = await ingestEvents(t.store, events.slice(0, 5), { sender: "test" });
    expect(seed.map((o) => o.status)).toEqual(seed.map(() => "created"));
    const head = await getLogHead(t.store);
    const before = await projectionSnapshot(t.store);
    for (const table of ["Event", "Node", "Run", "DatasetVersion", "Edge", "EventNode", "RunDataset"]) {
      await expect(ingestEvents(failingOn(t.store, table), events, { sender: "test" })).rejects.toThrow(`writing ${table}`);
      expect(await getLogHead(t.store)).toEqual(head);
      expect(await projectionSnapshot(t.store)).toEqual(before);
    }
    const outcomes = await ingestEvents(t.store, events, { sender: "test" });
    expect(outcomes.map((o) => o.status)).toEqual([...events.slice(0, 5).map(() => "duplicate"), ...events.slice(5).map(() => "created")]);
    expect((await getLogHead(t.store))!.seq).toBe(30);
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
    const live = await projectionSnapshot(t.store);
    await replayLog(t.store);
    expect(await projectionSnapshot(t.store)).toEqual(live);
  });
});

describe("many rows to a statement, as SQLite plans them", () => {
  const t = testStoreFor("sqlite");

  it("adds to a full statement's rows by looking each one up by its key, never by scanning the table", async () => {
    // The statements addToRows sends, planned by the store they run on (no ANALYZE statistics, as
    // a store has after a build or an import): a scan of Node would read every node per batch.
    const sent: { sql: string; params: readonly SqlValue[] }[] = [];
    const plans: string[] = [];
    const rows = Array.from({ length: 300 }, (_, i) => [i + 1, 1, 2]);
    await t.store.transaction(async (tx) => {
      const recording: Queryable = { dialect: tx.dialect, all: (sql, params) => tx.all(sql, params), values: (sql, params) => tx.values(sql, params), get: (sql, params) => tx.get(sql, params), run: (sql, params = []) => (sent.push({ sql, params }), tx.run(sql, params)) };
      await addToRows(recording, "Node", "id", ["upstreamCount", "downstreamCount"], rows);
      for (const { sql, params } of sent) plans.push(...(await tx.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail));
    });
    expect(sent.map((s) => s.params.length / 3)).toEqual([256, 32, 8, 4]);
    expect(plans.filter((p) => /^SCAN "?Node"?/.test(p))).toEqual([]);
    expect(plans.filter((p) => /^SEARCH "?Node"? USING INTEGER PRIMARY KEY/.test(p))).toHaveLength(sent.length);
  });
});
