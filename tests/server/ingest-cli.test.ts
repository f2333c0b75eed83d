import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, runEvent } from "../support/db";

/** The ingest command as a user runs it: real files, a real database file, its exit code. */

const root = path.resolve(__dirname, "../..");
let dir: string;
let dbFile: string;
let cleanup: () => void;

function ingest(args: string[], input?: string) {
  return spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/ingest.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
    input,
    encoding: "utf8",
  });
}

beforeAll(async () => {
  const store = createTestDatabase();
  store.db.close();
  dbFile = store.file;
  cleanup = store.cleanup;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-ingest-"));
  fs.mkdirSync(path.join(dir, "nested"));
  const id = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
  fs.writeFileSync(path.join(dir, "one.json"), JSON.stringify(runEvent({ runId: id(1) })));
  fs.writeFileSync(path.join(dir, "nested", "many.json"), JSON.stringify([runEvent({ runId: id(2) }), runEvent({ runId: id(3) })], null, 2));
  fs.writeFileSync(
    path.join(dir, "nested", "stream.ndjson"),
    [JSON.stringify(runEvent({ runId: id(4) })), JSON.stringify({ ...runEvent({ runId: "not-a-uuid" }) }), "{broken"].join("\n"),
  );
});

afterAll(() => {
  cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run ingest", () => {
  it("loads a folder recursively, reports rejects by file:line and exits non-zero", async () => {
    const result = ingest([dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("6 events read: 4 accepted, 0 duplicates, 2 rejected");
    expect(result.stdout).toMatch(/stream\.ndjson:2: run\.runId/);
    expect(result.stdout).toMatch(/stream\.ndjson:3: not valid JSON/);
  });

  it("counts a second load of the same files as duplicates and stores nothing twice", async () => {
    const result = ingest([path.join(dir, "one.json"), path.join(dir, "nested", "many.json")]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("3 events read: 0 accepted, 3 duplicates, 0 rejected");
    // How long the load took and its rate, for anyone planning a backfill.
    expect(result.stdout).toMatch(/^in \d+\.\d s: \d+ events\/s \(reading and parsing the input \d+\.\d s\)$/m);
  });

  it("reads NDJSON from stdin", async () => {
    const event = runEvent({ runId: "0190a1b2-0000-7000-8000-000000000099" });
    const result = ingest(["-"], `${JSON.stringify(event)}\n`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("1 events read: 1 accepted");
  });
});

