import type { Page } from "@playwright/test";

/**
 * Helpers the e2e specs share for the lineage canvas: find a node as a person sees it (by its
 * React Flow box), open the explorer on a node, read where the canvas drew each box.
 */

/** A node's box on the canvas. */
export const nodeOnCanvas = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

/** The explorer on a node with nothing selected (lineageHref would select it); `extra` adds parameters. */
export const lineageUrl = (id: string, extra = "") => `/lineage?${new URLSearchParams({ node: id }).toString()}${extra}`;

/** A parameter of the page's current address. */
export const addressParam = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

/** Every box on the canvas with its position (from React Flow's transform) and size. */
export async function canvasNodes(page: Page) {
  return page.locator(".react-flow__node").evaluateAll((els) =>
    els.map((el) => {
      const match = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec((el as HTMLElement).style.transform);
      const box = el as HTMLElement;
      return {
        id: el.getAttribute("data-id") ?? "",
        x: Number(match?.[1] ?? 0),
        y: Number(match?.[2] ?? 0),
        width: box.offsetWidth,
        height: box.offsetHeight,
      };
    }),
  );
}

/** The ids of the lineage nodes on the canvas, sorted ("N more" placeholders left out). */
export async function idsOnCanvas(page: Page): Promise<string[]> {
  const ids = await page.locator(".react-flow__node").evaluateAll((els) => els.map((el) => el.getAttribute("data-id") ?? ""));
  return ids.filter((id) => !id.startsWith("more:")).sort();
}

/**
 * The nodes whose box is not wholly inside the visible canvas (the explorer's `lineage-canvas`, or
 * another graph's test id: `investigate-canvas`); the side panel is beside the canvas, not on it.
 */
export function nodesOutsideCanvas(page: Page, canvasTestId = "lineage-canvas"): Promise<string[]> {
  return page.evaluate((testId) => {
    const canvas = document.querySelector(`[data-testid="${testId}"]`)!.getBoundingClientRect();
    const outside: string[] = [];
    for (const node of document.querySelectorAll<HTMLElement>(`[data-testid="${testId}"] .react-flow__node`)) {
      const box = node.getBoundingClientRect();
      const isInside = box.left >= canvas.left - 0.5 && box.top >= canvas.top - 0.5 && box.right <= canvas.right + 0.5 && box.bottom <= canvas.bottom + 0.5;
      if (!isInside) outside.push(node.dataset.id ?? "?");
    }
    return outside;
  }, canvasTestId);
}

/**
 * The nodes whose title is drawn smaller than `floorPx` on screen (or not at all): the title's font
 * size times the scale the canvas draws its box at (the box's drawn width over its own width),
 * measured in the page. `only` limits the check to some nodes (a big view's focus); "N more"
 * placeholders have no title and are left out.
 */
export function illegibleNodes(page: Page, floorPx: number, canvasTestId = "lineage-canvas", only?: string[]): Promise<{ id: string; px: number }[]> {
  return page.evaluate(
    ({ testId, floor, ids }) => {
      const small: { id: string; px: number }[] = [];
      for (const node of document.querySelectorAll<HTMLElement>(`[data-testid="${testId}"] .react-flow__node`)) {
        const id = node.dataset.id ?? "?";
        if (id.startsWith("more:") || (ids && !ids.includes(id))) continue;
        const title = node.querySelector<HTMLElement>('[data-testid="node-title"]');
        const scale = node.getBoundingClientRect().width / node.offsetWidth;
        const px = title ? parseFloat(getComputedStyle(title).fontSize) * scale : 0;
        if (!(px >= floor)) small.push({ id, px: Math.round(px * 10) / 10 });
      }
      return small;
    },
    { testId: canvasTestId, floor: floorPx, ids: only ?? null },
  );
}
