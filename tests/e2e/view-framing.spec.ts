import { randomUUID } from "node:crypto";
import { expect as baseExpect, test, type APIRequestContext, type Page } from "@playwright/test";
import { LEGIBLE_TEXT_PX } from "../../lib/lineage/compact-view";
import { illegibleNodes, lineageUrl, nodeOnCanvas, nodesOutsideCanvas } from "./support/canvas";
import { postFanOut } from "./support/fan-out";

/**
 * What the user came for is in view: measured in the page (bounding boxes), on views each test
 * builds itself. Every node of a small view sits inside the visible canvas with its title drawn at
 * least LEGIBLE_TEXT_PX tall, whatever opened it (an address, search, a change of direction and
 * depth), with the side panel open or closed, on a laptop's screen and a small one; a long edge
 * runs round the nodes it skips, never behind them; a big view opens with its focus on screen.
 */
const expect = baseExpect.configure({ timeout: 15_000 });

const PRODUCER = "https://threadline.dev/e2e/view-framing";

/** Posts one run and answers its event's number in the log. */
async function postRun(request: APIRequestContext, namespace: string, job: string, inputs: string[], outputs: string[]): Promise<number> {
  const response = await request.post("/api/v1/lineage", {
    data: {
      eventType: "COMPLETE",
      eventTime: new Date().toISOString(),
      run: { runId: randomUUID() },
      job: { namespace, name: job },
      inputs: inputs.map((name) => ({ namespace, name })),
      outputs: outputs.map((name) => ({ namespace, name })),
      producer: PRODUCER,
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { seq: number }).seq;
}

/**
 * A 9-node chain: stage-0 -> step-1 -> stage-1 -> ... -> step-4 -> stage-4, and step-4 also reads
 * stage-0, an edge that skips seven ranks past every other node of the chain.
 */
async function seedChain(request: APIRequestContext, label: string) {
  const ns = `e2e-frame-${label}-${randomUUID().slice(0, 8)}`;
  /** The event that recorded each step's run, by step number. */
  const seqs: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const inputs = i === 4 ? [`stage-${i - 1}`, "stage-0"] : [`stage-${i - 1}`];
    seqs[i] = await postRun(request, ns, `step-${i}`, inputs, [`stage-${i}`]);
  }
  return {
    ns,
    first: `dataset:${ns}:stage-0`,
    last: `dataset:${ns}:stage-4`,
    middle: `dataset:${ns}:stage-2`,
    longEdge: `dataset:${ns}:stage-0->job:${ns}:step-4`,
    seqs,
  };
}

/**
 * Every node of the view is drawn and, once the view has settled, inside the visible canvas, its
 * title legible (font size times the canvas's zoom, measured in the page).
 */
async function expectWholeViewOnScreen(page: Page, nodeCount: number) {
  // The server draws the first view before the page answers clicks: wait until it does.
  await expect(page.getByTestId("lineage-explorer")).toHaveAttribute("aria-busy", "false");
  await expect(page.locator(".react-flow__node")).toHaveCount(nodeCount);
  await expect.poll(() => nodesOutsideCanvas(page)).toEqual([]);
  await expect.poll(() => illegibleNodes(page, LEGIBLE_TEXT_PX)).toEqual([]);
}

const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
];

