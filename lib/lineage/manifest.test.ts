import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { jcs } from "@/lib/schemas/canonical";
import { keyIdOfPem, verifyManifest, type Manifest } from "./manifest";

const HEX = "cd".repeat(32);

function signed(claim: Record<string, unknown>) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const value = sign(null, Buffer.from(jcs(claim), "utf8"), privateKey).toString("base64");
  return { manifest: { claim, signature: { alg: "Ed25519", keyId: "k", publicKey: pem, value } } as unknown as Manifest, pem };
}

const claim = { title: "mol-0001.sdf", artefact: { digests: [{ alg: "sha256", hash: `sha256:${HEX}`, name: "mol-0001.sdf" }] }, z: 1, a: "é" };

describe("verifyManifest", () => {
  it("holds for a claim signed over its JCS bytes, with the file's digest among the claim's", async () => {
    const { manifest, pem } = signed(claim);
    const result = await verifyManifest(manifest, { publicKeyPem: pem, fileDigest: `SHA256:${HEX.toUpperCase()}` });
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("fails naming the signature when one character of the claim changed", async () => {
    const { manifest, pem } = signed(claim);
    const tampered = { ...manifest, claim: { ...manifest.claim, title: "mol-0002.sdf" } };
    const result = await verifyManifest(tampered, { publicKeyPem: pem });
    expect(result.ok).toBe(false);
    expect(result.failures.join()).toMatch(/^signature:/);
  });

  it("fails naming the file when its digest is not the claim's", async () => {
    const { manifest, pem } = signed(claim);
    const result = await verifyManifest(manifest, { publicKeyPem: pem, fileDigest: `sha256:${"00".repeat(32)}` });
    expect(result.failures).toEqual([expect.stringMatching(/^file:/)]);
  });

  it("fails naming the key when another key is given", async () => {
    const { manifest } = signed(claim);
    const other = signed(claim).pem;
    const result = await verifyManifest(manifest, { publicKeyPem: other });
    expect(result.failures.some((f) => f.startsWith("key:"))).toBe(true);
    expect(result.failures.some((f) => f.startsWith("signature:"))).toBe(true);
  });

  it("refuses what is not a manifest", async () => {
    expect((await verifyManifest({ hello: 1 })).failures[0]).toMatch(/not a Threadline manifest/);
  });

  it("names keys as the server does: 16 hex digits of sha256 of the SPKI bytes", async () => {
    const { pem } = signed(claim);
    expect(await keyIdOfPem(pem)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("jcs", () => {
  it("orders keys by UTF-16 code units and prints numbers as ECMAScript does (RFC 8785)", () => {
    expect(jcs({ b: 1, a: [1.0, 1e21, "x"], "\u{1F600}": 0, "\uFB33": 0 })).toBe('{"a":[1,1e+21,"x"],"b":1,"\u{1F600}":0,"\uFB33":0}');
  });
});
