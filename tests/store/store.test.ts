// The store's own contract, the same on every backend: portable SQL in, the same plain rows out.
import { describe, expect, it } from "vitest";

import { containsPattern, numberPlaceholders } from "@/lib/server/store/dialect";
import { BACKENDS, testStoreFor } from "@/tests/support/stores";

describe("numberPlaceholders", () => {
  it("numbers ? in order and leaves ? inside quotes alone", () => {
    expect(numberPlaceholders(`SELECT '?' AS q, "a?" FROM t WHERE a = ? AND b = ?`)).toBe(`SELECT '?' AS q, "a?" FROM t WHERE a = $1 AND b = $2`);
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
});
