// The store's own contract, the same on every backend: portable SQL in, the same plain rows out.
import { describe, expect, it } from "vitest";

import { containsPattern, numberPlaceholders } from "@/lib/server/store/dialect";
import { StatementNames } from "@/lib/server/store/postgres-store";
import { tuples } from "@/lib/server/store/rows";
import { BACKENDS, testStoreFor } from "@/tests/support/stores";

describe("numberPlaceholders", () => {
  it("numbers ? in order and leaves ? inside quotes alone", () => {
    expect(numberPlaceholders(`SELECT '?' AS q, "a?" FROM t WHERE a = ? AND b = ?`)).toBe(`SELECT '?' AS q, "a?" FROM t WHERE a = $1 AND b = $2`);
    // Remembered, and the same answer again.
    expect(numberPlaceholders(`SELECT '?' AS q, "a?" FROM t WHERE a = ? AND b = ?`)).toBe(`SELECT '?' AS q, "a?" FROM t WHERE a = $1 AND b = $2`);
    expect(numberPlaceholders(`SELECT ?, 'it''s ?', ?`)).toBe(`SELECT $1, 'it''s ?', $2`);
    expect(numberPlaceholders("SELECT 1")).toBe("SELECT 1");
  });

  it("answers right past what it remembers (texts of megabytes)", () => {
    const big = (n: number) => `INSERT INTO t VALUES ${new Array(n).fill("(?)").join(", ")} -- ${n}`;
    for (const n of [400_000, 300_000, 400_000]) {
      const numbered = numberPlaceholders(big(n));
      expect(numbered.startsWith("INSERT INTO t VALUES ($1), ($2)")).toBe(true);
      expect(numbered.endsWith(`($${n}) -- ${n}`)).toBe(true);
    }
  });
});

describe("a batch's multi-row inserts on PostgreSQL", () => {
  it("are short enough to be prepared, up to 256 rows of the widest table a batch writes (Run, 17 columns)", () => {
    const run = ["nodeId", "runId", "jobKey", "createdAt", "state", "startedAt", "endedAt", "nominalTime", "parentRunId", "errorMessage", "stackTrace", "parameters", "failedChecks", "reason", "facets", "jobFacets", "updatedAt"];
    const text = numberPlaceholders(`INSERT INTO "Run" (${run.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples(256, run.length)} `);
    const names = new StatementNames();
    expect(names.nameOf(text)).toBeUndefined();
    expect(names.nameOf(text)).toMatch(/^threadline_/);
  });

  it("numbers a ? at either end and next to another, and keeps every other character as it is", () => {
    expect(numberPlaceholders("?")).toBe("$1");
    expect(numberPlaceholders("??, ?")).toBe("$1$2, $3");
    expect(numberPlaceholders("SELECT 1")).toBe("SELECT 1");
    expect(numberPlaceholders(`SELECT 'é ? ☃' || ?, "𝔵?" FROM "t" WHERE "a" IN (?) AND b = '''`)).toBe(`SELECT 'é ? ☃' || $1, "𝔵?" FROM "t" WHERE "a" IN ($2) AND b = '''`);
  });
});

describe("StatementNames", () => {
  it("names a text the second time it is sent, the same name every time after, and different texts differently", () => {
    const names = new StatementNames();
    expect(names.nameOf("SELECT 1")).toBeUndefined();
    const name = names.nameOf("SELECT 1");
    expect(name).toMatch(/^threadline_/);
    expect(names.nameOf("SELECT 1")).toBe(name);
    names.nameOf("SELECT 2");
    expect(names.nameOf("SELECT 2")).not.toBe(name);
  });

  it("keeps to its capacity, never names a bulk text, and sends a refused text unnamed", () => {
    const names = new StatementNames(2);
    for (const text of ["a", "b", "c"]) names.nameOf(text), names.nameOf(text);
    expect(names.size).toBe(2);
    expect(names.nameOf("c")).toBeUndefined();
    const bulk = `INSERT INTO t VALUES ${new Array(10_000).fill("(?, ?)").join(", ")}`;
    const wide = new StatementNames();
    wide.nameOf(bulk);
    expect(wide.nameOf(bulk)).toBeUndefined();
    names.refuse("a");
    expect(names.nameOf("a")).toBeUndefined();
  });
});

