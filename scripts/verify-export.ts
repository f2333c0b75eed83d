/**
 * npm run verify-export -- <export file> [--attestation <file>] [--public-key <pem file>] [--json]
 * Checks a Threadline export offline: its bytes match the attested sha256, and the attestation is
 * signed with the Ed25519 key the server publishes (GET /api/v1/audit/public-key). PROV-JSON
 * exports carry their attestation; an NDJSON export's comes from
 * GET /api/v1/export/events?...&attestation=1 (looked for next to the file as <file>.attestation.json).
 * Exits 0 when everything checks out, 1 when something does not, 2 on a usage error.
 */
import fs from "node:fs";
import { verifyExport } from "@/lib/server/export-verify";

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith("--") && !["--attestation", "--public-key"].includes(args[i - 1] ?? ""));
if (!file || args.includes("--help")) {
  console.log("Usage: npm run verify-export -- <export file> [--attestation <file>] [--public-key <pem file>] [--json]");
  process.exit(file ? 0 : 2);
}
const attestationPath = option(args, "--attestation") ?? (fs.existsSync(`${file}.attestation.json`) ? `${file}.attestation.json` : undefined);
const keyPath = option(args, "--public-key");
const result = verifyExport(fs.readFileSync(file, "utf8"), {
  attestation: attestationPath ? fs.readFileSync(attestationPath, "utf8") : undefined,
  publicKeyPem: keyPath ? fs.readFileSync(keyPath, "utf8") : undefined,
});
if (args.includes("--json")) {
  console.log(JSON.stringify(result, null, 2));
} else {
  for (const f of result.findings) console.log(`${f.ok ? "ok  " : "FAIL"} ${f.message}`);
  console.log(result.ok ? "VERIFIED" : "NOT VERIFIED");
}
process.exit(result.ok ? 0 : 1);
