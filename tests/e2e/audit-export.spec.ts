import fs from "node:fs";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { canvasNodes, nodeOnCanvas } from "./support/canvas";

// Exports from the explorer as a reviewer takes them: the graph as PNG and SVG (every node, not the
// part on screen) and the printable report.
const expect = baseExpect.configure({ timeout: 15_000 });

const VIEW = `/lineage?node=${encodeURIComponent(DEMO_STORY.fineTunedModelVersions.v3)}&depth=4`;

/** Node ids and boxes on the canvas, in flow coordinates (React Flow's translate), placeholders included. */
async function download(page: Page, testId: string, file: string) {
  await page.getByRole("button", { name: "Export" }).click();
  const [saved] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  await saved.saveAs(file);
  await expect(page.getByTestId("export-status")).toContainText("Saved");
  return saved;
}

test.describe("graph exports", () => {
  test("SVG and PNG hold every node of the view, also those scrolled off screen", async ({ page }, info) => {
    await page.goto(VIEW);
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModelVersions.v3)).toBeVisible();
    // Zoom in so that part of the graph is outside the viewport: the export must not care.
    for (let i = 0; i < 4; i++) await page.locator(".react-flow__controls-zoomin").click();
    await page.waitForTimeout(300);
    const nodes = await canvasNodes(page);
    expect(nodes.length).toBeGreaterThan(15);
    const pane = await page.locator(".react-flow").boundingBox();
    const offScreen = await page.locator(".react-flow__node").evaluateAll(
      (els, rect) => els.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right < rect.x || r.left > rect.x + rect.width || r.bottom < rect.y || r.top > rect.y + rect.height;
      }).length,
      pane!,
    );
    expect(offScreen, "some nodes are off screen before the export").toBeGreaterThan(0);
    const viewportBefore = await page.locator(".react-flow__viewport").getAttribute("style");

    const svgFile = info.outputPath("graph.svg");
    const svg = await download(page, "export-svg", svgFile);
    expect(svg.suggestedFilename()).toMatch(/\.svg$/);
    const svgText = fs.readFileSync(svgFile, "utf8");
    expect(svgText.startsWith("<svg")).toBe(true);
    const names = new Map(
      ((await (await page.request.get(`/api/v1/lineage?nodeId=${encodeURIComponent(DEMO_STORY.fineTunedModelVersions.v3)}&depth=4&limit=300`)).json()) as {
        nodes: { id: string; name: string }[];
      }).nodes.map((n) => [n.id, n.name]),
    );
    for (const node of nodes) {
      expect(svgText, `the SVG draws ${node.id}`).toContain(`data-id="${node.id}"`);
      // Each node's name is in the file as text ("N more" placeholders have none).
      if (!node.id.startsWith("more:")) expect(svgText, `the SVG names ${node.id}`).toContain(names.get(node.id) ?? "?");
    }
    // Real vector: edges are paths with their stroke, so they are visible in any viewer; no HTML inside.
    expect(svgText).toMatch(/<path d="M[^"]+" fill="none" stroke="rgb/);
    expect(svgText).not.toContain("foreignObject");

    // The user's view is given back as it was.
    await expect(page.locator(".react-flow__viewport")).toHaveAttribute("style", viewportBefore ?? "");

    const pngFile = info.outputPath("graph.png");
    await download(page, "export-png", pngFile);
    const png = fs.readFileSync(pngFile);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const bounds = {
      width: Math.max(...nodes.map((n) => n.x + n.width)) - Math.min(...nodes.map((n) => n.x)),
      height: Math.max(...nodes.map((n) => n.y + n.height)) - Math.min(...nodes.map((n) => n.y)),
    };
    // The SVG rasterised at 2x for sharpness: the laid-out size plus the margin, and the caption under it.
    const svgWidth = Number(/<svg[^>]* width="(\d+)"/.exec(svgText)?.[1]);
    const svgHeight = Number(/<svg[^>]* height="(\d+)"/.exec(svgText)?.[1]);
    expect(width).toBe(svgWidth * 2);
    expect(height).toBe(svgHeight * 2);
    expect(svgWidth).toBeGreaterThanOrEqual(Math.floor(bounds.width + 80));
    expect(svgHeight).toBeGreaterThan(bounds.height + 80);
    await info.attach("graph.png", { path: pngFile, contentType: "image/png" });
  });

  test("the menu links the view's PROV-JSON, events and report, pinned to the event the view was read at", async ({ page }) => {
    await page.goto(VIEW);
    await page.getByRole("button", { name: "Export" }).click();
    await expect(page.getByRole("menu")).toContainText(/as of event #\d+/);
    const prov = await page.getByTestId("export-prov").getAttribute("href");
    expect(prov).toMatch(/^\/api\/v1\/export\/prov\?nodeId=.*&depth=4&direction=both&view=version&asOf=\d+&limit=\d+&download=1$/);
    const events = await page.getByTestId("export-events").getAttribute("href");
    expect(events).toMatch(/^\/api\/v1\/export\/events\?.*asOf=\d+/);
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toHaveCount(0);
  });
});

