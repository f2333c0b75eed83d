import { createHash, createPublicKey, generateKeyPairSync, randomUUID } from "node:crypto";
import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { DEMO_SIGNER_NAME } from "../../lib/demo/provenance";
import { investigateHref } from "../../components/investigate/investigate-href";
import { sha, signWith } from "../fixtures/provenance-story";
import { lineageUrl, nodeOnCanvas } from "./support/canvas";

// The producer signature badge wherever an artefact is drawn: a dataset in the entity graph (for
// its latest version), the investigation graph, and a share link, whose statuses are derived when
// it is read, so a key revoked after the share was made reads "signer revoked" there.
const expect = baseExpect.configure({ timeout: 15_000 });

test.describe("signature badges", () => {
  test("a dataset in the entity graph carries its latest version's signature, with the signer in its tooltip", async ({ page }, info) => {
    await page.goto(lineageUrl(DEMO_STORY.generatedBatches, "&depth=1"));
    const badge = nodeOnCanvas(page, DEMO_STORY.generatedBatches).getByTestId("badge-signature");
    await expect(badge).toHaveAttribute("data-status", "verified");
    await expect(badge).toHaveText(/signed/i);
    await expect(badge).toHaveAttribute("title", `Latest version 2026-11-06: signature verified (signer: ${DEMO_SIGNER_NAME})`);
    // A job has no signature.
    await expect(page.locator(".react-flow__node[data-id^='job:'] [data-testid='badge-signature']")).toHaveCount(0);
    await page.screenshot({ path: info.outputPath("entity-signature-badge.png") });
  });

  test("the investigation graph marks each signed version: verified on the failed batch, with its signer", async ({ page }, info) => {
    await page.goto(investigateHref(DEMO_STORY.failedBatch));
    const badge = nodeOnCanvas(page, DEMO_STORY.failedBatch).getByTestId("badge-signature");
    await expect(badge).toHaveAttribute("data-status", "verified");
    await expect(badge).toHaveAttribute("title", `Signature verified (signer: ${DEMO_SIGNER_NAME})`);
    await page.screenshot({ path: info.outputPath("investigate-signature-badge.png") });
  });

  test("a share shows the signature as read now: verified when shared, signer revoked once the key is revoked", async ({ page, browser, request }, info) => {
    // A producer of this test's own, so revoking its key touches nothing else.
    const ns = `e2e-sig-${randomUUID().slice(0, 8)}`;
    const pair = generateKeyPairSync("ed25519");
    const key = { name: `${ns} producer`, privateKey: pair.privateKey, publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString() };
    const keyId = createHash("sha256").update(createPublicKey(key.publicKeyPem).export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
    expect((await request.post("/api/v1/signers", { data: { name: key.name, publicKey: key.publicKeyPem } })).status()).toBe(201);
    const contentHash = sha(`${ns} batch`);
    const event = {
      eventType: "COMPLETE",
      eventTime: new Date().toISOString(),
      producer: "https://threadline.dev/e2e",
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
      run: { runId: randomUUID() },
      job: { namespace: ns, name: "generate" },
      inputs: [],
      outputs: [{ namespace: ns, name: "batches", facets: { version: { datasetVersion: "b1" }, threadline_provenance: { contentHash, signature: signWith(key, contentHash), signerKeyId: keyId } } }],
    };
    const posted = await request.post("/api/v1/lineage", { data: event });
    expect(posted.status(), await posted.text()).toBe(201);
    const version = `datasetVersion:${ns}:batches:b1`;

    // ---- the owner shares the explorer's view of the version, selected ----
    await page.goto(`/lineage?${new URLSearchParams({ node: version, selected: version })}`);
    await expect(nodeOnCanvas(page, version).getByTestId("badge-signature")).toHaveAttribute("data-status", "verified");
    await page.getByTestId("share-button").click();
    await page.getByTestId("share-create").click();
    const link = await page.getByTestId("share-link").inputValue();

    // ---- a reviewer with only the link ----
    const reviewerContext = await browser.newContext();
    const reviewer = await reviewerContext.newPage();
    await reviewer.goto(link);
    const badge = nodeOnCanvas(reviewer, version).getByTestId("badge-signature");
    await expect(badge).toHaveAttribute("data-status", "verified");
    await expect(badge).toHaveAttribute("title", `Signature verified (signer: ${key.name})`);
    await expect(reviewer.getByTestId("panel-signature").getByTestId("signature-status")).toHaveAttribute("data-status", "verified");
    // The signature is shown, but a share page links nowhere outside its snapshot (no live provenance page).
    await expect(reviewer.getByTestId("panel-signature").locator("a")).toHaveCount(0);
    await reviewer.screenshot({ path: info.outputPath("share-signature-verified.png") });

    // ---- the producer's key is revoked after the share was made ----
    expect((await request.delete(`/api/v1/signers/${keyId}`)).status()).toBe(200);
    await reviewer.reload();
    await expect(badge).toHaveAttribute("data-status", "revoked");
    await expect(badge).toHaveAttribute("title", `Signer revoked (signer: ${key.name})`);
    await expect(reviewer.getByTestId("panel-signature").getByTestId("signature-status")).toHaveAttribute("data-status", "revoked");
    await reviewer.screenshot({ path: info.outputPath("share-signature-revoked.png") });
    await reviewerContext.close();
  });
});
