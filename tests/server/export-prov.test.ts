import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PRODUCER, DEMO_STORY } from "@/lib/demo/drug-discovery";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { buildProvExport, PROV_ATTESTATION_ID } from "@/lib/server/export";
import { verifyExport } from "@/lib/server/export-verify";
import { buildManifest } from "@/lib/server/manifest";
import { getInstanceSigner, signerFromKey, verifyStatement } from "@/lib/server/signing";
import { getSignedHead } from "@/lib/server/verification";
import { createTestDatabase, ingestDemoStory } from "../support/db";

let db: Sqlite;
let cleanup: () => void;
const { privateKey } = generateKeyPairSync("ed25519");
const signer = signerFromKey(privateKey);

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  await ingestDemoStory(db);
});
afterAll(() => cleanup());

const tlv = (id: string) => `tlv:${id.slice("datasetVersion:".length)}`;
const tlr = (id: string) => `tlr:${id.slice("run:".length)}`;

describe("PROV-JSON of the demo's failed batch", () => {
  const view = () => buildProvExport(storeOver(db), { node: DEMO_STORY.failedBatch, depth: 2, direction: "both", limit: 500 }, signer);

  it("has the batch, what made it and what judged it as entities and activities", async () => {
    const { document } = await view();
    const v3 = DEMO_STORY.fineTunedModelVersions.v3;
    const p2 = DEMO_STORY.promptVersions.p2;
    expect(Object.keys(document.entity)).toEqual(
      expect.arrayContaining([tlv(DEMO_STORY.failedBatch), tlv(v3), tlv(p2), tlv(DEMO_STORY.failedBatchReport), PROV_ATTESTATION_ID]),
    );
    expect(Object.keys(document.activity)).toContain(tlr(DEMO_STORY.failedBatchRun));
    const generate = document.activity[tlr(DEMO_STORY.failedBatchRun)];
    expect(generate["tl:parameter"]).toEqual(expect.arrayContaining(["temperature=1.2"]));
    expect(document.entity[tlv(DEMO_STORY.failedBatch)]["tl:isFailed"]).toBe(true);
  });

  it("relates them with used, wasGeneratedBy and wasDerivedFrom", async () => {
    const { document } = await view();
    const run = tlr(DEMO_STORY.failedBatchRun);
    const batch = tlv(DEMO_STORY.failedBatch);
    const v3 = tlv(DEMO_STORY.fineTunedModelVersions.v3);
    expect(Object.values(document.used)).toContainEqual(expect.objectContaining({ "prov:activity": run, "prov:entity": v3 }));
    expect(Object.values(document.wasGeneratedBy)).toContainEqual(expect.objectContaining({ "prov:entity": batch, "prov:activity": run }));
    expect(Object.values(document.wasDerivedFrom)).toContainEqual({ "prov:generatedEntity": batch, "prov:usedEntity": v3, "prov:activity": run });
    const report = tlv(DEMO_STORY.failedBatchReport);
    expect(Object.values(document.wasDerivedFrom)).toContainEqual(expect.objectContaining({ "prov:generatedEntity": report, "prov:usedEntity": batch }));
  });

  it("names the producer as a software agent associated with each run under its job's plan, and owners by attribution", async () => {
    const { document } = await view();
    const producer = `tlp:${DEMO_PRODUCER}`;
    expect(document.agent[producer]).toMatchObject({ "prov:type": { $: "prov:SoftwareAgent" } });
    expect(Object.values(document.wasAssociatedWith)).toContainEqual({
      "prov:activity": tlr(DEMO_STORY.failedBatchRun),
      "prov:agent": producer,
      "prov:plan": `tlj:${DEMO_STORY.generateJob.slice("job:".length)}`,
    });
    expect(Object.keys(document.wasAttributedTo).length).toBeGreaterThan(0);
    for (const r of Object.values(document.wasAttributedTo)) expect(document.agent).toHaveProperty(r["prov:agent"] as string);
  });

  it("exports a dataset focus as the entity view the screen shows: datasets and jobs, no versions or runs", async () => {
    const { graph, document } = await buildProvExport(storeOver(db), { node: DEMO_STORY.fineTunedModel, depth: 1, direction: "both", limit: 500 }, signer);
    expect(graph.focus).toBe(DEMO_STORY.fineTunedModel);
    const named = [
      ...Object.keys(document.entity).filter((k) => k.startsWith("tld:")).map((k) => `dataset:${k.slice(4)}`),
      ...Object.keys(document.activity).map((k) => `job:${k.slice(4)}`),
    ].sort();
    expect(named).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(Object.keys(document.entity).filter((k) => k.startsWith("tlv:"))).toEqual([]);
    expect(document.entity[`tld:${DEMO_STORY.fineTunedModel.slice("dataset:".length)}`]).toMatchObject({ "tl:latestVersion": "v3" });
  });
});

