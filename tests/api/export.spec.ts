import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { DEMO_PRODUCER, DEMO_STORY } from "../../lib/demo/drug-discovery";
import { getJson } from "./support/api";

/**
 * Exports over HTTP: PROV-JSON of the demo's failed batch, and the NDJSON events behind a view,
 * re-imported with `npm run ingest` into an empty store; both checked offline with
 * `npm run verify-export` against the key the server publishes.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-export-"));
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(path.join(root, "node_modules/.bin/tsx"), [...(script === "scripts/db-migrate.ts" ? [] : ["--conditions=react-server"]), script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

const tlv = (id: string) => `tlv:${id.slice("datasetVersion:".length)}`;
const tlr = (id: string) => `tlr:${id.slice("run:".length)}`;

test.describe("GET /api/v1/export/prov", () => {
  test("maps the failed batch's neighbourhood to PROV entities, activities, agents and relations", async ({ request }) => {
    const url = `/api/v1/export/prov?nodeId=${encodeURIComponent(DEMO_STORY.failedBatch)}&depth=2`;
    const { status, body } = await getJson<{
      prefix: Record<string, string>;
      entity: Record<string, Record<string, unknown>>;
      activity: Record<string, Record<string, unknown>>;
      agent: Record<string, Record<string, unknown>>;
      used: Record<string, Record<string, string>>;
      wasGeneratedBy: Record<string, Record<string, string>>;
      wasDerivedFrom: Record<string, Record<string, string>>;
      wasAssociatedWith: Record<string, Record<string, unknown>>;
      wasAttributedTo: Record<string, Record<string, string>>;
    }>(request, url);
    expect(status).toBe(200);
    expect(Object.keys(body.prefix)).toEqual(expect.arrayContaining(["tl", "tlv", "tlr", "tlj", "tlo", "tlp"]));
    const batch = tlv(DEMO_STORY.failedBatch);
    const v3 = tlv(DEMO_STORY.fineTunedModelVersions.v3);
    const generate = tlr(DEMO_STORY.failedBatchRun);
    expect(body.entity).toHaveProperty([batch]);
    expect(body.entity).toHaveProperty([v3]);
    expect(body.entity).toHaveProperty([tlv(DEMO_STORY.promptVersions.p2)]);
    expect(body.activity).toHaveProperty([generate]);
    expect(body.agent).toHaveProperty([`tlp:${DEMO_PRODUCER}`]);
    expect(Object.values(body.used)).toContainEqual(expect.objectContaining({ "prov:activity": generate, "prov:entity": v3 }));
    expect(Object.values(body.wasGeneratedBy)).toContainEqual(expect.objectContaining({ "prov:entity": batch, "prov:activity": generate }));
    expect(Object.values(body.wasDerivedFrom)).toContainEqual(expect.objectContaining({ "prov:generatedEntity": batch, "prov:usedEntity": v3 }));
    expect(Object.values(body.wasAssociatedWith)).toContainEqual(expect.objectContaining({ "prov:activity": generate, "prov:agent": `tlp:${DEMO_PRODUCER}` }));
    expect(Object.keys(body.wasAttributedTo).length).toBeGreaterThan(0);
  });

  test("verifies offline against the published key, and not once edited", async ({ request }) => {
    const prov = await request.get(`/api/v1/export/prov?nodeId=${encodeURIComponent(DEMO_STORY.failedBatch)}&depth=1&download=1`);
    expect(prov.headers()["content-disposition"]).toContain("attachment");
    const file = path.join(dir, "batch.prov.json");
    fs.writeFileSync(file, await prov.text());
    const keyFile = path.join(dir, "public-key.pem");
    fs.writeFileSync(keyFile, await (await request.get("/api/v1/audit/public-key")).text());

    const good = run("scripts/verify-export.ts", [file, "--public-key", keyFile]);
    expect(good.stdout).toContain("VERIFIED");
    expect(good.status).toBe(0);

    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"temperature=1.2"', '"temperature=0.7"'));
    const bad = run("scripts/verify-export.ts", [file, "--public-key", keyFile]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("does NOT match");
  });

  test("answers 404 for an unknown node and 400 without one", async ({ request }) => {
    expect((await request.get("/api/v1/export/prov?nodeId=datasetVersion:nowhere:x:1")).status()).toBe(404);
    expect((await request.get("/api/v1/export/prov")).status()).toBe(400);
  });
});

test.describe("GET /api/v1/export/events", () => {
  test("re-imports into an empty store with npm run ingest and gives the same graph", async ({ request }) => {
    test.setTimeout(120_000);
    const head = (await getJson<{ statement: { head: { seq: number } } }>(request, "/api/v1/audit/head")).body.statement.head.seq;
    const view = `nodeId=${encodeURIComponent(DEMO_STORY.fineTunedModelVersions.v3)}&depth=4&direction=both&asOf=${head}`;
    const graph = (await getJson<{ nodes: { id: string }[]; edges: { source: string; target: string }[]; truncated: boolean }>(
      request,
      `/api/v1/lineage?${view}`,
    )).body;
    expect(graph.truncated).toBe(false);

    const response = await request.get(`/api/v1/export/events?${view}&download=1`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/x-ndjson");
    const text = await response.text();
    const file = path.join(dir, "v3.ndjson");
    fs.writeFileSync(file, text);
    fs.writeFileSync(`${file}.attestation.json`, await (await request.get(`/api/v1/export/events?${view}&attestation=1`)).text());

    // An empty store of its own, migrated the usual way, filled by the usual command.
    const dbFile = path.join(dir, "reimport.db");
    const env = { DATABASE_URL: `file:${dbFile}` };
    expect(run("scripts/db-migrate.ts", ["deploy"], env).status).toBe(0);
    const ingest = run("scripts/ingest.ts", [file], env);
    expect(ingest.stdout).toMatch(/(\d+) events read: \1 accepted/);
    expect(ingest.status).toBe(0);
    expect(run("scripts/verify.ts", [], env).status).toBe(0);

    const db = new Database(dbFile, { readonly: true });
    try {
      const keys = new Set((db.prepare("SELECT key FROM Node").all() as { key: string }[]).map((r) => r.key));
      for (const n of graph.nodes) expect(keys.has(n.id), `${n.id} re-imported`).toBe(true);
      const ids = JSON.stringify(graph.nodes.map((n) => n.id));
      const edges = db
        .prepare(
          `SELECT s.key AS source, t.key AS target FROM Edge e JOIN Node s ON s.id = e.sourceId JOIN Node t ON t.id = e.targetId
           WHERE s.key IN (SELECT value FROM json_each(?)) AND t.key IN (SELECT value FROM json_each(?))`,
        )
        .all(ids, ids) as { source: string; target: string }[];
      const sorted = (list: { source: string; target: string }[]) =>
        list.map((e) => `${e.source} -> ${e.target}`).sort();
      expect(sorted(edges)).toEqual(sorted(graph.edges));
    } finally {
      db.close();
    }

    // The file and its attestation check out offline; one changed byte does not.
    const keyFile = path.join(dir, "public-key.pem");
    fs.writeFileSync(keyFile, await (await request.get("/api/v1/audit/public-key")).text());
    expect(run("scripts/verify-export.ts", [file, "--public-key", keyFile]).status).toBe(0);
    fs.writeFileSync(file, text.replace("COMPLETE", "ABORT"));
    expect(run("scripts/verify-export.ts", [file, "--public-key", keyFile]).status).toBe(1);
  });
});
