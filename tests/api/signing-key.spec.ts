import { spawnSync } from "node:child_process";
import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { provenanceStory } from "../fixtures/provenance-story";
import { ROOT, ownPort, startOwnServer, type OwnServer } from "../support/own-server";

/**
 * THREADLINE_SIGNING_KEY, when set, is the one key everything is signed with: the published key,
 * the log head, exports (checked by npm run verify-export) and provenance manifests (npm run
 * verify-manifest). The shared e2e server runs without it, on the instance key, which
 * tests/api/export.spec.ts, audit.spec.ts and provenance.spec.ts check the same way.
 */

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const configured = privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
const keyId = createHash("sha256").update(createPublicKey(publicKeyPem).export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
const story = provenanceStory();
const batch1 = "datasetVersion:prov-lab:artefact-batches:batch-1";

let server: OwnServer;
let dir: string;

test.describe.configure({ mode: "serial", timeout: 120_000 });

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-signing-key-"));
  server = await startOwnServer({ port: ownPort(2), dbFile: "data/e2e-signing-key.db", env: { THREADLINE_SIGNING_KEY: configured } });
  const posted = await fetch(`${server.baseURL}/api/v1/lineage/batch`, { method: "POST", body: JSON.stringify(story.events), headers: { "Content-Type": "application/json" } });
  expect(posted.status, await posted.text()).toBeLessThan(300);
});
test.afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(script: string, args: string[]) {
  return spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["--conditions=react-server", script, ...args], { cwd: ROOT, encoding: "utf8" });
}

test("the configured key is published and signs the head, exports and manifests, which the verifiers accept", async () => {
  const published = (await (await fetch(`${server.baseURL}/api/v1/audit/public-key?format=json`)).json()) as { keyId: string; publicKey: string };
  expect(published).toMatchObject({ keyId, publicKey: publicKeyPem });
  const keyFile = path.join(dir, "key.pem");
  fs.writeFileSync(keyFile, publicKeyPem);

  const head = (await (await fetch(`${server.baseURL}/api/v1/audit/head`)).json()) as { statement: { keyId: string }; signature: string };
  expect(head.statement.keyId).toBe(keyId);
  expect(head.signature).toEqual(expect.any(String));

  const exportFile = path.join(dir, "batch.prov.json");
  fs.writeFileSync(exportFile, await (await fetch(`${server.baseURL}/api/v1/export/prov?nodeId=${encodeURIComponent(batch1)}&depth=1`)).text());
  const exported = run("scripts/verify-export.ts", [exportFile, "--public-key", keyFile]);
  expect(exported.stdout).toContain(`signature valid for key ${keyId}`);
  expect(exported.status).toBe(0);

  const manifestFile = path.join(dir, "manifest.json");
  const manifest = await fetch(`${server.baseURL}/api/v1/provenance/manifest?nodeId=${encodeURIComponent(batch1)}`);
  expect(manifest.status).toBe(200);
  fs.writeFileSync(manifestFile, await manifest.text());
  expect((JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { signature: { keyId: string } }).signature.keyId).toBe(keyId);
  const checked = run("scripts/verify-manifest.ts", [manifestFile, "--key", keyFile]);
  expect(checked.stdout).toContain("VERIFIED");
  expect(checked.status).toBe(0);
});
