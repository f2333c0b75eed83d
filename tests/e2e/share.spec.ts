import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { nodeOnCanvas } from "./support/canvas";

/**
 * Share links as people use them: a person shares a view from the explorer; a reviewer with only
 * the link, in a browser with no cookies, sees the frozen view and its verification; later events
 * touching the shared node do not change it; once revoked the link shows nothing.
 * Runs against the open (demo-mode) e2e server, in a namespace of its own.
 */


function runEvent(ns: string, job: string, inputs: string[], outputs: { name: string; description?: string }[]) {
  return {
    eventType: "COMPLETE",
    eventTime: new Date().toISOString(),
    run: { runId: randomUUID() },
    job: { namespace: ns, name: job },
    inputs: inputs.map((name) => ({ namespace: ns, name })),
    outputs: outputs.map(({ name, description }) => ({
      namespace: ns,
      name,
      ...(description ? { facets: { documentation: { _producer: "https://threadline.dev/e2e", _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json", description } } } : {}),
    })),
    producer: "https://threadline.dev/e2e",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  };
}

async function ingest(request: APIRequestContext, event: object) {
  const response = await request.post("/api/v1/lineage", { data: event });
  expect(response.status(), await response.text()).toBe(201);
}

test("a share link shows a frozen, verified view to anyone holding it, ignores later events, and shows nothing once revoked", async ({ page, browser, request }) => {
  const ns = `e2e-share-${randomUUID().slice(0, 8)}`;
  const corpus = `dataset:${ns}:corpus`;
  await ingest(request, runEvent(ns, "prepare", ["raw"], [{ name: "corpus", description: "Curated corpus, as reviewed in November" }]));
  await ingest(request, runEvent(ns, "train", ["corpus"], [{ name: "model" }]));

  // ---- the owner shares the explorer's view of the corpus, with the corpus selected ----
  await page.goto(`/lineage?node=${encodeURIComponent(corpus)}&selected=${encodeURIComponent(corpus)}`);
  await expect(nodeOnCanvas(page, corpus)).toBeVisible();
  await expect(page.getByTestId("side-panel-title")).toContainText("corpus");
  await page.getByTestId("share-button").click();
  await page.getByTestId("share-note-input").fill("Please review the corpus lineage");
  await page.getByTestId("share-create").click();
  const link = await page.getByTestId("share-link").inputValue();
  expect(link).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/);
  const token = link.split("/share/")[1];

  // ---- a reviewer with only the link: a fresh context, no cookies ----
  const reviewerContext = await browser.newContext();
  const reviewer = await reviewerContext.newPage();
  const opened = await reviewer.goto(link);
  expect(opened?.status()).toBe(200);
  const banner = reviewer.getByTestId("share-banner");
  await expect(banner).toContainText("Frozen view");
  await expect(reviewer.getByTestId("share-verified")).toBeVisible();
  await expect(reviewer.getByTestId("share-note")).toHaveText("Please review the corpus lineage");
  const headText = await reviewer.getByTestId("share-head").innerText();
  const headSeq = Number(/event #(\d+)/.exec(headText)?.[1]);
  expect(headSeq).toBeGreaterThan(0);
  const frozenIds = ["corpus", "raw", "model"].map((n) => `dataset:${ns}:${n}`).concat([`job:${ns}:prepare`, `job:${ns}:train`]);
  for (const id of frozenIds) await expect(nodeOnCanvas(reviewer, id)).toBeAttached();
  await expect(reviewer.locator(".react-flow__node")).toHaveCount(frozenIds.length);
  // The panel opens at the node that was selected, with the details frozen with it; nothing expands.
  await expect(reviewer.getByTestId("side-panel-title")).toContainText("corpus");
  await expect(reviewer.getByTestId("side-panel")).toContainText("Curated corpus, as reviewed in November");
  await expect(reviewer.getByTestId("expand-upstream")).toHaveCount(0);
  await expect(reviewer.getByTestId("expand-downstream")).toHaveCount(0);
  await nodeOnCanvas(reviewer, `job:${ns}:train`).click();
  await expect(reviewer.getByTestId("side-panel-title")).toContainText("train");

  // ---- more events touch the shared node: a new reader of it, and a new description ----
  await ingest(request, runEvent(ns, "evaluate", ["corpus"], [{ name: "report" }]));
  await ingest(request, runEvent(ns, "prepare", ["raw"], [{ name: "corpus", description: "Rewritten after the share" }]));
  const live = await request.get(`/api/v1/lineage?nodeId=${encodeURIComponent(corpus)}&depth=2`);
  expect((await live.json()).nodes.map((n: { id: string }) => n.id)).toContain(`job:${ns}:evaluate`);
  const liveCorpus = await (await request.get(`/api/v1/nodes/${encodeURIComponent(corpus)}`)).json();
  expect(liveCorpus.description).toBe("Rewritten after the share");

  await reviewer.reload();
  await expect(reviewer.getByTestId("share-verified")).toBeVisible();
  await expect(reviewer.getByTestId("share-head")).toContainText(`event #${headSeq}`);
  await expect(reviewer.locator(".react-flow__node")).toHaveCount(frozenIds.length);
  await expect(nodeOnCanvas(reviewer, `job:${ns}:evaluate`)).toHaveCount(0);
  await expect(reviewer.getByTestId("side-panel")).toContainText("Curated corpus, as reviewed in November");
  await expect(reviewer.getByTestId("side-panel")).not.toContainText("Rewritten after the share");

  // ---- the owner revokes it from the list of shared links ----
  await page.goto("/share");
  const row = page.getByTestId("share-row").filter({ hasText: ns });
  await expect(row).toContainText("active");
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByTestId("share-revoke").click();
  await expect(row).toContainText("revoked");

  const afterRevoke = await reviewer.goto(link);
  expect(afterRevoke?.status()).toBe(404);
  await expect(reviewer.getByTestId("share-unavailable")).toBeVisible();
  await expect(reviewer.locator(".react-flow__node")).toHaveCount(0);
  await expect(reviewer.locator("body")).not.toContainText("corpus");
  const api = await reviewerContext.request.get(`/api/v1/shares/${token}`);
  expect(api.status()).toBe(410);
  expect(await api.text()).not.toContain("corpus");
  await reviewerContext.close();
});

test("a share holds the view on screen when it was made, even when events arrived after the screen was read", async ({ page, browser, request }) => {
  const ns = `e2e-share-now-${randomUUID().slice(0, 8)}`;
  const corpus = `dataset:${ns}:corpus`;
  await ingest(request, runEvent(ns, "prepare", ["raw"], [{ name: "corpus" }]));
  await ingest(request, runEvent(ns, "train", ["corpus"], [{ name: "model" }]));

  await page.goto(`/lineage?node=${encodeURIComponent(corpus)}&selected=${encodeURIComponent(corpus)}`);
  await expect(nodeOnCanvas(page, `job:${ns}:train`)).toBeVisible();
  const shown = (await page.locator(".react-flow__node").evaluateAll((els) => els.map((el) => el.getAttribute("data-id")))).sort();
  // The log's head when the screen was read (nothing else writes meanwhile: one worker).
  const screenHead = Number((await (await request.get("/api/v1/audit/head")).json()).statement.head.seq);

  // While the person reads the screen, a new reader of the corpus and a new description arrive.
  await ingest(request, runEvent(ns, "evaluate", ["corpus"], [{ name: "report" }]));
  await ingest(request, runEvent(ns, "prepare", ["raw"], [{ name: "corpus", description: "Rewritten after the screen was read" }]));
  await expect(nodeOnCanvas(page, `job:${ns}:evaluate`)).toHaveCount(0);

  await page.getByTestId("share-button").click();
  await page.getByTestId("share-create").click();
  const link = await page.getByTestId("share-link").inputValue();
  const reviewerContext = await browser.newContext();
  try {
    const reviewer = await reviewerContext.newPage();
    await reviewer.goto(link);
    // The share is the screen: the event it was read at, its nodes, its panel.
    await expect(reviewer.getByTestId("share-head")).toContainText(`event #${screenHead}`);
    await expect(reviewer.getByTestId("share-verified")).toBeVisible();
    await expect(nodeOnCanvas(reviewer, corpus)).toBeAttached();
    expect((await reviewer.locator(".react-flow__node").evaluateAll((els) => els.map((el) => el.getAttribute("data-id")))).sort()).toEqual(shown);
    await expect(nodeOnCanvas(reviewer, `job:${ns}:evaluate`)).toHaveCount(0);
    await expect(reviewer.getByTestId("side-panel")).not.toContainText("Rewritten after the screen was read");
  } finally {
    await reviewerContext.close();
  }
});
