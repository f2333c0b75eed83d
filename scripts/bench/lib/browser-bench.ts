/**
 * Browser benchmark: the explorer page in headless Chromium (Debian's, through Playwright) against
 * the production server holding the generated store.
 *
 * - usable: time from navigation start to the moment the canvas shows laid-out nodes and the
 *   explorer is no longer busy (performance.now() in the page, polled every animation frame);
 *   "cold" is the first visit of a fresh browser context, "warm" the later ones (scripts cached);
 * - layout: the explorer's own `threadline:layout` performance measure (worker round trip);
 * - pan: requestAnimationFrame deltas while the mouse drags the pane, and long tasks meanwhile;
 * - heap: JSHeapUsedSize from the DevTools protocol after a forced garbage collection.
 */
import { chromium, type Browser, type CDPSession, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { foldView } from "@/lib/lineage/fan-out";
import { handlesOf, type FlowNodeType } from "@/lib/lineage/flow-mapping";
import type { LineageGraph } from "@/lib/lineage/types";
import { createClient } from "./http-load";
import { fetchLineage, type QueryCase } from "./queries";
import { spread, summarise, type LatencySummary, type Spread } from "../../harness/stats";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../harness/chromium";

export interface BrowserView {
  requestedNodes: number;
  focus: string;
  url: string;
  /** Nodes and edges the explorer draws (after its fan-out paging). */
  renderedNodes: number;
  renderedEdges: number;
  coldUsableMs: number;
  usableMs: Spread;
  layoutMs: Spread;
  /** Longest main-thread task while the view loaded (warm visits), ms. */
  longestTaskMs: Spread;
  heapBytes?: number;
  heapBeforeGcBytes?: number;
  /**
   * Largest distance, in flow pixels, between a handle as drawn and where handlesOf says it is
   * (edges are drawn to the latter before React Flow measures): the static handles stay honest.
   */
  handleDeviationPx?: number;
  domNodes?: number;
  pan?: { frames: number; frameMs: LatencySummary; droppedShare: number; longestTaskMs: number };
}

export interface BrowserFailure {
  requestedNodes: number;
  url: string;
  error: string;
}

export interface BrowserFigures {
  failures?: BrowserFailure[];
  /** The audit badge's request was answered in the browser (the server could not verify in time). */
  auditBadgeStubbed?: boolean;
  chromium: string;
  viewport: { width: number; height: number };
  views: BrowserView[];
}

const VIEWPORT = { width: 1440, height: 900 };
// performance.memory with real figures, for the heap column.
const BENCH_CHROMIUM_ARGS = [...CHROMIUM_ARGS, "--enable-precise-memory-info"];

interface Candidate {
  focus: string;
  c: QueryCase;
  drawn: number;
  edges: number;
}

/** How many nodes the explorer would draw for this answer (its paging of wide leaf fan-outs). */
function drawnSize(graph: LineageGraph): { nodes: number; edges: number } {
  const paged = foldView(graph, [], null);
  return { nodes: paged.nodes.length + paged.more.length, edges: paged.edges.length + paged.more.length };
}

/**
 * A focus whose view the explorer draws with about `wanted` nodes. Big views of a lineage store
 * come from hubs (a tokenizer or base-model version read by hundreds of runs, downstream: every
 * reader starts a chain, so little is paged away) and from the wide fan-in behind a model
 * checkpoint (upstream). Tried from small depths up, hubs first for big views.
 */
async function findView(baseUrl: string, databaseFile: string, wanted: number): Promise<Candidate> {
  const db = new Database(databaseFile, { readonly: true });
  const hubs = db
    .prepare<[], { key: string }>(
      `SELECT n.key FROM Node n JOIN (SELECT sourceId AS id, COUNT(*) AS c FROM Edge GROUP BY sourceId ORDER BY c DESC LIMIT 12) d ON d.id = n.id
       WHERE n.type = 'datasetVersion' ORDER BY d.c DESC`,
    )
    .all()
    .map((r) => r.key);
  const checkpoints = db
    .prepare<[], { key: string }>(
      `SELECT key FROM Node WHERE type = 'datasetVersion' AND (key LIKE '%models/%' OR key LIKE '%synthetic/%') ORDER BY id DESC LIMIT 30`,
    )
    .all()
    .map((r) => r.key);
  db.close();
  const plans: { focus: string; direction: QueryCase["direction"] }[] = [
    ...hubs.map((focus) => ({ focus, direction: "downstream" as const })),
    ...checkpoints.map((focus) => ({ focus, direction: "upstream" as const })),
    ...checkpoints.map((focus) => ({ focus, direction: "both" as const })),
  ];
  if (wanted < 1_000) plans.reverse();
  const client = createClient(baseUrl, 1);
  let best: Candidate | null = null;
  try {
    for (const depth of [2, 3, 4, 5, 6, 7, 8]) {
      for (const { focus, direction } of plans) {
        const c: QueryCase = { name: `view ${wanted}`, depth, limit: wanted, direction };
        const graph = await fetchLineage(client, focus, c);
        const size = drawnSize(graph);
        const candidate = { focus, c, drawn: size.nodes, edges: size.edges };
        if (!best || Math.abs(size.nodes - wanted) < Math.abs(best.drawn - wanted)) best = candidate;
        if (size.nodes >= wanted * 0.9 && size.nodes <= wanted * 1.1) return candidate;
      }
    }
  } finally {
    client.close();
  }
  if (!best) throw new Error("no candidate focus for a browser view");
  return best;
}

export function explorerUrl(baseUrl: string, focus: string, c: QueryCase): string {
  const params = new URLSearchParams({ node: focus, depth: String(c.depth), direction: c.direction, limit: String(c.limit) });
  return `${baseUrl}/lineage?${params}`;
}

/** Navigates and waits until the canvas holds visible, laid-out nodes and the explorer is idle. */
async function visit(page: Page, url: string): Promise<{ usableMs: number; layoutMs: number; longestTaskMs: number; nodes: number }> {
  await page.addInitScript(() => {
    const w = window as unknown as { __tlLongest: number };
    w.__tlLongest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__tlLongest = Math.max(w.__tlLongest, entry.duration);
    }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(url, { waitUntil: "commit" });
  const handle = await page.waitForFunction(
    () => {
      const explorer = document.querySelector('[data-testid="lineage-explorer"]');
      if (!explorer || explorer.getAttribute("aria-busy") === "true") return false;
      const nodes = document.querySelectorAll(".react-flow__node");
      if (nodes.length === 0) return false;
      for (const node of nodes) if (getComputedStyle(node).visibility !== "visible") return false;
      return performance.now();
    },
    undefined,
    { polling: "raf", timeout: 60_000 },
  );
  const usableMs = (await handle.jsonValue()) as number;
  const details = await page.evaluate(() => {
    const measures = performance.getEntriesByName("threadline:layout");
    return {
      layoutMs: measures.length ? measures[measures.length - 1]!.duration : NaN,
      longestTaskMs: (window as unknown as { __tlLongest: number }).__tlLongest,
      nodes: document.querySelectorAll(".react-flow__node").length,
    };
  });
  return { usableMs, ...details };
}

async function heap(cdp: CDPSession): Promise<{ before: number; after: number; domNodes: number }> {
  await cdp.send("Performance.enable");
  const read = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
    return { heap: get("JSHeapUsedSize"), dom: get("Nodes") };
  };
  const before = await read();
  await cdp.send("HeapProfiler.collectGarbage");
  const after = await read();
  return { before: before.heap, after: after.heap, domNodes: after.dom };
}

/** Compares the drawn handles of the nodes on screen with handlesOf (see BrowserView). */
async function handleDeviation(page: Page): Promise<number> {
  const drawn = (await page.evaluate(`(() => {
    const vp = document.querySelector(".react-flow__viewport");
    const m = /scale\\(([^)]+)\\)/.exec(vp ? vp.style.transform : "");
    const zoom = m ? Number(m[1]) : 1;
    return [...document.querySelectorAll(".react-flow__node")].slice(0, 40).map((n) => {
      const type = [...n.classList].find((c) => c.startsWith("react-flow__node-")).slice("react-flow__node-".length);
      const box = n.getBoundingClientRect();
      return { type, handles: [...n.querySelectorAll(".react-flow__handle")].map((h) => {
        const b = h.getBoundingClientRect();
        return { position: h.getAttribute("data-handlepos"), x: (b.left - box.left) / zoom, y: (b.top - box.top) / zoom };
      }) };
    });
  })()`)) as { type: FlowNodeType; handles: { position: string; x: number; y: number }[] }[];
  let worst = 0;
  for (const node of drawn) {
    for (const h of node.handles) {
      const expected = handlesOf(node.type).find((e) => e.position === h.position);
      if (expected) worst = Math.max(worst, Math.abs(expected.x - h.x), Math.abs(expected.y - h.y));
    }
  }
  return worst;
}

/** Drags the pane back and forth for `durationMs` and records frame-to-frame times. */
async function pan(page: Page, durationMs: number): Promise<NonNullable<BrowserView["pan"]>> {
  const pane = await page.locator(".react-flow__pane").boundingBox();
  if (!pane) throw new Error("no React Flow pane to pan");
  // A string, not a function: tsx would wrap the named callbacks in a helper the page lacks.
  await page.evaluate(`(() => {
    window.__tlFrames = [];
    window.__tlRecording = true;
    window.__tlPanLongest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (window.__tlRecording) window.__tlPanLongest = Math.max(window.__tlPanLongest, entry.duration);
    }).observe({ type: "longtask" });
    const tick = (t) => {
      window.__tlFrames.push(t);
      if (window.__tlRecording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const y = pane.y + pane.height / 2;
  const left = pane.x + pane.width * 0.25;
  const right = pane.x + pane.width * 0.75;
  const start = Date.now();
  let stroke = 0;
  while (Date.now() - start < durationMs) {
    const [from, to] = stroke % 2 === 0 ? [right, left] : [left, right];
    await page.mouse.move(from, y);
    await page.mouse.down();
    // ~60 input events per stroke at 8 ms intervals: faster than frames, as a real drag.
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(from + ((to - from) * i) / 60, y + Math.sin(i / 10) * 40);
      await page.waitForTimeout(8);
    }
    await page.mouse.up();
    stroke++;
  }
  const { frames, longest } = await page.evaluate(() => {
    const w = window as unknown as { __tlFrames: number[]; __tlRecording: boolean; __tlPanLongest: number };
    w.__tlRecording = false;
    return { frames: w.__tlFrames, longest: w.__tlPanLongest };
  });
  const deltas = frames.slice(1).map((t, i) => t - frames[i]!);
  return {
    frames: deltas.length,
    frameMs: summarise(deltas),
    droppedShare: deltas.filter((d) => d > 20).length / Math.max(1, deltas.length),
    longestTaskMs: longest,
  };
}

export async function runBrowserBench(options: {
  baseUrl: string;
  databaseFile: string;
  repeats: number;
  log: (line: string) => void;
  sizes?: number[];
  /**
   * Answer the header's audit badge in the browser instead of the server: when the server's first
   * full verification could not finish (docs/benchmarks.md), every page would otherwise wait on it.
   */
  stubAuditBadge?: boolean;
}): Promise<BrowserFigures> {
  const { baseUrl, databaseFile, repeats, log } = options;
  const sizes = options.sizes ?? [500, 5_000];
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: BENCH_CHROMIUM_ARGS });
  const views: BrowserView[] = [];
  const failures: BrowserFailure[] = [];
  try {
    for (const wanted of sizes) {
      const view = await findView(baseUrl, databaseFile, wanted);
      const url = explorerUrl(baseUrl, view.focus, view.c);
      log(`browser ${wanted}-node view: ${view.focus} ${view.c.direction} depth ${view.c.depth} (${view.drawn} nodes drawn)`);
      const context = await browser.newContext({ viewport: VIEWPORT });
      if (options.stubAuditBadge) {
        await context.route("**/api/v1/audit/verify**", (route) => route.fulfill({ status: 503, json: { error: { code: "unavailable", message: "stubbed by the benchmark" } } }));
      }
      try {
        const runs: Awaited<ReturnType<typeof visit>>[] = [];
        let last: Page | null = null;
        for (let r = 0; r <= repeats; r++) {
          await last?.close();
          const page = await context.newPage();
          runs.push(await visit(page, url));
          last = page;
        }
        const [cold, ...warm] = runs;
        const figure: BrowserView = {
          requestedNodes: wanted,
          focus: view.focus,
          url,
          renderedNodes: view.drawn,
          renderedEdges: view.edges,
          coldUsableMs: cold!.usableMs,
          usableMs: spread(warm.map((w) => w.usableMs)),
          layoutMs: spread(warm.map((w) => w.layoutMs)),
          longestTaskMs: spread(warm.map((w) => w.longestTaskMs)),
        };
        const page = last!;
        const counts = await page.getByTestId("view-counts").textContent();
        const match = /(\d+) nodes · (\d+) edges/.exec(counts ?? "");
        if (match) {
          figure.renderedNodes = Number(match[1]);
          figure.renderedEdges = Number(match[2]);
        }
        // Let the first fit-view animation end before measuring memory and panning.
        await page.waitForTimeout(800);
        const cdp = await context.newCDPSession(page);
        const memory = await heap(cdp);
        figure.heapBytes = memory.after;
        figure.heapBeforeGcBytes = memory.before;
        figure.domNodes = memory.domNodes;
        figure.handleDeviationPx = await handleDeviation(page);
        figure.pan = await pan(page, 2_500);
        log(
          `  usable ${figure.usableMs.median.toFixed(0)} ms warm (${figure.coldUsableMs.toFixed(0)} cold), layout ${figure.layoutMs.median.toFixed(0)} ms, heap ${(memory.after / 2 ** 20).toFixed(1)} MB, pan p95 ${figure.pan.frameMs.p95.toFixed(1)} ms`,
        );
        views.push(figure);
      } catch (error) {
        const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
        log(`  failed: ${message}`);
        failures.push({ requestedNodes: wanted, url, error: message });
      } finally {
        await context.close();
      }
    }
    return {
      chromium: browser.version(),
      viewport: VIEWPORT,
      views,
      ...(failures.length ? { failures } : {}),
      ...(options.stubAuditBadge ? { auditBadgeStubbed: true } : {}),
    };
  } finally {
    await browser.close();
  }
}
