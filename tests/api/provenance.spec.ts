import { spawnSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { jcs } from "../../lib/schemas/canonical";
import { MOLECULE_FILES, provenanceStory, sha } from "../fixtures/provenance-story";
import { getJson, postBatch, type ErrorAnswer, type Json } from "./support/api";

/**
 * "Where did this file come from?" over HTTP: lookups by digest, by the artefact's bytes and by
 * watermark; the five producer signature statuses against keys registered through the API; a
 * signed manifest checked with Node's crypto and with `npm run verify-manifest`.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const story = provenanceStory();
const batch = (n: number) => `datasetVersion:prov-lab:artefact-batches:batch-${n}`;

interface Match {
  nodeId: string;
  file: string | null;
  producedBy: { runId: string; jobName: string } | null;
  models: { nodeId: string; version: string }[];
  prompts: { nodeId: string; version: string }[];
  parameters: { key: string; value: string }[];
  inputs: { nodeId: string }[];
  signature: { status: string; signerKeyId: string | null; signerName: string | null };
}
interface Answer {
  digest?: string;
  matches: Match[];
}

async function lookup(request: APIRequestContext, query: string): Promise<Answer> {
  const { status, body } = await getJson<Answer>(request, `/api/v1/provenance?${query}`);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  const posted = await postBatch(request, story.events as unknown as Json);
  expect([200, 201], JSON.stringify(posted.body)).toContain(posted.status);
  expect(posted.body.rejected).toBe(0);
  for (const [name, key] of [["prov-tests producer", story.keys.producer], ["old laptop", story.keys.revoked]] as const) {
    const response = await request.post("/api/v1/signers", { data: { name, publicKey: key.publicKeyPem } });
    expect([200, 201]).toContain(response.status());
  }
  expect((await request.delete(`/api/v1/signers/${story.keyIds.revoked}`)).status()).toBe(200);
});

test.describe("provenance lookups", () => {
  test("by digest: the version, the run and job, the checkpoint and prompt behind it, its parameters and inputs", async ({ request }) => {
    const { matches } = await lookup(request, `digest=${story.batchHash(1)}`);
    expect(matches).toHaveLength(1);
    const [m] = matches;
    expect(m.nodeId).toBe(batch(1));
    expect(m.file).toBeNull();
    expect(m.producedBy?.jobName).toBe("prov-generate");
    expect(m.models.map((x) => [x.nodeId, x.version])).toEqual([["datasetVersion:prov-models:prov-checkpoint:v3", "v3"]]);
    expect(m.prompts.map((x) => [x.nodeId, x.version])).toEqual([["datasetVersion:prov-prompts:prov-brief:p2", "p2"]]);
    expect(m.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ key: "temperature", value: "0.7" })]));
    expect(m.inputs.map((i) => i.nodeId)).toEqual(["datasetVersion:prov-models:prov-checkpoint:v3", "datasetVersion:prov-prompts:prov-brief:p2"]);
  });

  test("by the artefact's bytes: a file in a batch's files, named, whatever its content type", async ({ request }) => {
    const response = await request.post("/api/v1/provenance/lookup", { data: Buffer.from(MOLECULE_FILES["mol-0002.sdf"]), headers: { "Content-Type": "chemical/x-mdl-sdfile" } });
    expect(response.status()).toBe(200);
    const body = (await response.json()) as Answer & { size: number };
    expect(body.digest).toBe(sha(MOLECULE_FILES["mol-0002.sdf"]));
    expect(body.size).toBe(MOLECULE_FILES["mol-0002.sdf"].length);
    expect(body.matches.map((m) => [m.nodeId, m.file])).toEqual([[batch(1), "mol-0002.sdf"]]);
    expect(body.matches[0].models.map((x) => x.version)).toEqual(["v3"]);
  });

  test("an unknown digest is 200 with no matches; the digest's case does not matter", async ({ request }) => {
    expect((await lookup(request, `digest=${sha("never produced")}`)).matches).toEqual([]);
    const upper = story.batchHash(1).replace("sha256:", "SHA256:").toUpperCase();
    expect((await lookup(request, `digest=${encodeURIComponent(upper)}`)).matches.map((m) => m.nodeId)).toEqual([batch(1)]);
  });

  test("a malformed digest is a 400 naming digest", async ({ request }) => {
    for (const bad of ["abc", "md5:0123", `sha256:${"z".repeat(64)}`, ""]) {
      const { status, body } = await getJson<ErrorAnswer>(request, `/api/v1/provenance?digest=${encodeURIComponent(bad)}`);
      expect(status, bad).toBe(400);
      expect(body.error.details[0]?.path).toBe("digest");
    }
  });

  test("by watermark: scheme and payload find the version", async ({ request }) => {
    expect((await lookup(request, "watermark=synthid-mol:batch-1-payload")).matches.map((m) => m.nodeId)).toEqual([batch(1)]);
    expect((await lookup(request, "watermark=synthid-mol:nothing")).matches).toEqual([]);
    expect((await getJson<ErrorAnswer>(request, "/api/v1/provenance?watermark=nocolon")).status).toBe(400);
  });
});

test.describe("producer signatures", () => {
  test("verified, invalid (digest changed after signing), unknown signer, revoked, unsigned", async ({ request }) => {
    const statuses: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) statuses.push((await lookup(request, `digest=${story.batchHash(n)}`)).matches[0]?.signature.status ?? "none");
    expect(statuses).toEqual(["verified", "invalid", "unknown-signer", "revoked", "unsigned"]);
  });

  test("the signers list shows both keys, the revoked one with its revocation", async ({ request }) => {
    const { body } = await getJson<{ signers: { keyId: string; revokedAt: string | null }[] }>(request, "/api/v1/signers");
    const byId = new Map(body.signers.map((s) => [s.keyId, s]));
    expect(byId.get(story.keyIds.producer)?.revokedAt).toBeNull();
    expect(byId.get(story.keyIds.revoked)?.revokedAt).toEqual(expect.any(String));
  });

  test("a key that is not Ed25519 SPKI PEM is a 400 naming publicKey; an unknown key id to revoke is a 404", async ({ request }) => {
    const response = await request.post("/api/v1/signers", { data: { name: "x", publicKey: "not a key" } });
    expect(response.status()).toBe(400);
    expect(((await response.json()) as ErrorAnswer).error.details[0]?.path).toBe("publicKey");
    expect((await request.delete("/api/v1/signers/0000000000000000")).status()).toBe(404);
  });
});

test.describe("signed manifests", () => {
  let dir: string;
  test.beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-manifest-"));
  });
  test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const verifyManifest = (...args: string[]) =>
    spawnSync(path.join(root, "node_modules/.bin/tsx"), ["scripts/verify-manifest.ts", ...args], { cwd: root, encoding: "utf8" });

  test("verifies with Node's crypto against the published key, and with verify-manifest (0, then 1 on one changed character or another file)", async ({ request }) => {
    const response = await request.get(`/api/v1/provenance/manifest?nodeId=${encodeURIComponent(batch(1))}&file=mol-0001.sdf`);
    expect(response.status()).toBe(200);
    const manifest = (await response.json()) as { claim: { artefact: { digests: { hash: string }[] } }; signature: { keyId: string; publicKey: string; value: string } };
    const key = (await (await request.get("/api/v1/audit/public-key?format=json")).json()) as { keyId: string; publicKey: string };
    expect(manifest.signature.keyId).toBe(key.keyId);
    expect(verify(null, Buffer.from(jcs(manifest.claim), "utf8"), createPublicKey(key.publicKey), Buffer.from(manifest.signature.value, "base64"))).toBe(true);
    expect(manifest.claim.artefact.digests.map((d) => d.hash)).toEqual([sha(MOLECULE_FILES["mol-0001.sdf"])]);

    const manifestFile = path.join(dir, "mol-0001.manifest.json");
    const keyFile = path.join(dir, "threadline.pem");
    const artefact = path.join(dir, "mol-0001.sdf");
    const other = path.join(dir, "mol-0002.sdf");
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    fs.writeFileSync(keyFile, key.publicKey);
    fs.writeFileSync(artefact, MOLECULE_FILES["mol-0001.sdf"]);
    fs.writeFileSync(other, MOLECULE_FILES["mol-0002.sdf"]);

    const good = verifyManifest(manifestFile, artefact, "--key", keyFile);
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain("VERIFIED");

    const text = fs.readFileSync(manifestFile, "utf8");
    const tamperedFile = path.join(dir, "tampered.json");
    fs.writeFileSync(tamperedFile, text.replace('"mol-0001.sdf"', '"mol-0009.sdf"'));
    const tampered = verifyManifest(tamperedFile, "--key", keyFile);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/FAIL signature:/);

    const wrongFile = verifyManifest(manifestFile, other, "--key", keyFile);
    expect(wrongFile.status).toBe(1);
    expect(wrongFile.stdout).toMatch(/FAIL file:/);
  });

  test("a manifest of an unknown version is a 404; a node that is not a version is a 400 naming nodeId", async ({ request }) => {
    expect((await request.get(`/api/v1/provenance/manifest?nodeId=${encodeURIComponent("datasetVersion:prov-lab:artefact-batches:nope")}`)).status()).toBe(404);
    const { status, body } = await getJson<ErrorAnswer>(request, "/api/v1/provenance/manifest?nodeId=job:tests:x");
    expect(status).toBe(400);
    expect(body.error.details[0]?.path).toBe("nodeId");
  });
});
