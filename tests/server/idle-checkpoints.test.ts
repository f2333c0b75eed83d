// The server connection's checkpoint policy (lib/server/store/idle-checkpoints.ts) on a real SQLite
// file: commits leave their pages in the WAL, the database file receives them once the writer has
// been idle, and under writes that never pause the WAL is still folded back at its bound. What a
// checkpoint did is read from the database file itself: only a checkpoint writes to it in WAL mode.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

import { checkpointWhenIdle, openSqlite, storeOver, type Sqlite } from "@/lib/server/db";

const PAGE = 4096;
const open: { db: Sqlite; dir: string }[] = [];

afterEach(() => {
  for (const { db, dir } of open.splice(0)) {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh SQLite file with one table to write pages into, closed and removed after the test. */
function scratchStore(): { file: string; db: Sqlite } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-checkpoints-"));
  const file = path.join(dir, "store.db");
  const db = openSqlite(file);
  open.push({ db, dir });
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
  return { file, db };
}

/** Writes `pages` pages of new rows in one transaction through the store (as the write path does). */
async function writePages(db: Sqlite, pages: number): Promise<void> {
  await storeOver(db).transaction(async (tx) => {
    for (let i = 0; i < pages; i++) await tx.run("INSERT INTO t (body) VALUES (randomblob(3900))");
  });
}

const fileBytes = (file: string) => fs.statSync(file).size;
const walBytes = (file: string) => fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("idle checkpoints", () => {
  it("leaves commits in the WAL past SQLite's default threshold, and folds them back once the writer is idle", async () => {
    const { file, db } = scratchStore();
    db.pragma("wal_checkpoint(TRUNCATE)");
    let idleCalls = 0;
    const checkpointer = checkpointWhenIdle(db, { idleMs: 150, maxWalPages: 10_000 }, () => idleCalls++);
    const before = fileBytes(file);

    // 30 commits of 50 pages: 1,500 pages, past SQLite's default of 1,000.
    for (let i = 0; i < 30; i++) await writePages(db, 50);
    expect(fileBytes(file), "no commit ran a checkpoint: the database file is untouched").toBe(before);
    expect(walBytes(file)).toBeGreaterThan(1_500 * PAGE);
    expect(checkpointer.stats.checkpoints).toBe(0);
    expect(idleCalls, "the work waiting for an idle writer (the heap's release) waits too").toBe(0);

    await sleep(600);
    expect(checkpointer.stats.checkpoints, "one checkpoint, after the burst").toBe(1);
    expect(idleCalls).toBe(1);
    expect(checkpointer.stats.lastWalPages).toBeGreaterThan(1_500);
    expect(fileBytes(file), "the rows reached the database file").toBeGreaterThan(before + 1_400 * PAGE);
  });

  it("pushes the checkpoint back while commits keep coming", async () => {
    const { db } = scratchStore();
    // Wide margins: a loaded machine may stretch each 20 ms pause several times over.
    const checkpointer = checkpointWhenIdle(db, { idleMs: 500, maxWalPages: 10_000 });
    // A commit every 20 ms for 10 commits: never idle for 500 ms.
    for (let i = 0; i < 10; i++) {
      await writePages(db, 2);
      await sleep(20);
    }
    expect(checkpointer.stats.checkpoints).toBe(0);
    await sleep(1_500);
    expect(checkpointer.stats.checkpoints).toBe(1);
  });

  it("bounds the WAL under writes that never pause: the commit that reaches the bound checkpoints", async () => {
    const { file, db } = scratchStore();
    db.pragma("wal_checkpoint(TRUNCATE)");
    const before = fileBytes(file);
    checkpointWhenIdle(db, { idleMs: 60_000, maxWalPages: 200 });
    // 2,000 pages in commits of 50, with no idle moment: the WAL would hold all of them unbounded.
    for (let i = 0; i < 40; i++) await writePages(db, 50);
    expect(walBytes(file), "the WAL is reused from its start after each checkpoint at the bound").toBeLessThan(400 * PAGE);
    expect(fileBytes(file)).toBeGreaterThan(before + 1_500 * PAGE);
  });
});
