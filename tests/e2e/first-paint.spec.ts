import { expect, test, type Page } from "@playwright/test";
import { lineageUrl } from "./support/canvas";

/**
 * The explorer's first paint: the page arrives with its first view's lineage (read on the server),
 * so the graph appears as soon as the page is interactive, already framed, never first at React
 * Flow's default viewport and then moved. Moves inside the explorer still read their new view.
 */

const MODEL = "dataset:mlflow://helix-bio:models/binding-affinity-ft";

/** Records, on every animation frame from the start of the page, the canvas's transform and box count. */
async function recordFrames(page: Page) {
  await page.addInitScript(() => {
    const frames: { t: number; transform: string; nodes: number }[] = [];
    (window as unknown as { __frames: typeof frames }).__frames = frames;
    const tick = () => {
      const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
      const nodes = document.querySelectorAll(".react-flow__node").length;
      const transform = viewport?.style.transform ?? "";
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
  // One transform from the first frame with boxes on: framed at once, no jump.
  expect(new Set(drawn.map((frame) => frame.transform))).toEqual(new Set([drawn[0]!.transform]));
  expect(drawn[0]!.transform).not.toBe("translate(0px, 0px) scale(1)");
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
