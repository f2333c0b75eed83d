import { randomUUID } from "node:crypto";
import { expect as baseExpect, test, type Browser, type Page } from "@playwright/test";
import { makeRunEvent } from "../api/support/api";
import { idsOnCanvas, nodeOnCanvas } from "./support/canvas";

/**
 * A wide fan-out is folded on screen (its first leaves and "N more"), and every file and link of the
 * view holds exactly what the screen shows: PROV-JSON, the NDJSON's attested view, the report and a
 * share link opened by someone else, both folded and after "N more" was clicked. The focus is a
 * job, so the view is an entity view and its PROV is that entity view (datasets and jobs).
 */

const expect = baseExpect.configure({ timeout: 20_000 });
const PARTS = 30;

/** A screenshot kept beside the test's results and attached to the report. */
async function keepScreenshot(page: Page, name: string, fullPage = false) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await test.info().attach(name, { path, contentType: "image/png" });
}

async function menuHref(page: Page, testId: string): Promise<string> {
  await page.getByRole("button", { name: "Export" }).click();
  const href = await page.getByTestId(testId).getAttribute("href");
  await page.keyboard.press("Escape");
  expect(href).toBeTruthy();
  return href ?? "";
}

/** The node ids a PROV-JSON document names: versions and runs, or datasets and jobs. */
function idsInProv(prov: { entity: Record<string, unknown>; activity: Record<string, unknown> }): string[] {
  const prefixes: Record<string, string> = { tlv: "datasetVersion", tld: "dataset", tlr: "run", tlj: "job" };
  const ids = [...Object.keys(prov.entity), ...Object.keys(prov.activity)].flatMap((key) => {
    const prefix = key.slice(0, key.indexOf(":"));
    return prefixes[prefix] ? [`${prefixes[prefix]}:${decodeURIComponent(key.slice(prefix.length + 1))}`] : [];
  });
  return ids.sort();
}

/** Compares every file and the share of the view on screen with the canvas. */
async function expectFilesHoldTheScreen(page: Page, browser: Browser, shown: string[], moreLabel: string | null) {
  const more = new URL(page.url()).searchParams.getAll("more");

  // PROV-JSON: exactly the nodes on screen, in the view's own granularity.
  const prov = await (await page.request.get(await menuHref(page, "export-prov"))).json();
  expect(idsInProv(prov)).toEqual(shown);
  const statement = JSON.parse(prov.entity["tl:attestation"]["tl:statement"]) as { view: { more: { id: string; direction: string; shown: number }[] } };
  expect(statement.view.more.map((p) => `${p.direction === "upstream" ? "up" : "down"}:${p.shown}:${p.id}`)).toEqual(more);

  // NDJSON: the events behind the view name every node on screen, and its attestation states this exact view.
  const ndjson = await (await page.request.get(await menuHref(page, "export-events"))).text();
  const named = new Set(ndjson.trim().split("\n").flatMap((line) => {
    const event = JSON.parse(line) as { job?: { namespace: string; name: string }; inputs?: { namespace: string; name: string }[]; outputs?: { namespace: string; name: string }[] };
    return [
      ...(event.job ? [`job:${event.job.namespace}:${event.job.name}`] : []),
      ...[...(event.inputs ?? []), ...(event.outputs ?? [])].map((d) => `dataset:${d.namespace}:${d.name}`),
    ];
  }));
  for (const id of shown) expect(named.has(id), `the NDJSON names ${id}`).toBe(true);
  const attestation = await (await page.request.get(await menuHref(page, "export-attestation"))).json();
  expect(attestation.statement.view.more).toEqual(statement.view.more);

  // The report: the same boxes, and the same "N more".
  const report = await page.context().newPage();
  try {
    await report.goto(await menuHref(page, "export-report"));
    const graph = report.getByTestId("report-graph");
    await expect(graph).toBeVisible();
    expect((await graph.locator("[data-node-id]").evaluateAll((els) => els.map((el) => el.getAttribute("data-node-id") ?? ""))).sort()).toEqual(shown);
    if (moreLabel) await expect(graph.locator("[data-more-id]")).toHaveText(moreLabel);
    else await expect(graph.locator("[data-more-id]")).toHaveCount(0);
    await keepScreenshot(report, `report-${shown.length}`, true);
  } finally {
    await report.close();
  }

  // The share, opened by someone with only the link: the same boxes, and the same "N more".
  await page.getByTestId("share-button").click();
  await page.getByTestId("share-create").click();
  const link = await page.getByTestId("share-link").inputValue();
  await page.keyboard.press("Escape");
  const reviewerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const reviewer = await reviewerContext.newPage();
    await reviewer.goto(link);
    await expect(reviewer.locator(".react-flow__node").first()).toBeVisible();
    await expect.poll(() => idsOnCanvas(reviewer)).toEqual(shown);
    if (moreLabel) await expect(reviewer.getByTestId("more-node")).toHaveText(moreLabel);
    else await expect(reviewer.getByTestId("more-node")).toHaveCount(0);
    await keepScreenshot(reviewer, `share-${shown.length}`);
  } finally {
    await reviewerContext.close();
  }
}

test("a folded fan-out, and the same after N more: PROV, NDJSON, the report and a share hold exactly the nodes on screen", async ({ page, browser, request }) => {
  test.setTimeout(360_000);
  const ns = `e2e-fold-${randomUUID().slice(0, 8)}`;
  const job = `job:${ns}:split-shards`;
  const outputs = Array.from({ length: PARTS }, (_, i) => `part-${String(i).padStart(2, "0")}`);
  const posted = await request.post("/api/v1/lineage", { data: makeRunEvent(ns, { job: "split-shards", inputs: ["corpus"], outputs }) });
  expect(posted.status()).toBe(201);

  await page.goto(`/lineage?node=${encodeURIComponent(job)}&depth=1`);
  await expect(nodeOnCanvas(page, job)).toBeVisible();
  const placeholder = page.getByTestId("more-node");
  await expect(placeholder).toHaveText(`${PARTS - 8} more`);
  const folded = await idsOnCanvas(page);
  expect(folded).toHaveLength(1 + 1 + 8);
  expect(folded).toContain(`dataset:${ns}:corpus`);
  await keepScreenshot(page, "explorer-folded");
  await expectFilesHoldTheScreen(page, browser, folded, `${PARTS - 8} more`);

  // "N more": the next page, kept in the address, and every file follows it.
  await placeholder.click();
  await expect(page).toHaveURL(/more=down%3A28%3Ajob%3A/);
  await expect(placeholder).toHaveText(`${PARTS - 28} more`);
  const paged = await idsOnCanvas(page);
  expect(paged).toHaveLength(1 + 1 + 28);
  await expectFilesHoldTheScreen(page, browser, paged, `${PARTS - 28} more`);
  await keepScreenshot(page, "explorer-paged");

  // Every leaf on screen: no placeholder anywhere. (Paging keeps the framing; "fit view" brings the
  // placeholder, now below the first 28 leaves, into sight.)
  await page.getByRole("button", { name: /fit view/i }).click();
  await placeholder.click();
  await expect(placeholder).toHaveCount(0);
  const all = await idsOnCanvas(page);
  expect(all).toHaveLength(1 + 1 + PARTS);
  await expectFilesHoldTheScreen(page, browser, all, null);
});
