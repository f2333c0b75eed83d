import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";

/**
 * Names, descriptions and facet values from events are data, never markup: an event whose dataset
 * and job are named like HTML that runs script shows those characters on the home page, in the
 * explorer, in the side panel and in a share, and runs nothing (no dialog opens, no image loads).
 */

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>alert(2)</script>";
const DESCRIPTION = `<svg onload=alert(3)> and ${SCRIPT}`;

function watchForScripts(page: Page): { dialogs: string[]; badRequests: string[] } {
  const seen = { dialogs: [] as string[], badRequests: [] as string[] };
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // `<img src=x>` turned into an element would request /x (relative) from the page.
  page.on("request", (request) => {
    if (/\/x$/.test(new URL(request.url()).pathname)) seen.badRequests.push(request.url());
  });
  return seen;
}

test("script-injection names render as inert text on the home page, in the explorer, its panel and a share", async ({ page, request }) => {
  const ns = `e2e-xss-${randomUUID().slice(0, 8)}`;
  const dataset = `dataset:${ns}:${IMG}`;
  const response = await request.post("/api/v1/lineage", {
    data: {
      eventType: "COMPLETE",
      // Far ahead of anything other specs post, so it is the newest run the home page lists.
      eventTime: new Date(Date.UTC(2099, 0, 1) + Date.now() % 1_000_000).toISOString(),
      run: { runId: randomUUID(), facets: { executionParameters: { _producer: "https://threadline.dev/e2e", _schemaURL: "https://openlineage.io/spec/facets/1-0-0/ExecutionParametersRunFacet.json", parameters: [{ key: "prompt", value: SCRIPT }] } } },
      job: { namespace: ns, name: SCRIPT },
      inputs: [],
      outputs: [
        {
          namespace: ns,
          name: IMG,
          facets: { documentation: { _producer: "https://threadline.dev/e2e", _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json", description: DESCRIPTION } },
        },
      ],
      producer: "https://threadline.dev/e2e",
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  const seen = watchForScripts(page);

  // Home page: the newest runs list the job by its name, as text.
  const home = await page.goto("/");
  expect(home?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  await expect(page.getByText(SCRIPT, { exact: true }).first()).toBeVisible();

  // Explorer: the dataset node and the job node show the characters; the panel shows the description.
  await page.goto(`/lineage?node=${encodeURIComponent(dataset)}&selected=${encodeURIComponent(dataset)}`);
  const node = page.locator(`.react-flow__node[data-id="${dataset.replace(/"/g, '\\"')}"]`);
  await expect(node).toContainText(IMG);
  await expect(page.getByTestId("side-panel-title")).toContainText(IMG);
  await expect(page.getByTestId("side-panel")).toContainText(DESCRIPTION);
  await expect(page.locator(`.react-flow__node[data-id="job:${ns}:${SCRIPT}"]`)).toContainText(SCRIPT);

  // A share of it renders the same text, inert, for a reader with the link.
  await page.getByTestId("share-button").click();
  await page.getByTestId("share-create").click();
  const link = await page.getByTestId("share-link").inputValue();
  await page.goto(link);
  await expect(page.getByTestId("share-banner")).toContainText(IMG);
  await expect(page.getByTestId("side-panel")).toContainText(DESCRIPTION);

  // Nothing ran and nothing was injected as an element anywhere on the way.
  expect(seen.dialogs).toEqual([]);
  expect(seen.badRequests).toEqual([]);
  expect(await page.locator("img[src='x'], svg[onload]").count()).toBe(0);
});
