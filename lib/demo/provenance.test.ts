import { createHash, createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildDrugDiscoveryEvents, DEMO_STORY } from "./drug-discovery";
import { DEMO_ARTEFACT, DEMO_SIGNER_KEY_ID, DEMO_SIGNER_PUBLIC_KEY, DEMO_TAMPERED_BATCH_DATE } from "./provenance";

interface Provenance {
  contentHash: string;
  signature: string;
  signerKeyId: string;
  files: { name: string; contentHash: string }[];
}

/** Each nightly batch's threadline_provenance as the demo sends it, by batch date. */
function batchProvenance(): Map<string, Provenance> {
  const out = new Map<string, Provenance>();
  for (const event of buildDrugDiscoveryEvents()) {
    for (const output of "outputs" in event ? (event.outputs ?? []) : []) {
      const facets = output.facets as Record<string, Record<string, unknown>> | undefined;
      if (output.name !== "generated/molecules-batch" || !facets?.threadline_provenance?.files) continue;
      out.set(String(facets.version.datasetVersion), facets.threadline_provenance as unknown as Provenance);
    }
  }
  return out;
}

describe("the demo's artefact provenance", () => {
  const batches = batchProvenance();

  it("ships a molecule in public/ whose digest is one of the failed batch's files", () => {
    const bytes = fs.readFileSync(path.resolve(import.meta.dirname, "../..", DEMO_ARTEFACT.publicPath));
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const batch = batches.get(DEMO_ARTEFACT.date);
    expect(DEMO_STORY.artefactBatch).toBe(DEMO_STORY.failedBatch);
    expect(batch?.files.find((f) => f.contentHash === digest)?.name).toBe(DEMO_ARTEFACT.name);
  });

  it("signs every batch with the registered producer key, and exactly one signature fails", () => {
    const key = createPublicKey(DEMO_SIGNER_PUBLIC_KEY);
    const failing: string[] = [];
    for (const [date, p] of batches) {
      expect(p.signerKeyId).toBe(DEMO_SIGNER_KEY_ID);
      if (!verify(null, Buffer.from(p.contentHash, "utf8"), key, Buffer.from(p.signature, "base64"))) failing.push(date);
    }
    expect(batches.size).toBeGreaterThan(10);
    expect(failing).toEqual([DEMO_TAMPERED_BATCH_DATE]);
  });
});