describe("containsPattern", () => {
  it("takes %, _ and \\ literally", () => {
    expect(containsPattern("50%_a\\b")).toBe("%50\\%\\_a\\\\b%");
  });
});

describe.each(BACKENDS)("store on %s", (backend) => {
  const t = testStoreFor(backend);

  const insertKey = (name: string) =>
    t.store.get<{ id: number }>(
      `INSERT INTO "ApiKey" ("name", "keyHash", "prefix", "createdAt", "createdBy") VALUES (?, ?, ?, ?, ?) RETURNING "id"`,
      [name, `hash-${name}`, "tlk_", "2026-12-06T00:00:00.000Z", "test"],
    );

  it("returns generated ids with RETURNING and counts as numbers", async () => {
    const first = await insertKey("first");
    const second = await insertKey("second");
    expect(typeof first?.id).toBe("number");
    expect(second!.id).toBe(first!.id + 1);
    expect(await t.store.get(`SELECT COUNT(*) AS "n" FROM "ApiKey"`)).toEqual({ n: 2 });
  });

  it("commits a transaction's writes together and rolls all of them back when it throws", async () => {
    await t.store.transaction(async (tx) => {
      await tx.run(`UPDATE "ApiKey" SET "revokedBy" = ? WHERE "name" = ?`, ["alice", "first"]);
      await tx.run(`UPDATE "ApiKey" SET "revokedBy" = ? WHERE "name" = ?`, ["alice", "second"]);
    });
    const failing = t.store.transaction(async (tx) => {
      await tx.run(`UPDATE "ApiKey" SET "revokedBy" = ? WHERE "name" = ?`, ["mallory", "first"]);
      throw new Error("abandoned");
    });
    await expect(failing).rejects.toThrow("abandoned");

    const rows = await t.store.all<{ name: string; revokedBy: string }>(`SELECT "name", "revokedBy" FROM "ApiKey" ORDER BY "name"`);
    expect(rows).toEqual([
      { name: "first", revokedBy: "alice" },
      { name: "second", revokedBy: "alice" },
    ]);
  });

  it("gives rows as arrays of the values `all` names, in the order selected, and keeps `all` giving objects for the same text", async () => {
    const sql = `SELECT "id", "name", "revokedBy", "lastUsedAt", COUNT(*) OVER () AS "n", "revokedBy" IS NULL AS "isLive" FROM "ApiKey" ORDER BY "name"`;
    const objects = await t.store.all<Record<string, unknown>>(sql);
    const arrays = await t.store.values(sql);
    expect(objects).toHaveLength(2);
    expect(arrays).toEqual(objects.map((o) => Object.values(o)));
    expect(arrays[0]).toEqual([expect.any(Number), "first", "alice", null, 2, backend === "sqlite" ? 0 : false]);
    // The same text read as objects after it was read as arrays (SQLite keeps a statement of each mode).
    expect(await t.store.all(sql)).toEqual(objects);
  });

  it("reports how many rows a statement changed", async () => {
    expect(await t.store.run(`UPDATE "ApiKey" SET "lastUsedAt" = ? WHERE "name" LIKE ?`, ["2026-12-06T01:00:00.000Z", "%s%"])).toEqual({ changes: 2 });
  });

  it("matches case-insensitively with the dialect's LIKE, taking % and _ literally when escaped", async () => {
    await insertKey("Load_50%");
    await insertKey("load-500");
    const find = (text: string) =>
      t.store.all<{ name: string }>(
        `SELECT "name" FROM "ApiKey" WHERE "name" ${t.store.dialect.likeInsensitive} ? ESCAPE '\\' ORDER BY "name"`,
        [containsPattern(text)],
      );
    expect((await find("LOAD_")).map((r) => r.name)).toEqual(["Load_50%"]);
    expect((await find("50%")).map((r) => r.name)).toEqual(["Load_50%"]);
    expect((await find("load")).map((r) => r.name)).toEqual(["Load_50%", "load-500"]);
  });

  it("sorts text byte by byte, upper case before lower case", async () => {
    const rows = await t.store.all<{ name: string }>(`SELECT "name" FROM "ApiKey" WHERE "name" LIKE 'l%' OR "name" LIKE 'L%' ORDER BY "name"`);
    expect(rows.map((r) => r.name)).toEqual(["Load_50%", "load-500"]);
  });
  it("runs a bulk import's transactions to their commit, answers its result and passes its error on", async () => {
    const threshold = () => t.store.get<{ wal_autocheckpoint: number }>(`PRAGMA wal_autocheckpoint`);
    const during = await t.store.bulkImport(async () => {
      await t.store.transaction((tx) => tx.run(`UPDATE "ApiKey" SET "createdBy" = ? WHERE "name" = ?`, ["import", "first"]));
      await t.store.transaction((tx) => tx.run(`UPDATE "ApiKey" SET "createdBy" = ? WHERE "name" = ?`, ["import", "second"]));
      return backend === "sqlite" ? (await threshold())?.wal_autocheckpoint : null;
    });
    expect(await t.store.all(`SELECT "name" FROM "ApiKey" WHERE "createdBy" = 'import' ORDER BY "name"`)).toEqual([{ name: "first" }, { name: "second" }]);
    await expect(t.store.bulkImport(async () => Promise.reject(new Error("bad file")))).rejects.toThrow("bad file");
    if (backend === "sqlite") {
      // Checkpoints wait during the import, and the connection is back to SQLite's default after it.
      expect(during).toBeGreaterThan(1000);
      expect((await threshold())?.wal_autocheckpoint).toBe(1000);
    }
  });

  it.runIf(backend === "postgresql")("parses a statement sent again and again once per connection", async () => {
    const text = `SELECT "name" FROM "ApiKey" WHERE "name" = ?`;
    const prepared = await t.store.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) expect(await tx.get(text, ["first"])).toEqual({ name: "first" });
      return tx.all<{ statement: string }>(`SELECT "statement" FROM pg_prepared_statements WHERE "name" LIKE 'threadline\_%'`);
    });
    expect(prepared.map((p) => p.statement)).toContain(numberPlaceholders(text));
  });

  it.runIf(backend === "postgresql")("never JIT-compiles a walk from a hub, whose planned cost passes the server's JIT thresholds", async () => {
    // A plan this costly (a cross join the planner cannot shrink) is compiled when JIT is on.
    const explain = `EXPLAIN (FORMAT JSON) SELECT COUNT(*) FROM generate_series(1, 3000) a, generate_series(1, 3000) b WHERE a + b = ?`;
    const plans = await Promise.all([1, 2, 3].map(() => t.store.get<{ "QUERY PLAN": unknown }>(explain, [7])));
    for (const plan of plans) expect(JSON.stringify(plan!["QUERY PLAN"])).not.toContain('"JIT"');
  });

  it("answers a statement sent again and again the same, and a scratch's copy of a table from the copy", async () => {
    const nodes = `SELECT COUNT(*) AS "n" FROM "Node" WHERE "type" = ?`;
    await t.store.run(`INSERT INTO "Node" ("key", "type", "namespace", "name", "seq") VALUES (?, ?, ?, ?, ?)`, ["dataset:ns:a", "dataset", "ns", "a", 1]);
    // Sent often enough, several at once, for every pooled connection to have it prepared.
    for (let round = 0; round < 6; round++) {
      expect(await Promise.all([1, 2, 3, 4].map(() => t.store.get(nodes, ["dataset"])))).toEqual(new Array(4).fill({ n: 1 }));
    }
    await t.store.snapshot(async (snapshot) => {
      const scratch = await snapshot.openScratch();
      try {
        // The scratch's empty Node table, not the store's, though the text is the same.
        expect(await scratch.get(nodes, ["dataset"])).toEqual({ n: 0 });
        await scratch.run(`INSERT INTO "Node" ("key", "type", "namespace", "name", "seq") VALUES (?, ?, ?, ?, ?)`, ["dataset:ns:b", "dataset", "ns", "b", 2]);
        await scratch.run(`INSERT INTO "Node" ("key", "type", "namespace", "name", "seq") VALUES (?, ?, ?, ?, ?)`, ["dataset:ns:c", "dataset", "ns", "c", 3]);
        expect(await scratch.get(nodes, ["dataset"])).toEqual({ n: 2 });
      } finally {
        await scratch.close();
      }
    });
    expect(await t.store.get(nodes, ["dataset"])).toEqual({ n: 1 });
    expect(await t.store.get(`SELECT "key" FROM "Node" WHERE "key" = ?`, ["dataset:ns:b"])).toBeUndefined();
  });
});
