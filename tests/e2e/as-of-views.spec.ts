import fs from "node:fs";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { DEMO_STORY as S } from "../../lib/demo/drug-discovery";
import { idsOnCanvas, nodeOnCanvas } from "./support/canvas";

// What the screen shows is true: an as-of view says so, its nodes and panel are as of then, and
// the share link and every export hold exactly the view on screen.
const expect = baseExpect.configure({ timeout: 15_000 });
const q = encodeURIComponent;
/** The day after the fine-tuned model's v1 was made and before v2 (2026-10-09). */
const BEFORE_V2 = "2026-10-05";

async function download(page: Page, testId: string, file: string) {
  await page.getByRole("button", { name: "Export" }).click();
  const [saved] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  await saved.saveAs(file);
  return file;
}

/** Every anchor's address on the page, resolved. */
async function anchorsOf(page: Page): Promise<string[]> {
  return page.locator("a[href]").evaluateAll((els) => els.map((el) => (el as HTMLAnchorElement).href));
}

test("an as-of explorer view says so, shows then, and its share link freezes exactly that view", async ({ page, browser }, info) => {
  await page.goto(`/lineage?node=${q(S.fineTunedModel)}&depth=1`);
  await expect(nodeOnCanvas(page, S.fineTunedModel)).toContainText("latest v3");
  await expect(page.getByTestId("as-of-banner")).toHaveCount(0);

  // ---- as of before v2: the banner, the node's subtitle and the panel are as of then ----
  await page.getByTestId("as-of-input").fill(BEFORE_V2);
  await page.getByTestId("as-of-input").press("Enter");
  const banner = page.getByTestId("as-of-banner");
  await expect(banner).toContainText(/Viewing event #\d+ · 2026-10-0\d/);
  await expect(banner.getByTestId("as-of-back")).toHaveText("back to now");
  const seq = Number(/#(\d+)/.exec(await banner.innerText())?.[1]);
  await expect(nodeOnCanvas(page, S.fineTunedModel)).toContainText("latest v1");
  await nodeOnCanvas(page, S.fineTunedModel).click();
  const panel = page.getByTestId("side-panel");
  await expect(panel.getByTestId("side-panel-as-of")).toContainText(`As of event #${seq}`);
  const versions = panel.getByTestId("section-versions");
  await expect(versions).toContainText("v1");
  await expect(versions).not.toContainText("v2");
  await expect(versions).not.toContainText("v3");
  await expect(panel.getByTestId("section-changes")).not.toContainText("v2");
  const shown = await idsOnCanvas(page);
  await info.attach("explorer-as-of", { body: await page.screenshot(), contentType: "image/png" });

  // ---- shared, and opened by someone with only the link: the same nodes and versions, as of the same event ----
  await page.getByTestId("share-button").click();
  await page.getByTestId("share-create").click();
  const link = await page.getByTestId("share-link").inputValue();
  const token = link.split("/share/")[1];
  const reviewerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const reviewer = await reviewerContext.newPage();
    await reviewer.goto(link);
    await expect(reviewer.getByTestId("share-head")).toContainText(`event #${seq}`);
    await expect(nodeOnCanvas(reviewer, S.fineTunedModel)).toContainText("latest v1");
    expect(await idsOnCanvas(reviewer)).toEqual(shown);
    // It stands alone: none of the live app around it.
    await expect(reviewer.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await expect(reviewer.getByTestId("verify-badge")).toHaveCount(0);
    await info.attach("share-as-of", { body: await reviewer.screenshot(), contentType: "image/png" });
  } finally {
    await reviewerContext.close();
  }

  // ---- back to now ----
  await banner.getByTestId("as-of-back").click();
  await expect(page.getByTestId("as-of-banner")).toHaveCount(0);
  await expect(nodeOnCanvas(page, S.fineTunedModel)).toContainText("latest v3");
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
});

test("PNG, SVG and PROV of an expanded as-of view hold every node on screen and nothing else", async ({ page }, info) => {
  await page.goto(`/lineage?node=${q(S.fineTunedModelVersions.v1)}&depth=1&asOf=${BEFORE_V2}`);
  await expect(page.getByTestId("as-of-banner")).toBeVisible();
  const run = nodeOnCanvas(page, S.finetuneRuns.v1);
  await run.getByTestId("expand-upstream").click();
  await expect(page).toHaveURL(/expand=up%3Arun%3A/);
  await expect(nodeOnCanvas(page, S.baseModelVersion)).toBeVisible();
  const shown = await idsOnCanvas(page);
  expect(shown.length).toBeGreaterThanOrEqual(5);

  // SVG: parses as SVG, no HTML inside, one group per node on screen and no other.
  const svgText = fs.readFileSync(await download(page, "export-svg", info.outputPath("view.svg")), "utf8");
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    return {
      root: doc.documentElement.tagName,
      errors: doc.getElementsByTagName("parsererror").length,
      foreignObjects: doc.getElementsByTagName("foreignObject").length,
      ids: [...doc.querySelectorAll("g[data-id]")].map((g) => g.getAttribute("data-id") ?? "").filter((id) => !id.startsWith("more:")).sort(),
      rects: doc.getElementsByTagName("rect").length,
      paths: doc.querySelectorAll("g.edges path").length,
      caption: [...doc.querySelectorAll("svg > text")].map((t) => t.textContent).join("\n"),
    };
  }, svgText);
  expect(parsed).toMatchObject({ root: "svg", errors: 0, foreignObjects: 0 });
  expect(parsed.ids).toEqual(shown);
  expect(parsed.paths).toBeGreaterThanOrEqual(shown.length - 1);
  expect(parsed.caption).toMatch(/As of event #\d+/);
  expect(parsed.caption).toContain("1 expanded");
  expect(svgText.length).toBeLessThan(100_000);
  // No interactive chips in the drawing.
  expect(svgText).not.toMatch(/>\+\d+</);

  // PNG: the same drawing, rasterised at 2x.
  const png = fs.readFileSync(await download(page, "export-png", info.outputPath("view.png")));
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  expect(png.readUInt32BE(16)).toBe(2 * Number(/<svg[^>]* width="(\d+)"/.exec(svgText)?.[1]));
  await info.attach("view.png", { body: png, contentType: "image/png" });

  // PROV: exactly the versions and runs on screen, and the view it states is this one.
  await page.getByRole("button", { name: "Export" }).click();
  const provHref = await page.getByTestId("export-prov").getAttribute("href");
  await page.keyboard.press("Escape");
  const prov = (await (await page.request.get(provHref ?? "")).json()) as { entity: Record<string, { "tl:statement"?: string }>; activity: Record<string, unknown> };
  const fromProv = [
    ...Object.keys(prov.entity).filter((k) => k.startsWith("tlv:")).map((k) => `datasetVersion:${k.slice(4)}`),
    ...Object.keys(prov.activity).filter((k) => k.startsWith("tlr:")).map((k) => `run:${k.slice(4)}`),
  ].sort();
  expect(fromProv).toEqual(shown);
  const statement = JSON.parse(prov.entity["tl:attestation"]["tl:statement"] ?? "{}") as { view: { asOf: number; expand: unknown[] } };
  expect(statement.view.expand).toEqual([{ id: S.finetuneRuns.v1, direction: "upstream" }]);
  expect(statement.view.asOf).toBe(Number(/#(\d+)/.exec(await page.getByTestId("as-of-banner").innerText())?.[1]));
});

test("a share's page links only inside its snapshot, and offers the snapshot's files pinned to its head", async ({ page, request }) => {
  // The failed batch: its node carries an "investigate" chip in the explorer, which a share must not.
  const created = await request.post("/api/v1/shares", {
    data: { view: { nodeId: S.failedBatch, depth: 2, direction: "upstream", selectedId: S.failedBatchRun } },
  });
  expect(created.status()).toBe(201);
  const { token, share } = (await created.json()) as { token: string; share: { head: { seq: number } } };
  const inside = (href: string) => {
    const url = new URL(href);
    return url.origin === new URL(page.url()).origin && (url.pathname.startsWith(`/share/${token}`) || url.pathname.startsWith(`/api/v1/shares/${token}/`));
  };

  await page.goto(`/share/${token}`);
  await expect(nodeOnCanvas(page, S.failedBatch)).toBeVisible();
  await expect(page.getByTestId("investigate-node-link")).toHaveCount(0);
  await page.getByRole("button", { name: "Export" }).click();
  await expect(page.getByRole("menu")).toContainText(`as of event #${share.head.seq}`);
  const anchors = await anchorsOf(page);
  expect(anchors.length).toBeGreaterThan(3);
  expect(anchors.filter((href) => !inside(href))).toEqual([]);

  // Its files are the snapshot's, at its head.
  const provHref = await page.getByTestId("export-prov").getAttribute("href");
  const prov = await page.request.get(provHref ?? "");
  expect(prov.status()).toBe(200);
  expect(prov.headers()["threadline-head-seq"]).toBe(String(share.head.seq));
  const events = await page.request.get((await page.getByTestId("export-events").getAttribute("href")) ?? "");
  expect(events.headers()["threadline-head-seq"]).toBe(String(share.head.seq));

  // Its report is the snapshot's too, and links nowhere outside it either.
  await page.goto(`/share/${token}/report`);
  await expect(page.getByTestId("audit-report")).toBeVisible();
  await expect(page.getByTestId("report-point")).toContainText(`event #${share.head.seq}`);
  await expect(page.getByTestId("share-report-verified")).toBeVisible();
  expect((await anchorsOf(page)).filter((href) => !inside(href))).toEqual([]);
});

test("a page whose address is not a view says what is wrong and how to fix it", async ({ page }) => {
  await page.goto(`/lineage?node=${q(S.fineTunedModel)}&depth=99&direction=sideways`);
  const problems = page.getByTestId("view-address-problems");
  await expect(problems).toContainText("depth");
  await expect(problems).toContainText("direction=upstream, downstream or both");
  // One click on the fix opens the view with the bad parts at their defaults.
  await problems.getByTestId("view-address-fix").click();
  await expect(nodeOnCanvas(page, S.fineTunedModel)).toBeVisible();
  expect(new URL(page.url()).searchParams.get("depth")).toBeNull();
  expect(new URL(page.url()).searchParams.get("direction")).toBeNull();
  await page.goto(`/report?node=${q(S.fineTunedModel)}&depth=banana`);
  await expect(page.getByTestId("view-address-problems")).toContainText("depth");
});

test("an as-of view of a node made later says when it was first recorded and opens it now in one click", async ({ page, request }) => {
  // The model's first event (the run that made v1, 2026-10-04) is the oldest that touched it.
  const audit = await (await request.get(`/api/v1/audit/events?node=${q(S.fineTunedModel)}&limit=200`)).json();
  const firstSeq = Math.min(...audit.events.map((event: { seq: number }) => event.seq));
  const before = "2026-10-02";

  await page.goto(`/lineage?node=${q(S.fineTunedModel)}&asOf=${before}`);
  const missing = page.getByTestId("as-of-missing");
  // Not "not in the store … search for it": it is there, only not yet as of that point.
  await expect(missing).toContainText(`${S.fineTunedModel} did not exist yet`);
  await expect(missing).toContainText(`it was first recorded at event #${firstSeq}.`);
  await expect(page.getByText("Nothing is recorded under")).toHaveCount(0);
  await page.getByTestId("as-of-missing-now").click();
  await expect(nodeOnCanvas(page, S.fineTunedModel)).toContainText("latest v3");
  expect(new URL(page.url()).searchParams.get("asOf")).toBeNull();

  // The report of the same view as of then says the same.
  await page.goto(`/report?node=${q(S.fineTunedModel)}&asOf=${before}`);
  await expect(page.getByText(`it was first recorded at event #${firstSeq}.`)).toBeVisible();
});