describe("the embedded attestation", () => {
  it("verifies offline with the public key, and fails once a byte of the document changes", async () => {
    const { document } = await buildProvExport(storeOver(db), { node: DEMO_STORY.failedBatch, depth: 2, direction: "both", limit: 500 }, signer);
    const text = JSON.stringify(document, null, 2);
    const good = verifyExport(text, { publicKeyPem: signer.publicKeyPem });
    expect(good.findings.filter((f) => !f.ok)).toEqual([]);
    expect(good.ok).toBe(true);
    expect(good.statement?.head?.seq).toBe(119);

    const edited = text.replace("temperature=1.2", "temperature=0.7");
    expect(edited).not.toBe(text);
    const bad = verifyExport(edited, { publicKeyPem: signer.publicKeyPem });
    expect(bad.ok).toBe(false);
    expect(bad.findings.find((f) => !f.ok)?.message).toMatch(/does NOT match/);
  });

  it("fails against another key", async () => {
    const { document } = await buildProvExport(storeOver(db), { node: DEMO_STORY.failedBatch, depth: 1, direction: "both", limit: 500 }, signer);
    const other = signerFromKey(generateKeyPairSync("ed25519").privateKey);
    const result = verifyExport(JSON.stringify(document), { publicKeyPem: other.publicKeyPem });
    expect(result.ok).toBe(false);
    expect(result.findings.some((f) => /signature check failed/.test(f.message))).toBe(true);
  });

  it("is present but unsigned when a caller asks for no signature, and says so", async () => {
    const { document } = await buildProvExport(storeOver(db), { node: DEMO_STORY.failedBatch, depth: 1, direction: "both", limit: 500 }, null);
    const result = verifyExport(JSON.stringify(document));
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => f.message)).toContain("the attestation is not signed");
  });
});

describe("one signing key without THREADLINE_SIGNING_KEY", () => {
  it("signs exports, the log head and manifests with the instance key the store keeps", async () => {
    const store = storeOver(db);
    const instance = await getInstanceSigner(store);
    const { document } = await buildProvExport(store, { node: DEMO_STORY.failedBatch, depth: 1, direction: "both", limit: 500 });
    const text = JSON.stringify(document);
    const result = verifyExport(text, { publicKeyPem: instance.publicKeyPem });
    expect(result.findings.filter((f) => !f.ok)).toEqual([]);
    expect(result.statement?.keyId).toBe(instance.keyId);

    const head = await getSignedHead(store);
    expect(head.statement.keyId).toBe(instance.keyId);
    expect(verifyStatement(head, instance.publicKeyPem)).toEqual({ ok: true, keyId: instance.keyId });
    expect((await buildManifest(store, DEMO_STORY.failedBatch, undefined)).signature.keyId).toBe(instance.keyId);

    // One character of the export changed: the content no longer matches what was signed.
    const edited = text.replace(DEMO_STORY.failedBatch.slice(-4), "XXXX");
    expect(edited).not.toBe(text);
    expect(verifyExport(edited, { publicKeyPem: instance.publicKeyPem }).ok).toBe(false);
  });
});
