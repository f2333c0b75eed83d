import { describe, expect, it } from "vitest";
import { normaliseDigest, parseWatermark, signatureStatusOf, type RegisteredSigner } from "./provenance";

const HEX = "ab".repeat(32);

describe("normaliseDigest", () => {
  it("accepts sha256 and 64 hex digits in any case, stored lowercase", () => {
    expect(normaliseDigest(`sha256:${HEX}`)).toBe(`sha256:${HEX}`);
    expect(normaliseDigest(`SHA256:${HEX.toUpperCase()}`)).toBe(`sha256:${HEX}`);
    expect(normaliseDigest(`  sha256:${HEX} `)).toBe(`sha256:${HEX}`);
  });

  it("refuses other algorithms, lengths and characters", () => {
    for (const bad of [HEX, `md5:${HEX}`, `sha256:${HEX.slice(1)}`, `sha256:${HEX}0`, `sha256:${"g".repeat(64)}`, "sha256:", ""]) {
      expect(normaliseDigest(bad)).toBeNull();
    }
  });
});

describe("parseWatermark", () => {
  it("splits at the first colon: the payload may hold more", () => {
    expect(parseWatermark("synthid-text:abc")).toEqual({ scheme: "synthid-text", payload: "abc" });
    expect(parseWatermark("s:a:b")).toEqual({ scheme: "s", payload: "a:b" });
  });

  it("needs a scheme and a payload", () => {
    for (const bad of ["", "abc", ":abc", "abc:"]) expect(parseWatermark(bad)).toBeNull();
  });
});

describe("signatureStatusOf", () => {
  const signed = { contentHash: `sha256:${HEX}`, signature: "c2ln", signerKeyId: "k1" };
  const signer: RegisteredSigner = { keyId: "k1", name: "lab", namespaces: [], isRevoked: false };
  const never = () => {
    throw new Error("must not check");
  };

  it("is unsigned without a signature or without a content hash to have signed", () => {
    expect(signatureStatusOf({ ...signed, signature: null }, signer, "ns", never)).toBe("unsigned");
    expect(signatureStatusOf({ ...signed, contentHash: null }, signer, "ns", never)).toBe("unsigned");
  });

  it("is unknown-signer for an unregistered key, no key id, or a namespace the key may not sign for", () => {
    expect(signatureStatusOf(signed, undefined, "ns", never)).toBe("unknown-signer");
    expect(signatureStatusOf({ ...signed, signerKeyId: null }, signer, "ns", never)).toBe("unknown-signer");
    expect(signatureStatusOf(signed, { ...signer, namespaces: ["other"] }, "ns", never)).toBe("unknown-signer");
  });

  it("is revoked for a revoked key without checking the bytes", () => {
    expect(signatureStatusOf(signed, { ...signer, isRevoked: true }, "ns", never)).toBe("revoked");
  });

  it("is what the Ed25519 check says for a registered key allowed in the namespace", () => {
    expect(signatureStatusOf(signed, { ...signer, namespaces: ["ns"] }, "ns", () => true)).toBe("verified");
    expect(signatureStatusOf(signed, signer, "ns", () => false)).toBe("invalid");
  });
});