for (const viewport of VIEWPORTS) test.describe(`framing at ${viewport.width}x${viewport.height}`, () => {
  test.use({ viewport });

  test("a 9-node chain at depth 8 opens with every node on screen, and stays so with the panel open", async ({ page, request }) => {
    const chain = await seedChain(request, "chain");
    await page.goto(lineageUrl(chain.last, "&depth=8&direction=upstream"));
    await expectWholeViewOnScreen(page, 9);

    await nodeOnCanvas(page, chain.middle).click();
    await expect(page.getByTestId("side-panel")).toBeVisible();
    await expectWholeViewOnScreen(page, 9);
    // the panel sits beside the canvas, not on it
    const panel = (await page.getByTestId("side-panel").boundingBox())!;
    const canvas = (await page.getByTestId("lineage-canvas").boundingBox())!;
    expect(canvas.x + canvas.width).toBeLessThanOrEqual(panel.x + 0.5);

    await page.getByTestId("side-panel-close").click();
    await expect(page.getByTestId("side-panel")).toHaveCount(0);
    await expectWholeViewOnScreen(page, 9);
  });

  test("a small view as of an earlier event is whole and legible, panel open and closed", async ({ page, request }) => {
    const chain = await seedChain(request, "asof");
    await page.goto(lineageUrl(chain.middle, "&depth=8&direction=both"));
    await expectWholeViewOnScreen(page, 9);
    // As of step-2's run: stage-0 -> step-1 -> stage-1 -> step-2 -> stage-2, nothing after.
    await page.getByTestId("as-of-input").fill(String(chain.seqs[2]));
    await page.getByTestId("as-of-input").press("Enter");
    await expect(page.getByTestId("as-of-banner")).toBeVisible();
    await expectWholeViewOnScreen(page, 5);
    await nodeOnCanvas(page, chain.first).click();
    await expect(page.getByTestId("side-panel-as-of")).toBeVisible();
    await expectWholeViewOnScreen(page, 5);
  });

  test("a view opened from search with a selection shows every node", async ({ page, request }) => {
    const chain = await seedChain(request, "search");
    await page.goto("/");
    await page.getByTestId("search-trigger").click();
    await page.getByRole("combobox", { name: /search/i }).fill(chain.ns);
    await page.locator(`[data-testid="search-result"][data-node-id="${chain.middle}"]`).click();
    await expect(page.getByTestId("side-panel")).toHaveAttribute("data-node-id", chain.middle);
    await expect.poll(() => page.locator(".react-flow__node").count()).toBeGreaterThanOrEqual(5);
    await expect.poll(() => nodesOutsideCanvas(page)).toEqual([]);
    await expect.poll(() => illegibleNodes(page, LEGIBLE_TEXT_PX)).toEqual([]);
  });

  test("after switching direction and depth, with and without the panel, every node is on screen", async ({ page, request }) => {
    const chain = await seedChain(request, "switch");
    await page.goto(lineageUrl(chain.middle, "&depth=1&direction=both"));
    await expectWholeViewOnScreen(page, 3);

    await page.getByRole("group", { name: "Direction" }).getByRole("button", { name: "Upstream" }).click();
    await page.getByTestId("depth-increase").click();
    await page.getByTestId("depth-increase").click();
    await page.getByTestId("depth-increase").click();
    await expect(page.getByTestId("depth-value")).toHaveText("4");
    await expectWholeViewOnScreen(page, 5);

    await nodeOnCanvas(page, chain.first).click();
    await expect(page.getByTestId("side-panel")).toBeVisible();
    await expectWholeViewOnScreen(page, 5);

    await page.getByRole("group", { name: "Direction" }).getByRole("button", { name: "Both" }).click();
    await expectWholeViewOnScreen(page, 9);
  });

  test("a big view opens with its focus on screen at a readable size", async ({ page, request }) => {
    const hub = await postFanOut(request, { namespacePrefix: "e2e-frame-big", readers: 40, producer: PRODUCER });

    await page.goto(lineageUrl(hub, "&depth=2&direction=downstream"));
    const focus = nodeOnCanvas(page, hub);
    await expect(focus).toBeVisible();
    await expect.poll(() => nodesOutsideCanvas(page).then((outside) => outside.includes(hub))).toBe(false);
    // readable: the focus box is drawn at least at 0.65 of its 304 px width
    const box = (await focus.boundingBox())!;
    expect(box.width).toBeGreaterThan(304 * 0.6);
  });
});

test.describe("edge routing", () => {
  test("an edge that skips ranks runs round the nodes between its ends", async ({ page, request }) => {
    const chain = await seedChain(request, "route");
    await page.goto(lineageUrl(chain.last, "&depth=8&direction=upstream"));
    await expectWholeViewOnScreen(page, 9);
    await expect(page.locator(`.react-flow__edge[data-id="${chain.longEdge}"]`)).toHaveCount(1);

    // Sample every drawn edge every 3 px along its path, in screen coordinates, against every
    // node box but its own two ends (shrunk by 2 px: touching an outline is not crossing).
    const crossings = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll<HTMLElement>(".react-flow__node")].map((node) => ({ id: node.dataset.id!, box: node.getBoundingClientRect() }));
      const found: string[] = [];
      for (const edge of document.querySelectorAll<SVGGElement>(".react-flow__edge")) {
        const id = edge.dataset.id!;
        const [source, target] = id.split("->");
        const path = edge.querySelector<SVGPathElement>("path.react-flow__edge-path")!;
        const matrix = path.getScreenCTM()!;
        const length = path.getTotalLength();
        for (let at = 0; at <= length; at += 3) {
          const local = path.getPointAtLength(at);
          const point = new DOMPoint(local.x, local.y).matrixTransform(matrix);
          const hit = boxes.find(
            ({ id: nodeId, box }) =>
              nodeId !== source && nodeId !== target && point.x > box.left + 2 && point.x < box.right - 2 && point.y > box.top + 2 && point.y < box.bottom - 2,
          );
          if (hit) {
            found.push(`${id} passes behind ${hit.id}`);
            break;
          }
        }
      }
      return found;
    });
    expect(crossings).toEqual([]);
  });
});

test.describe("side panel", () => {
  test("its section links scroll the panel, never the page", async ({ page }) => {
    await page.goto("/");
    const runLink = page.locator('a[href^="/lineage?node=job"]').first();
    const href = await runLink.getAttribute("href");
    const jobId = new URL(href!, "http://x").searchParams.get("node")!;
    await page.goto(lineageUrl(jobId, `&selected=${encodeURIComponent(jobId)}`));
    const panel = page.getByTestId("side-panel");
    await expect(panel.getByTestId("side-panel-title")).toBeVisible();
    const toolbarTop = (await page.getByTestId("explorer-toolbar").boundingBox())!.y;
    for (const name of ["Transformation", "Changes", "Runs", "Lineage", "Raw", "Overview"]) {
      await panel.getByRole("navigation", { name: "Panel sections" }).getByRole("button", { name, exact: true }).click();
      await page.waitForTimeout(400);
      expect(await page.evaluate(() => [window.scrollX, window.scrollY, document.scrollingElement!.scrollTop])).toEqual([0, 0, 0]);
      expect((await page.getByTestId("explorer-toolbar").boundingBox())!.y).toBe(toolbarTop);
    }
  });
});
