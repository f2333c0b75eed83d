import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupStore, findProcessesUsing, inspectStore, restoreStore, RestoreRefused } from "@/lib/server/backup";
import { openSqlite, storeOver } from "@/lib/server/db";
import { verifyChain } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { verifyProjection } from "@/lib/server/rebuild";
import { createTestDatabase, runEvent } from "../support/db";

/**
 * Backup and restore of the SQLite store (npm run backup / restore): an online backup taken while
 * another process keeps writing is a consistent snapshot whose chain and projection verify, and a
 * restore checks before it overwrites anything.
 */

const root = path.resolve(__dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const id = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;

let dir: string;
let live: string;
let cleanupLive: () => void;

function run(script: string, args: string[], dbFile: string) {
  return spawnSync(tsx, ["--conditions=react-server", script, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
    encoding: "utf8",
  });
}

function eventCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM Event").pluck().get() as number;
  } finally {
    db.close();
  }
}

function writeEvents(file: string, from: number, count: number) {
  const events = [];
  for (let n = from; n < from + count; n++) {
    events.push(runEvent({ runId: id(n), job: `job-${n % 7}`, inputs: [{ namespace: "bk", name: `in-${n % 5}` }], outputs: [{ namespace: "bk", name: `out-${n}` }] }));
  }
  fs.writeFileSync(file, events.map((e) => JSON.stringify(e)).join("\n"));
}

/** A process that keeps `file` open, as a running server does. */
function holdOpen(file: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", `const D=require("better-sqlite3");const d=new D(${JSON.stringify(file)});d.prepare("SELECT 1").get();console.log("open");setInterval(()=>{},1000)`], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve) => child.stdout!.once("data", () => resolve(child)));
}

beforeAll(async () => {
  const store = createTestDatabase();
  live = store.file;
  cleanupLive = () => {
    store.db.close();
    fs.rmSync(path.dirname(store.file), { recursive: true, force: true });
  };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-backup-"));
  const db = store.db;
  const first = [];
  for (let n = 0; n < 500; n++) first.push(runEvent({ runId: id(n), outputs: [{ namespace: "bk", name: `seed-${n}` }] }));
  await ingestEvents(storeOver(db), first, { sender: "test" });
});

afterAll(() => {
  cleanupLive();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("backupStore", () => {
  it("takes a consistent snapshot while another process is writing, and the snapshot restores and verifies", async () => {
    const feed = path.join(dir, "feed.ndjson");
    writeEvents(feed, 10_000, 4000);
    const before = eventCount(live);
    // The ingest CLI writes 4 transactions of 1,000 events from its own process.
    const writer = spawn(tsx, ["--conditions=react-server", "scripts/ingest.ts", feed], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `file:${live}` },
      stdio: "ignore",
    });
    const writerDone = new Promise<number | null>((resolve) => writer.on("close", resolve));
    const deadline = Date.now() + 60_000;
    while (eventCount(live) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const during = eventCount(live);
    expect(during).toBeGreaterThan(before);
    // Caught between the writer's first and last commit: the backup runs while it writes.
    expect(during).toBeLessThan(before + 4000);

    const backup = path.join(dir, "during.db");
    const report = await backupStore(live, backup);
    const after = await writerDone;
    expect(after).toBe(0);

    // A snapshot of one moment: some of the writer's events, whole transactions, a sound chain.
    expect(report.integrity).toBe("ok");
    expect(report.chain.ok).toBe(true);
    expect(report.events).toBeGreaterThanOrEqual(during);
    expect(fs.existsSync(`${backup}-wal`)).toBe(false);

    const restored = path.join(dir, "restored.db");
    const result = await restoreStore(backup, restored);
    expect(result.events).toBe(report.events);
    expect(result.chain.head).toEqual(report.chain.head);
    const db = openSqlite(restored);
    try {
      expect((await verifyChain(storeOver(db))).ok).toBe(true);
      expect((await verifyProjection(storeOver(db)))).toEqual({ ok: true });
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  }, 120_000);

  it("refuses to overwrite an existing file", async () => {
    const target = path.join(dir, "exists.db");
    fs.writeFileSync(target, "keep me");
    await expect(backupStore(live, target)).rejects.toThrow(/exists already/);
    expect(fs.readFileSync(target, "utf8")).toBe("keep me");
  });
});

describe("restoreStore", () => {
  let backup: string;

  beforeAll(async () => {
    backup = path.join(dir, "base.db");
    await backupStore(live, backup);
  });

  it("refuses a backup whose hash chain is broken, naming the record", async () => {
    const tampered = path.join(dir, "tampered.db");
    fs.copyFileSync(backup, tampered);
    const db = new Database(tampered);
    db.prepare("UPDATE Event SET payload = replace(payload, 'seed-7\"', 'seed-X\"') WHERE seq = 8").run();
    db.close();
    const target = path.join(dir, "from-tampered.db");
    await expect(restoreStore(tampered, target)).rejects.toThrow(/hash chain broken at event #8/);
    expect(fs.existsSync(target)).toBe(false);
  }, 60_000);

  it("refuses to replace a store that holds events unless forced", async () => {
    const target = path.join(dir, "occupied.db");
    await restoreStore(backup, target);
    await expect(restoreStore(backup, target)).rejects.toThrow(RestoreRefused);
    await expect(restoreStore(backup, target)).rejects.toThrow(/holds \d+ events\. Pass --force/);
    await expect(restoreStore(backup, target, { force: true })).resolves.toMatchObject({ integrity: "ok" });
  }, 60_000);

  it("refuses a store a running process has open, names the process, and restores underneath it with --force", async () => {
    const target = path.join(dir, "in-use.db");
    const small = createTestDatabase();
    await ingestEvents(storeOver(small.db), [runEvent({ runId: id(99_999) })], { sender: "test" });
    small.db.close();
    fs.copyFileSync(small.file, target);
    fs.rmSync(path.dirname(small.file), { recursive: true, force: true });

    const holder = await holdOpen(target);
    try {
      expect(findProcessesUsing(target)).toContain(holder.pid);
      await expect(restoreStore(backup, target)).rejects.toThrow(new RegExp(`open in process ${holder.pid}`));
      const result = await restoreStore(backup, target, { force: true });
      expect(result.events).toBe((await inspectStore(backup)).events);
    } finally {
      holder.kill("SIGKILL");
    }
  }, 120_000);
});

describe("npm run backup and npm run restore", () => {
  it("back up the store named by DATABASE_URL and restore it into a new file, which verifies", async () => {
    const backup = path.join(dir, "cli-backup.db");
    const made = run("scripts/backup.ts", [backup], live);
    expect(made.stderr).toBe("");
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/Backed up .* events, \d+ bytes, hash chain intact/);

    const restored = path.join(dir, "cli-restored.db");
    const back = run("scripts/restore.ts", [backup], restored);
    expect(back.status).toBe(0);
    expect(back.stdout).toMatch(/Restored .* hash chain intact/);
    expect(run("scripts/verify.ts", [], restored).status).toBe(0);

    const refused = run("scripts/restore.ts", [backup], restored);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/restore refused: .* Pass --force/);
  }, 120_000);
});
