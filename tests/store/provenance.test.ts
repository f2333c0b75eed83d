// Artefact provenance on every backend: the provenance projection's statements, digest and
// watermark lookups, producer signature statuses against the registry, signed manifests and the
// instance signing key, the same on SQLite and PostgreSQL.
import { verify, createPublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { storeOver } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { buildManifest } from "@/lib/server/manifest";
import { projectProvenance } from "@/lib/server/provenance-projection";
import { lookupDigest, lookupWatermark } from "@/lib/server/provenance";
import { listInvalidSignatures, registerSigner, revokeSigner, versionSignatures } from "@/lib/server/signers";
import { getInstanceSigner } from "@/lib/server/signing";
import { runSteps } from "@/lib/server/store/sql-steps";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import { ANONYMOUS } from "@/lib/server/auth";
import { jcs } from "@/lib/schemas/canonical";
import { createTestDatabase } from "../support/db";
import { BACKENDS, copyLineageTables, createTestStore, STORE_SETUP_TIMEOUT_MS, testStoreFor } from "../support/stores";
import { MOLECULE_FILES, provenanceStory, sha } from "../fixtures/provenance-story";

const story = provenanceStory();
const source = createTestDatabase();
beforeAll(async () => {
  const outcomes = await ingestEvents(storeOver(source.db), story.events, { sender: "test", receivedAt: "2026-11-24T00:00:00.000Z" });
  expect(outcomes.map((o) => o.status)).toEqual(story.events.map(() => "created"));
});
afterAll(() => source.cleanup());

const batch = (n: number) => `datasetVersion:prov-lab:artefact-batches:batch-${n}`;

describe.each(BACKENDS)("on %s", (backend) => {
  const t = testStoreFor(backend, async () => {
    await copyLineageTables(sqliteStore(source.db), t.store);
    await registerSigner(t.store, { name: "prov-tests producer", publicKey: story.keys.producer.publicKeyPem }, ANONYMOUS);
    await registerSigner(t.store, { name: "old laptop", publicKey: story.keys.revoked.publicKeyPem }, ANONYMOUS);
    await revokeSigner(t.store, story.keyIds.revoked, ANONYMOUS);
  });

  it("finds a version by its own digest, with the run, job, checkpoint, prompt, parameters and inputs that made it", async () => {
    const answer = await lookupDigest(t.store, story.batchHash(1));
    expect(answer.matches).toHaveLength(1);
    const [match] = answer.matches;
    expect(match).toMatchObject({
      nodeId: batch(1),
      file: null,
      version: "batch-1",
      producedBy: { runId: "00000000-0000-4000-8000-000000000101", jobId: "job:tests:prov-generate", jobName: "prov-generate", state: "COMPLETED" },
      models: [{ nodeId: "datasetVersion:prov-models:prov-checkpoint:v3", version: "v3", kind: "model", contentHash: story.checkpointHash }],
      prompts: [{ nodeId: "datasetVersion:prov-prompts:prov-brief:p2", version: "p2", kind: "prompt", contentHash: story.promptHash }],
      signature: { status: "verified", signerKeyId: story.keyIds.producer, signerName: "prov-tests producer" },
      watermark: { scheme: "synthid-mol", payload: "batch-1-payload", keyId: "wm-1" },
    });
    expect(match.parameters.map((p) => `${p.key}=${p.value}`)).toEqual(expect.arrayContaining(["temperature=0.7", "seed=41"]));
    expect(match.inputs.map((i) => i.nodeId)).toEqual(["datasetVersion:prov-models:prov-checkpoint:v3", "datasetVersion:prov-prompts:prov-brief:p2"]);
  });

  it("finds one file of a batch by its digest, naming the file", async () => {
    const answer = await lookupDigest(t.store, sha(MOLECULE_FILES["mol-0002.sdf"]));
    expect(answer.matches.map((m) => [m.nodeId, m.file, m.mediaType, m.size])).toEqual([[batch(1), "mol-0002.sdf", "chemical/x-mdl-sdfile", MOLECULE_FILES["mol-0002.sdf"].length]]);
    expect(answer.matches[0].models.map((m) => m.name)).toEqual(["prov-checkpoint"]);
  });

  it("answers no matches for an unknown digest", async () => {
    expect(await lookupDigest(t.store, sha("never produced"))).toEqual({ digest: sha("never produced"), matches: [], isTruncated: false });
  });

  it("finds a version by its watermark payload", async () => {
    const answer = await lookupWatermark(t.store, { scheme: "synthid-mol", payload: "batch-1-payload" });
    expect(answer.matches.map((m) => m.nodeId)).toEqual([batch(1)]);
    expect((await lookupWatermark(t.store, { scheme: "synthid-mol", payload: "other" })).matches).toEqual([]);
  });

  it("tells the five signature statuses: verified, invalid (tampered digest), unknown signer, revoked, unsigned", async () => {
    const statuses = await versionSignatures(t.store, [1, 2, 3, 4, 5].map(batch));
    expect([1, 2, 3, 4, 5].map((n) => statuses.get(batch(n))?.status)).toEqual(["verified", "invalid", "unknown-signer", "revoked", "unsigned"]);
    expect((await listInvalidSignatures(t.store, 10)).map((r) => [r.id, r.signerName])).toEqual([[batch(2), "prov-tests producer"]]);
  });

  it("derives the status from the registry as it is now: registering a key turns unknown-signer into verified", async () => {
    const other = await createTestStore(backend);
    try {
      await copyLineageTables(sqliteStore(source.db), other.store);
      expect((await versionSignatures(other.store, [batch(3)])).get(batch(3))?.status).toBe("unknown-signer");
      const { signer, created } = await registerSigner(other.store, { name: "found it", publicKey: story.keys.unknown.publicKeyPem }, ANONYMOUS);
      expect(created).toBe(true);
      expect(signer.keyId).toBe(story.keyIds.unknown);
      expect((await versionSignatures(other.store, [batch(3)])).get(batch(3))?.status).toBe("verified");
      // A retry never duplicates; a revoked key stays revoked.
      expect((await registerSigner(other.store, { name: "again", publicKey: story.keys.unknown.publicKeyPem }, ANONYMOUS)).created).toBe(false);
      await revokeSigner(other.store, signer.keyId, ANONYMOUS);
      expect((await versionSignatures(other.store, [batch(3)])).get(batch(3))?.status).toBe("revoked");
      await expect(registerSigner(other.store, { name: "again", publicKey: story.keys.unknown.publicKeyPem }, ANONYMOUS)).rejects.toMatchObject({ code: "conflict" });
    } finally {
      await other.cleanup();
    }
  }, STORE_SETUP_TIMEOUT_MS);

  it("signs a C2PA-shaped manifest over the JCS bytes of its claim, which Node's crypto verifies with the published key", async () => {
    const manifest = await buildManifest(t.store, batch(1), "mol-0001.sdf");
    const published = await getInstanceSigner(t.store);
    expect(manifest.signature).toMatchObject({ alg: "Ed25519", keyId: published.keyId, publicKey: published.publicKeyPem });
    const isValid = verify(null, Buffer.from(jcs(manifest.claim), "utf8"), createPublicKey(published.publicKeyPem), Buffer.from(manifest.signature.value, "base64"));
    expect(isValid).toBe(true);
    const { claim } = manifest;
    expect(claim.artefact.digests).toEqual([{ alg: "sha256", hash: sha(MOLECULE_FILES["mol-0001.sdf"]), name: "mol-0001.sdf" }]);
    expect(claim.artefact.signatureStatus).toBe("verified");
    expect(claim.assertions[0]).toMatchObject({ label: "c2pa.actions.v2", data: { actions: [{ action: "c2pa.created", digitalSourceType: expect.stringMatching(/trainedAlgorithmicMedia$/) }] } });
    expect(claim.ingredients.map((i) => [i.role, i.title, i.digest])).toEqual([
      ["model", "prov-models/prov-checkpoint@v3", story.checkpointHash],
      ["prompt", "prov-prompts/prov-brief@p2", story.promptHash],
    ]);
    expect(claim.chainHead?.seq).toBe(story.events.length);
    const tampered = { ...claim, title: "mol-0009.sdf" };
    expect(verify(null, Buffer.from(jcs(tampered), "utf8"), createPublicKey(published.publicKeyPem), Buffer.from(manifest.signature.value, "base64"))).toBe(false);
  });

  it("is a 404 for an unknown version or file", async () => {
    await expect(buildManifest(t.store, "datasetVersion:prov-lab:artefact-batches:nope", undefined)).rejects.toMatchObject({ code: "not_found" });
    await expect(buildManifest(t.store, batch(1), "mol-9999.sdf")).rejects.toMatchObject({ code: "not_found" });
  });

  it("keeps one instance key in the store: every server signs with the same key", async () => {
    const first = await getInstanceSigner(t.store);
    const second = await getInstanceSigner(t.openAnother());
    expect(second.keyId).toBe(first.keyId);
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
  });
});

// A store of its own: the projection's statements written directly on each backend.
describe.each(BACKENDS)("the provenance projection's statements on %s", (backend) => {
  const t = testStoreFor(backend);

  it("indexes the version's digest (normalised), its files and watermark, and a re-sent facet replaces them", async () => {
    const target = { namespace: "lab", versionKey: "datasetVersion:lab:imgs:v1" };
    const upper = `SHA256:${"AB".repeat(32)}`;
    const facets = {
      threadline_provenance: {
        contentHash: upper,
        signature: "c2ln",
        signerKeyId: "0123456789abcdef",
        files: [{ name: "a.png", contentHash: sha("a"), size: 5_000_000_000 }, { name: "bad", contentHash: "md5:x" }],
        watermark: { scheme: "synthid-image", payload: "p:1" },
      },
    };
    await t.store.transaction((tx) => runSteps(tx, projectProvenance(10, target, facets)));
    const rows = await t.store.all<{ digest: string; file: string; size: number | string | null }>(`SELECT "digest", "file", "size" FROM "ArtefactDigest" ORDER BY "file"`);
    expect(rows.map((r) => [r.digest, r.file, r.size === null ? null : Number(r.size)])).toEqual([
      [`sha256:${"ab".repeat(32)}`, "", null],
      [sha("a"), "a.png", 5_000_000_000],
    ]);
    expect(await t.store.all(`SELECT "scheme", "payload" FROM "ArtefactWatermark"`)).toEqual([{ scheme: "synthid-image", payload: "p:1" }]);
    // The signature keeps the content hash as sent: it is over those exact bytes.
    expect(await t.store.get(`SELECT "contentHash" FROM "ArtefactSignature"`)).toEqual({ contentHash: upper });

    await t.store.transaction((tx) => runSteps(tx, projectProvenance(11, target, { threadline_provenance: { contentHash: sha("b") } })));
    expect(await t.store.all(`SELECT "digest", "file" FROM "ArtefactDigest"`)).toEqual([{ digest: sha("b"), file: "" }]);
    expect(await t.store.all(`SELECT * FROM "ArtefactWatermark"`)).toEqual([]);
    expect(await t.store.all(`SELECT * FROM "ArtefactSignature"`)).toEqual([]);
  });
});
