import { expect, test, type Page } from "@playwright/test";
import { LEGIBLE_TEXT_PX } from "../../lib/lineage/compact-view";
import { illegibleNodes, lineageUrl, nodesOutsideCanvas } from "./support/canvas";

/**
 * The explorer's first paint: the page arrives with its first view drawn (read and laid out on the
 * server, framed before the browser paints it for the canvas it has), so the graph shows before any
 * script has loaded, and hydrating never moves it. Moves inside the explorer still read their view.
 */

const MODEL = "dataset:mlflow://helix-bio:models/binding-affinity-ft";

/**
 * Records, on every animation frame from the start of the page, the canvas's transform and the
 * boxes shown, as drawn: the computed transform, and no boxes while the canvas is held hidden.
 */
async function recordFrames(page: Page) {
  await page.addInitScript(() => {
    const frames: { t: number; transform: string; nodes: number }[] = [];
    (window as unknown as { __frames: typeof frames }).__frames = frames;
    const tick = () => {
      const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
      const style = viewport ? getComputedStyle(viewport) : null;
      const nodes = style && style.opacity !== "0" ? document.querySelectorAll(".react-flow__node").length : 0;
      const transform = style?.transform ?? "";
      const last = frames[frames.length - 1];
      if (!last || last.transform !== transform || last.nodes !== nodes) frames.push({ t: performance.now(), transform, nodes });
      if (performance.now() < 15_000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

const framesOf = (page: Page) => page.evaluate(() => (window as unknown as { __frames: { t: number; transform: string; nodes: number }[] }).__frames);

function lineageRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/v1/lineage") urls.push(request.url());
  });
  return urls;
}

test("the first view is drawn framed from its first frame, without asking the API for it", async ({ page }) => {
  await recordFrames(page);
  const requests = lineageRequests(page);
  await page.goto(lineageUrl(MODEL, "&depth=2"));
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  await expect(page.getByTestId("lineage-explorer")).toHaveAttribute("aria-busy", "false");
  // Long enough for any late re-framing (the animated one takes 200 ms) to have shown.
  await page.waitForTimeout(1_000);

  const drawn = (await framesOf(page)).filter((frame) => frame.nodes > 0);
  expect(drawn.length).toBeGreaterThan(0);
  // One frame from the first one with boxes on: framed at once, no jump.
  const [first, ...later] = drawn.map((frame) => parseMatrix(frame.transform));
  for (const frame of later) expectSameFrame(frame, first!);
  expect(drawn[0]!.transform).not.toBe("matrix(1, 0, 0, 1, 0, 0)");
  expect(requests).toEqual([]);

  // and every box is inside the canvas
  const outside = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="lineage-canvas"]')!.getBoundingClientRect();
    return [...document.querySelectorAll<HTMLElement>(".react-flow__node")]
      .filter((node) => {
        const box = node.getBoundingClientRect();
        return box.left < canvas.left || box.top < canvas.top || box.right > canvas.right || box.bottom > canvas.bottom;
      })
      .map((node) => node.dataset.id);
  });
  expect(outside).toEqual([]);
});

test("a change of depth inside the explorer reads the new view from the API", async ({ page }) => {
  const requests = lineageRequests(page);
  await page.goto(lineageUrl(MODEL, "&depth=1"));
  await expect(page.getByTestId("lineage-explorer")).toHaveAttribute("aria-busy", "false");
  const before = await page.locator(".react-flow__node").count();
  expect(requests).toEqual([]);

  await page.getByTestId("depth-increase").click();
  await expect(page.getByTestId("depth-value")).toHaveText("2");
  await expect.poll(() => requests.length).toBe(1);
  expect(new URL(requests[0]!).searchParams.get("depth")).toBe("2");
  await expect.poll(() => page.locator(".react-flow__node").count()).toBeGreaterThan(before);
});

/** The frame the canvas shows, as drawn (React Flow's transform, or the first-frame rule over it): [zoom, x, y]. */
const drawnFrame = async (page: Page) => parseMatrix(await page.locator(".react-flow__viewport").evaluate((viewport) => getComputedStyle(viewport).transform));

/** A computed `matrix(zoom, 0, 0, zoom, x, y)` as [zoom, x, y]. */
function parseMatrix(matrix: string): [number, number, number] {
  const [zoom, , , , x, y] = matrix.slice("matrix(".length, -1).split(",").map(Number);
  return [zoom!, x!, y!];
}

