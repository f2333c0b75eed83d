import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";

/**
 * The demo's artefact provenance: the nightly generation run's producer signs each batch's content
 * hash with an Ed25519 key, and each batch lists its molecules as files with their digests, so a
 * newcomer can drop one molecule on /provenance and see the checkpoint, prompt and parameters that
 * made it. Deterministic, like the rest of the demo: the key comes from a fixed seed (it is public
 * here, so it proves nothing outside the demo), and Ed25519 signatures are deterministic.
 */

/** The registered producer of the demo (npm run db:seed registers its key). */
export const DEMO_SIGNER_NAME = "helix-bio generation cluster";

// PKCS#8 DER of an Ed25519 key is this prefix and the 32-byte seed.
const PKCS8_ED25519_PREFIX = "302e020100300506032b657004220420";
const DEMO_SEED = "7468726561646c696e652064656d6f2070726f647563657220736565642d3031";
const privateKey = createPrivateKey({ key: Buffer.from(PKCS8_ED25519_PREFIX + DEMO_SEED, "hex"), format: "der", type: "pkcs8" });
const publicKey = createPublicKey(privateKey);

export const DEMO_SIGNER_PUBLIC_KEY = publicKey.export({ type: "spki", format: "pem" }).toString();
/** Threadline's id of the key: sha256 of its SPKI DER bytes, first 16 hex digits. */
export const DEMO_SIGNER_KEY_ID = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);

/** Base64 Ed25519 signature over the UTF-8 bytes of `contentHash`, as the producer sends it. */
export function signAsDemoProducer(contentHash: string): string {
  return sign(null, Buffer.from(contentHash, "utf8"), privateKey).toString("base64");
}

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;

/** Kinase-inhibitor-like SMILES the demo's generated molecules are drawn from. */
const SMILES = [
  "Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1",
  "COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1",
  "CC(C)n1cnc2c(Nc3cccc(Cl)c3)nc(NC3CCC(N)CC3)nc21",
  "O=C(Nc1ccc(Oc2ccnc3[nH]ccc23)c(F)c1)c1cccn(-c2ccc(F)cc2)c1=O",
  "CN1CCN(c2ccc(-c3cnc4[nH]cc(C(=O)c5c(F)ccc(NS(=O)(=O)CCC)c5F)c4c3)cc2)CC1",
  "Cc1cnc(Nc2ccc(OCCN3CCCC3)cc2)nc1Nc1cccc(S(=O)(=O)NC(C)(C)C)c1",
  "N#Cc1ccc(Nc2nccc(N3CCC(O)CC3)n2)cc1",
  "O=C1NC(=O)C(=Cc2ccc(O)c(O)c2)S1",
  "CCn1c(=O)c(-c2c(Cl)cccc2Cl)cc2cnc(Nc3ccc(N4CCN(C)CC4)cc3)nc21",
  "Nc1ncnc2c1c(-c1ccc(Oc3ccccc3)cc1)nn2C1CCCN(C(=O)C=C)C1",
  "Cc1ccc2nc(NC(=O)C3CC3)sc2c1",
  "O=S(=O)(Nc1ccccc1)c1ccc(N=Nc2ccc(O)cc2)cc1",
];

/** Molecules listed per nightly batch. */
export const DEMO_MOLECULES_PER_BATCH = 12;

/** The text of molecule `index` (1-based) of the batch generated on `date`: a one-molecule SMILES file. */
export function demoMoleculeText(date: string, index: number): string {
  const smiles = SMILES[(index * 7 + Number(date.replaceAll("-", ""))) % SMILES.length];
  const name = `mol-${String(index).padStart(4, "0")}`;
  return `# generated/molecules-batch@${date}, sample ${index}: generate-candidates (Threadline demo)\n${smiles} ${name}\n`;
}

/** The files of one batch, as its threadline_provenance facet lists them. */
export function demoMoleculeFiles(date: string): { name: string; contentHash: string; mediaType: string; size: number }[] {
  return Array.from({ length: DEMO_MOLECULES_PER_BATCH }, (_, i) => {
    const text = demoMoleculeText(date, i + 1);
    return { name: `mol-${String(i + 1).padStart(4, "0")}.smi`, contentHash: sha256(text), mediaType: "chemical/x-daylight-smiles", size: Buffer.byteLength(text) };
  });
}

/** The molecule shipped as public/demo/mol-0007.smi: one of the failed batch's (model v3, prompt p2, temperature 1.2). */
export const DEMO_ARTEFACT = { date: "2026-11-02", index: 7, name: "mol-0007.smi", publicPath: "public/demo/mol-0007.smi" } as const;

/** The batch whose producer signature fails: the batch was rewritten after it was signed. */
export const DEMO_TAMPERED_BATCH_DATE = "2026-10-30";
