import { spawnSync } from "node:child_process";
import { storeOver } from "@/lib/server/db";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/server/ingest";
import { createTestDatabase, runEvent } from "../support/db";

/**
 * The recovery commands as an operator runs them: `npm run verify` names what is wrong and exits 1,
 * `npm run rebuild` re-derives a damaged projection from the log, after which verify passes again.
 */

const root = path.resolve(__dirname, "../..");
const id = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
let store: ReturnType<typeof createTestDatabase>;

function run(script: "verify" | "rebuild", args: string[] = []) {
  return spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", `scripts/${script}.ts`, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${store.file}` },
    encoding: "utf8",
  });
}

beforeAll(async () => {
  store = createTestDatabase();
  const events = [];
  for (let n = 0; n < 40; n++) {
    events.push(
      runEvent({
        runId: id(n),
        eventType: n % 5 === 4 ? "FAIL" : "COMPLETE",
        job: `step-${n % 4}`,
        inputs: n > 0 ? [{ namespace: "recovery", name: `data-${n - 1}` }] : [],
        outputs: [{ namespace: "recovery", name: `data-${n}` }],
      }),
    );
  }
  await ingestEvents(storeOver(store.db), events, { sender: "test" });
});

afterAll(() => store.cleanup());

describe("npm run verify", () => {
  it("exits 0 on a sound store and says so", async () => {
    const result = run("verify");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Hash chain intact: 40 events, head #40 [0-9a-f]{64}/);
    expect(result.stdout).toContain("Projection matches a replay of the log.");
  }, 60_000);

  it("prints one JSON object with --json", async () => {
    const result = run("verify", ["--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, chain: { ok: true, checked: 40 }, projection: { ok: true } });
  }, 60_000);

  it("records a --full pass as asked for from the command line, as every server's /audit then names it", async () => {
    const result = run("verify", ["--full", "--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, fullCheck: { requestedBy: "cli" } });
  }, 60_000);
});

describe("npm run rebuild after the projection was damaged", () => {
  it("verify names the damaged table and row and exits 1; rebuild repairs it from the log; verify passes again", async () => {
    store.db.prepare("UPDATE Run SET state = 'RUNNING' WHERE runId = ?").run(id(7));
    // Edge has no rowid (its primary key is the table): three edges by their key.
    store.db.prepare("DELETE FROM Edge WHERE (sourceId, targetId) IN (SELECT sourceId, targetId FROM Edge ORDER BY sourceId, targetId LIMIT 3)").run();
    const broken = run("verify");
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain("Hash chain intact");
    expect(broken.stdout).toMatch(/Projection differs from the log: (Edge|Run) /);

    const rebuilt = run("rebuild");
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stdout).toMatch(/Rebuilt the projection from 40 events in \d+ ms\./);
    expect(run("verify").status).toBe(0);
    expect(store.db.prepare("SELECT state FROM Run WHERE runId = ?").pluck().get(id(7))).not.toBe("RUNNING");
  }, 120_000);
});

describe("npm run verify on a tampered log", () => {
  it("exits 1 and names the first broken event; rebuild cannot hide it", async () => {
    store.db.prepare("UPDATE Event SET payload = replace(payload, 'data-12\"', 'data-XX\"') WHERE seq = 13").run();
    const result = run("verify");
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/Hash chain BROKEN at event #13: its content does not match its content hash/);
    run("rebuild");
    expect(run("verify").status).toBe(1);
  }, 120_000);
});