test.describe("printable audit report", () => {
  test("shows the graph, what made each node with its parameters and failures, and the verified, signed head", async ({ page }, info) => {
    await page.goto(`/report?node=${encodeURIComponent(DEMO_STORY.failedBatch)}&depth=2`);
    const report = page.getByTestId("audit-report");
    await expect(report.getByRole("heading", { level: 1 })).toContainText("generated/molecules-batch@2026-11-02");
    await expect(report.getByTestId("verified-badge")).toContainText("Verified");
    await expect(report.getByTestId("report-signature")).toContainText("signature:");

    const graph = report.getByTestId("report-graph");
    const ids = await graph.locator("[data-node-id]").evaluateAll((els) => els.map((el) => el.getAttribute("data-node-id")));
    expect(ids).toContain(DEMO_STORY.failedBatch);
    expect(ids).toContain(DEMO_STORY.failedBatchRun);
    expect(ids).toContain(DEMO_STORY.fineTunedModelVersions.v3);
    await expect(report.getByTestId("report-node")).toHaveCount(ids.length);

    const batch = report.locator(`[data-testid="report-node"][data-node-id="${DEMO_STORY.failedBatch}"]`);
    await expect(batch.locator("tr", { hasText: "temperature" })).toContainText("1.2");
    await expect(batch).toContainText("tox21-alerts");

    // On paper: no app header, no buttons; a clean PDF.
    await page.emulateMedia({ media: "print" });
    await expect(page.locator("body > header")).toBeHidden();
    await expect(page.getByTestId("print-report")).toBeHidden();
    const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await info.attach("report.pdf", { body: pdf, contentType: "application/pdf" });
  });

  test("is in the app's colours on screen, light or dark, and prints dark on white", async ({ page }, info) => {
    const colours = () =>
      page.evaluate(() => {
        const heading = document.querySelector('[data-testid="audit-report"] h1') as HTMLElement;
        const root = getComputedStyle(document.documentElement);
        return {
          page: getComputedStyle(document.body).backgroundColor,
          heading: getComputedStyle(heading).color,
          // The app's own variables, as the rest of the app reads them (app/globals.css).
          app: root.getPropertyValue("--app").trim(),
          ink: root.getPropertyValue("--ink").trim(),
        };
      });
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`/report?node=${encodeURIComponent(DEMO_STORY.failedBatch)}&depth=1`);
    const dark = await colours();
    expect(dark.app).toBe("#0e1117");
    expect([dark.page, dark.heading]).toEqual([rgb(dark.app), rgb(dark.ink)]);
    await info.attach("report-dark.png", { body: await page.screenshot(), contentType: "image/png" });

    await page.emulateMedia({ colorScheme: "light" });
    const light = await colours();
    expect(light.ink).toBe("#17202b");
    expect([light.page, light.heading]).toEqual([rgb(light.app), rgb(light.ink)]);

    // On paper, whatever the screen's scheme: the light colours on white.
    await page.emulateMedia({ colorScheme: "dark", media: "print" });
    const paper = await colours();
    expect([paper.page, paper.heading]).toEqual(["rgb(255, 255, 255)", rgb("#17202b")]);
    await info.attach("report-print.png", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  });
});
