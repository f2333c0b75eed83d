import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { DEMO_ARTEFACT, DEMO_SIGNER_NAME } from "../../lib/demo/provenance";
import { nodeOnCanvas } from "./support/canvas";

// "Where did this file come from?" as a newcomer asks it: the demo's molecule dropped on
// /provenance, the card that names the checkpoint, prompt and parameters, the graph, the manifest
// downloaded and verified in the browser, a tampered manifest refused.
const expect = baseExpect.configure({ timeout: 15_000 });

const ARTEFACT = path.resolve(import.meta.dirname, "../..", DEMO_ARTEFACT.publicPath);

test.describe("provenance", () => {
  test("drop the demo molecule: the card names the checkpoint, prompt, parameters and signature, above the version graph", async ({ page }, info) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Provenance" }).click();
    await expect(page).toHaveURL(/\/provenance$/);
    await page.getByTestId("artefact-input").setInputFiles(ARTEFACT);

    const card = page.getByTestId("provenance-match");
    await expect(card).toHaveCount(1);
    await expect(card.getByRole("heading", { name: DEMO_ARTEFACT.name })).toBeVisible();
    await expect(card.getByTestId("provenance-story")).toContainText("generate-candidates");
    await expect(card.getByTestId("provenance-models")).toHaveText("models/binding-affinity-ft @ v3");
    await expect(card.getByTestId("provenance-prompts")).toHaveText("prompts/scaffold-hopping @ p2");
    await expect(card.getByTestId("provenance-parameters")).toContainText("temperature=1.2");
    await expect(card.getByTestId("signature-status")).toHaveAttribute("data-status", "verified");
    await expect(card.getByText(DEMO_SIGNER_NAME)).toBeVisible();

    // The graph sits below the card and draws the batch with the checkpoint and prompt upstream.
    const graph = page.getByTestId("provenance-graph");
    await expect(graph.locator("svg")).toBeVisible();
    await expect(graph).toContainText("binding-affinity-ft");
    const buttonBox = await card.getByTestId("download-manifest").boundingBox();
    const graphBox = await graph.boundingBox();
    expect(graphBox!.y).toBeGreaterThan(buttonBox!.y + buttonBox!.height);
    await page.screenshot({ path: info.outputPath("provenance-card.png"), fullPage: true });

    await page.getByTestId("open-graph").click();
    await expect(page).toHaveURL(/\/lineage\?/);
    await expect(nodeOnCanvas(page, DEMO_STORY.artefactBatch)).toBeVisible();
    await expect(page.getByTestId("panel-signature").getByTestId("signature-status")).toHaveAttribute("data-status", "verified");
  });

  test("download the manifest and verify it in the browser; a manifest with one changed character fails", async ({ page }, info) => {
    await page.goto("/provenance");
    await page.getByTestId("artefact-input").setInputFiles(ARTEFACT);
    await expect(page.getByTestId("provenance-match")).toHaveCount(1);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-manifest").click()]);
    const manifestFile = info.outputPath("mol-0007.manifest.json");
    await download.saveAs(manifestFile);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { claim: { artefact: { file: string } } };
    expect(manifest.claim.artefact.file).toBe(DEMO_ARTEFACT.name);

    await page.getByTestId("manifest-input").setInputFiles(manifestFile);
    await page.getByTestId("manifest-artefact-input").setInputFiles(ARTEFACT);
    await page.getByTestId("manifest-verify").click();
    await expect(page.getByTestId("manifest-result")).toHaveAttribute("data-ok", "true");
    await expect(page.getByTestId("manifest-result")).toContainText("The manifest is genuine.");

    const tampered = fs.readFileSync(manifestFile, "utf8").replace('"parameters": {', '"parameters": {\n "note": "x",');
    await page.getByTestId("manifest-input").setInputFiles({ name: "tampered.json", mimeType: "application/json", buffer: Buffer.from(tampered) });
    await page.getByTestId("manifest-artefact-input").setInputFiles([]);
    await page.getByTestId("manifest-verify").click();
    const result = page.getByTestId("manifest-result");
    await expect(result).toHaveAttribute("data-ok", "false");
    await expect(result).toContainText("The manifest does not verify.");
    await expect(result).toContainText("signature: does not match the claim");
    await page.screenshot({ path: info.outputPath("provenance-tampered.png"), fullPage: true });
  });

  test("a malformed digest and an unknown one each get a clear message", async ({ page }) => {
    await page.goto("/provenance");
    await page.getByTestId("digest-input").fill("sha256:1234");
    await page.getByTestId("digest-lookup").click();
    await expect(page.getByTestId("lookup-error")).toContainText("is not a SHA-256 digest");
    await page.getByTestId("digest-input").fill(`sha256:${"0".repeat(64)}`);
    await page.getByTestId("digest-lookup").click();
    await expect(page.getByTestId("no-match")).toContainText("No match");
  });

  test("the overview lists the batch whose signature fails beside failed outputs", async ({ page }) => {
    await page.goto("/");
    // Other specs may add invalid signatures of their own: the demo's is the one its producer claims.
    const rows = page.getByTestId("invalid-signature-row").filter({ hasText: DEMO_SIGNER_NAME });
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByRole("link")).toHaveAttribute("href", new RegExp(encodeURIComponent(DEMO_STORY.tamperedSignatureBatch).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await expect(rows.first()).toContainText(DEMO_SIGNER_NAME);
  });

  test("graph nodes carry the signature status: verified on the artefact's batch, invalid on the rewritten one", async ({ page }, info) => {
    await page.goto(`/lineage?${new URLSearchParams({ node: DEMO_STORY.artefactBatch, depth: "1" })}`);
    await expect(nodeOnCanvas(page, DEMO_STORY.artefactBatch).getByTestId("badge-signature")).toHaveAttribute("data-status", "verified");
    await page.screenshot({ path: info.outputPath("explorer-signed-batch.png") });
    await page.goto(`/lineage?${new URLSearchParams({ node: DEMO_STORY.tamperedSignatureBatch, selected: DEMO_STORY.tamperedSignatureBatch, depth: "1" })}`);
    await expect(nodeOnCanvas(page, DEMO_STORY.tamperedSignatureBatch).getByTestId("badge-signature")).toHaveAttribute("data-status", "invalid");
    await expect(page.getByTestId("panel-signature").getByTestId("signature-status")).toHaveAttribute("data-status", "invalid");
  });

  test("the producer keys page lists the demo's registered producer as active", async ({ page }, info) => {
    await page.goto("/admin/signers");
    const row = page.getByTestId("signer-row").filter({ hasText: DEMO_SIGNER_NAME });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("active");
    await page.screenshot({ path: info.outputPath("producer-keys.png"), fullPage: true });
  });

  test("a producer key registered on the page is listed with its key id, revoked after a confirmation, and a bad key is refused in the API's words", async ({ page }, info) => {
    const name = `e2e signer ${Date.now()}`;
    const publicKey = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    await page.goto("/admin/signers");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel(/^Namespaces it may sign for/).fill("s3://e2e-a, s3://e2e-b");
    await page.getByLabel("Public key (SPKI PEM)").fill(publicKey);
    await page.getByRole("button", { name: "Register key" }).click();
    const registered = page.getByTestId("signer-registered");
    await expect(registered).toContainText(name);
    const keyId = (await registered.locator("code").textContent())?.match(/"([0-9a-f]{16})"/)?.[1];
    expect(keyId).toBeDefined();
    const row = page.locator(`[data-testid="signer-row"][data-key-id="${keyId}"]`);
    await expect(row).toContainText("s3://e2e-a, s3://e2e-b");
    await expect(row).toContainText("active");
    // The form is cleared for the next key.
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("");

    // Revoking asks first; dismissing leaves the key active.
    page.once("dialog", (dialog) => void dialog.dismiss());
    await row.getByRole("button", { name: "Revoke" }).click();
    await expect(row).toContainText("active");
    page.once("dialog", (dialog) => {
      expect(dialog.message()).toContain(keyId!);
      void dialog.accept();
    });
    await row.getByRole("button", { name: "Revoke" }).click();
    await expect(row).toContainText("revoked");
    await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);

    // Not a key: the API's reason is shown, and what was typed stays.
    await page.getByLabel("Name", { exact: true }).fill("not a key");
    await page.getByLabel("Public key (SPKI PEM)").fill("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----");
    await page.getByRole("button", { name: "Register key" }).click();
    await expect(page.locator("p[role=alert]")).toContainText("publicKey");
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("not a key");
    await page.screenshot({ path: info.outputPath("producer-keys-revoked.png"), fullPage: true });
  });
});
