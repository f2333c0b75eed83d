/**
 * npm run verify-manifest -- <manifest.json> [<artefact file>] [--key <pem file>]
 * Checks a Threadline provenance manifest offline: its Ed25519 signature over the RFC 8785
 * canonical JSON of its claim (with the key Threadline publishes at GET /api/v1/audit/public-key,
 * given with --key; without it, the manifest's own key), and, given the artefact, that the file's
 * SHA-256 is among the claim's digests. The file is hashed as it is read, never loaded whole.
 * Exits 0 when everything holds, 1 naming what failed, 2 on a usage error.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { verifyManifest } from "@/lib/lineage/manifest";

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}`;
}

async function main(args: string[]): Promise<number> {
  const keyAt = args.indexOf("--key");
  const keyPath = keyAt >= 0 ? args[keyAt + 1] : undefined;
  const positional = args.filter((a, i) => !a.startsWith("--") && i !== keyAt + 1);
  const [manifestPath, artefactPath] = positional;
  if (!manifestPath || args.includes("--help") || (keyAt >= 0 && !keyPath)) {
    console.log("Usage: npm run verify-manifest -- <manifest.json> [<artefact file>] [--key <pem file>]");
    return args.includes("--help") ? 0 : 2;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  } catch (error) {
    console.log(`FAIL manifest: ${manifestPath} is not readable JSON (${(error as Error).message})`);
    console.log("NOT VERIFIED");
    return 1;
  }
  const result = await verifyManifest(manifest, {
    publicKeyPem: keyPath ? fs.readFileSync(keyPath, "utf8") : undefined,
    fileDigest: artefactPath ? await sha256OfFile(artefactPath) : undefined,
  });
  for (const line of result.passed) console.log(`ok   ${line}`);
  for (const line of result.failures) console.log(`FAIL ${line}`);
  if (!keyPath && result.ok) console.log("note: checked with the manifest's own key; pass --key with the key from GET /api/v1/audit/public-key to know it is Threadline's");
  console.log(result.ok ? "VERIFIED" : "NOT VERIFIED");
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