/** Two frames a person cannot tell apart: within a pixel, the same zoom to a thousandth. */
function expectSameFrame(actual: readonly number[], expected: readonly number[]) {
  expect(Math.abs(actual[0]! - expected[0]!)).toBeLessThan(0.001);
  expect(Math.abs(actual[1]! - expected[1]!)).toBeLessThanOrEqual(1);
  expect(Math.abs(actual[2]! - expected[2]!)).toBeLessThanOrEqual(1);
}

// Where the view keeps its full form: 1440×900 with no panel. Narrower canvases (1280×800 included)
// show this five-column view compact (below).
for (const { width, height } of [{ width: 1440, height: 900 }]) {
  test(`the server's page shows the first view framed before any script loads (${width}×${height})`, async ({ browser }) => {
    const address = lineageUrl(MODEL);
    // The page as it arrives: the application's scripts never load (the page's own inline ones run).
    const bare = await browser.newContext({ viewport: { width, height } });
    await bare.route(/\/_next\/static\/.*\.js$/, (route) => route.abort());
    const page = await bare.newPage();
    await page.goto(address);
    const canvas = page.getByTestId("lineage-canvas");
    await expect(canvas.locator(`.react-flow__node[data-id="${MODEL}"]`)).toBeVisible();
    expect(await page.locator(".react-flow__viewport").evaluate((viewport) => getComputedStyle(viewport).opacity)).toBe("1");
    for (const name of ["finetune-binding-model", "generate-candidates", "evaluate-binding", "models/chem-base-gt"]) {
      await expect(canvas.getByText(name, { exact: true })).toBeVisible();
    }
    expect(await canvas.locator(".react-flow__edge-path").count()).toBeGreaterThanOrEqual(8);
    expect(await nodesOutsideCanvas(page)).toEqual([]);
    const beforeScripts = await drawnFrame(page);
    await bare.close();

    // The same page with its scripts: once hydrated, the canvas keeps the very frame drawn before.
    const full = await browser.newContext({ viewport: { width, height } });
    const hydrated = await full.newPage();
    await hydrated.goto(address);
    await expect.poll(() => hydrated.evaluate(() => performance.getEntriesByName("threadline:canvas-interactive").length), { timeout: 20_000 }).toBe(1);
    await expect(hydrated.getByTestId("lineage-explorer")).toHaveAttribute("aria-busy", "false");
    await hydrated.waitForTimeout(500);
    expectSameFrame(await drawnFrame(hydrated), beforeScripts);
    expect(await nodesOutsideCanvas(hydrated)).toEqual([]);
    await full.close();
  });
}

// With the side panel open at 1024×768 the canvas is 664 px wide: the view fits it legibly only in
// its compact form, which the browser lays out for the canvas it has. The server's boxes (the full
// form) stay hidden rather than show illegible and then change, and the hydrated canvas shows the
// compact view framed, from its first frame.
test("boxes whose form the real canvas changes stay hidden until the page hydrates, then show compact and framed (1024×768, side panel open)", async ({ browser }) => {
  const address = lineageUrl(MODEL, `&selected=${encodeURIComponent(MODEL)}`);
  const bare = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  await bare.route(/\/_next\/static\/.*\.js$/, (route) => route.abort());
  const page = await bare.newPage();
  await page.goto(address);
  await expect(page.locator(`.react-flow__node[data-id="${MODEL}"]`)).toBeAttached();
  expect(await page.locator(".react-flow__viewport").evaluate((viewport) => getComputedStyle(viewport).opacity)).toBe("0");
  await bare.close();

  const full = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const hydrated = await full.newPage();
  await recordFrames(hydrated);
  await hydrated.goto(address);
  await expect.poll(() => hydrated.evaluate(() => performance.getEntriesByName("threadline:canvas-interactive").length), { timeout: 20_000 }).toBe(1);
  await expect(hydrated.getByTestId("lineage-explorer")).toHaveAttribute("aria-busy", "false");
  await hydrated.waitForTimeout(1_000);
  expect(await hydrated.locator(".react-flow__viewport").evaluate((viewport) => getComputedStyle(viewport).opacity)).toBe("1");
  await expect(hydrated.locator(`.react-flow__node[data-id="${MODEL}"] [data-compact="true"]`)).toHaveCount(1);
  expect(await nodesOutsideCanvas(hydrated)).toEqual([]);
  expect(await illegibleNodes(hydrated, LEGIBLE_TEXT_PX)).toEqual([]);
  // One frame from the first one with boxes on: shown compact and framed at once, no jump.
  const drawn = (await framesOf(hydrated)).filter((frame) => frame.nodes > 0).map((frame) => parseMatrix(frame.transform));
  expect(drawn.length).toBeGreaterThan(0);
  for (const frame of drawn.slice(1)) expectSameFrame(frame, drawn[0]!);
  await full.close();
});
