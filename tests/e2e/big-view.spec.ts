import { expect as baseExpect, test, type Route } from "@playwright/test";
import { lineageUrl, nodeOnCanvas, nodesOutsideCanvas } from "./support/canvas";
import { postFanOut } from "./support/fan-out";
import { watchForProblems } from "./support/page";

/**
 * A link to a view past the default budget (the page does not read it on the server): the explorer
 * asks for it once, as its code first runs, and the layout worker starts while the answer is on its
 * way rather than after it; the view then opens with its focus on screen and every node the
 * toolbar counts laid out, and nothing complains in the console (a hydration mismatch would).
 */
const expect = baseExpect.configure({ timeout: 20_000 });

const PRODUCER = "https://threadline.dev/e2e/big-view";
const READERS = 200;

test("a big view is asked for once and laid out by a worker started while its answer is read", async ({ page, request }) => {
  const hub = await postFanOut(request, { namespacePrefix: "e2e-big", readers: READERS, producer: PRODUCER });

  const problems = watchForProblems(page);
  // The view's answer is held until the test lets it go.
  const held: Route[] = [];
  await page.route((url) => url.pathname === "/api/v1/lineage", (route) => {
    held.push(route);
  });

  await page.goto(lineageUrl(hub, "&depth=2&direction=downstream&limit=1000"));
  await expect.poll(() => held.length).toBe(1);
  // Its answer not here yet, the layout worker is running already.
  await expect.poll(() => page.workers().length).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("canvas-loading")).toBeVisible();

  for (const route of held.splice(0)) await route.continue();
  const focus = nodeOnCanvas(page, hub);
  await expect(focus).toBeVisible();
  await expect(page.getByTestId("lineage-explorer")).toHaveAttribute("aria-busy", "false");
  const counts = await page.getByTestId("view-counts").textContent();
  const nodes = Number(/(\d+) nodes/.exec(counts ?? "")?.[1]);
  // Hub, readers and outputs, the outputs' fan-out paged by its "N more" box or not.
  expect(nodes).toBeGreaterThan(READERS);
  expect(Number(await page.getByTestId("lineage-canvas").getAttribute("data-node-count"))).toBeGreaterThanOrEqual(nodes);
  await expect.poll(() => nodesOutsideCanvas(page).then((outside) => outside.includes(hub))).toBe(false);
  // Nothing was asked for twice, and nothing was held back for another request.
  expect(held).toHaveLength(0);
  expect(problems).toEqual([]);
});
