/**
 * Browser benchmark: the explorer page in headless Chromium (Debian's, through Playwright) against
 * the production server holding the generated store.
 *
 * - usable: time from navigation start to the moment the canvas shows laid-out nodes and the
 *   explorer is no longer busy (performance.now() in the page, polled every animation frame);
 *   "cold" is the first visit of a fresh browser context, "warm" the later ones (scripts cached);
 * - layout: the explorer's own `threadline:layout` performance measure (worker round trip);
 * - pan: requestAnimationFrame deltas while the mouse drags the pane, and long tasks meanwhile;
 * - heap: JSHeapUsedSize from the DevTools protocol after a forced garbage collection;
 * - first view: a view of the explorer's default size, as a user opens one from a link: time from
 *   navigation start to the first frame that shows its graph framed (visible boxes, the transform
 *   it keeps), next to the lineage API's time for the same view in the same run.
 */
import { chromium, type Browser, type CDPSession, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { foldView } from "@/lib/lineage/fan-out";
import { handlesOf, type FlowNodeType } from "@/lib/lineage/flow-mapping";
import type { LineageGraph } from "@/lib/lineage/types";
import { createClient } from "./http-load";
import { fetchLineage, lineagePath, type QueryCase } from "./queries";
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

/** The explorer opened on a default-sized view (see the module comment). */
export interface FirstViewFigure {
  focus: string;
  url: string;
  nodes: number;
  /** Navigation start to the first frame with the graph drawn, framed. */
  coldFramedMs: number;
  framedMs: Spread;
  /** Navigation start to the first byte of the page (the server reads the first view meanwhile). */
  pageFirstByteMs: Spread;
  /** GET /api/v1/lineage for the same view, timed from Node over keep-alive, in the same run. */
  apiMs: Spread;
  /** Navigation start to the canvas answering the user (hydrated: "threadline:canvas-interactive"). */
  interactiveMs: Spread;
  /** Visits whose first drawn frame was already at the view's final framing (no jump). */
  framedAtFirstPaint: number;
  visits: number;
  /** Lineage API requests the page made while loading (0: the graph came with the page). */
  graphRequests: number;
}

export interface BrowserFigures {
  firstView?: FirstViewFigure;
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
export async function findView(baseUrl: string, databaseFile: string, wanted: number): Promise<Candidate> {
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
export async function visit(page: Page, url: string): Promise<{ usableMs: number; layoutMs: number; longestTaskMs: number; nodes: number }> {
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

/**
 * Opens the explorer and records, on every animation frame from navigation start, the canvas's
 * transform and visible boxes; answers when the first boxes showed, whether that frame's framing
 * is the one the view keeps, and the page's first byte.
 */
export async function visitFirstView(page: Page, url: string): Promise<{ framedMs: number; interactiveMs: number; isFramedAtFirstPaint: boolean; firstByteMs: number; nodes: number; graphRequests: number }> {
  let graphRequests = 0;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/v1/lineage") graphRequests++;
  });
  // A string, not a function: tsx would wrap named callbacks in a helper the page lacks.
  // What is drawn, not what React Flow set: the computed transform and opacity (the server-drawn
  // first view is held hidden, then framed, by a style rule until the page hydrates).
  await page.addInitScript(`(() => {
    window.__tlFirst = null;
    const tick = () => {
      const nodes = document.querySelectorAll(".react-flow__node");
      const visible = [...nodes].some((n) => getComputedStyle(n).visibility === "visible");
      const viewport = document.querySelector(".react-flow__viewport");
      if (visible && viewport && getComputedStyle(viewport).opacity !== "0") {
        window.__tlFirst = { t: performance.now(), transform: getComputedStyle(viewport).transform };
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => (window as unknown as { __tlFirst: unknown }).__tlFirst !== null, undefined, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="lineage-explorer"]')?.getAttribute("aria-busy") === "false", undefined, { timeout: 60_000 });
  // Any re-framing would have run by now (it animates for 200 ms).
  await page.waitForTimeout(800);
  return page.evaluate(() => {
    const first = (window as unknown as { __tlFirst: { t: number; transform: string } }).__tlFirst;
    const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return {
      framedMs: first.t,
      interactiveMs: performance.getEntriesByName("threadline:canvas-interactive")[0]?.startTime ?? NaN,
      // Within a pixel, as tests/e2e/first-paint.spec.ts holds it: hydration may settle the frame a
      // fraction of a pixel away when the canvas measures a pixel taller, which no one can see.
      isFramedAtFirstPaint:
        !!viewport &&
        ((a: DOMMatrix, b: DOMMatrix) => Math.abs(a.a - b.a) < 1e-3 && Math.abs(a.e - b.e) <= 1 && Math.abs(a.f - b.f) <= 1)(
          new DOMMatrix(first.transform),
          new DOMMatrix(getComputedStyle(viewport).transform),
        ),
      firstByteMs: navigation.responseStart,
      nodes: document.querySelectorAll(".react-flow__node").length,
    };
  }).then((result) => ({ ...result, graphRequests }));
}

/**
 * A model's entity view at the explorer's defaults (depth 2, both directions, default budget): what
 * a link from search or a colleague opens. The first model dataset whose view holds 10–300 nodes.
 */
async function findFirstView(baseUrl: string, databaseFile: string): Promise<{ focus: string; path: string }> {
  const db = new Database(databaseFile, { readonly: true });
  const models = db
    .prepare<[], { key: string }>(`SELECT key FROM Node WHERE type = 'dataset' AND key LIKE '%models/%' ORDER BY id LIMIT 40`)
    .all()
    .map((r) => r.key);
  db.close();
  const client = createClient(baseUrl, 1);
  try {
    const c: QueryCase = { name: "first view", depth: 2, limit: 300, direction: "both" };
    for (const focus of models) {
      const graph = await fetchLineage(client, focus, c);
      if (graph.nodes.length >= 10 && !graph.truncated) return { focus, path: lineagePath(focus, c) };
    }
  } finally {
    client.close();
  }
  if (models.length === 0) throw new Error("no model dataset for the first-view measure");
  return { focus: models[0]!, path: lineagePath(models[0]!, { name: "first view", depth: 2, limit: 300, direction: "both" }) };
}

async function measureFirstView(browser: Browser, baseUrl: string, databaseFile: string, repeats: number, log: (line: string) => void, stubAuditBadge: boolean): Promise<FirstViewFigure> {
  const { focus, path } = await findFirstView(baseUrl, databaseFile);
  const url = `${baseUrl}/lineage?${new URLSearchParams({ node: focus })}`;
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (stubAuditBadge) {
    await context.route("**/api/v1/audit/verify**", (route) => route.fulfill({ status: 503, json: { error: { code: "unavailable", message: "stubbed by the benchmark" } } }));
  }
  const client = createClient(baseUrl, 1);
  try {
    const visits: Awaited<ReturnType<typeof visitFirstView>>[] = [];
    const api: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      const page = await context.newPage();
      visits.push(await visitFirstView(page, url));
      await page.close();
      // The API's time for the very view the page just drew, between the visits.
      const answer = await client.get(path);
      if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
      api.push(answer.ms);
    }
    const [cold, ...warm] = visits;
    const figure: FirstViewFigure = {
      focus,
      url,
      nodes: cold!.nodes,
      coldFramedMs: cold!.framedMs,
      framedMs: spread(warm.map((v) => v.framedMs)),
      interactiveMs: spread(warm.map((v) => v.interactiveMs)),
      pageFirstByteMs: spread(warm.map((v) => v.firstByteMs)),
      apiMs: spread(api.slice(1)),
      framedAtFirstPaint: visits.filter((v) => v.isFramedAtFirstPaint).length,
      visits: visits.length,
      graphRequests: visits.reduce((sum, v) => sum + v.graphRequests, 0),
    };
    log(
      `browser first view (${figure.nodes} nodes): framed graph ${figure.framedMs.median.toFixed(0)} ms warm (${figure.coldFramedMs.toFixed(0)} cold), interactive ${figure.interactiveMs.median.toFixed(0)} ms, ` +
        `page first byte ${figure.pageFirstByteMs.median.toFixed(0)} ms, API ${figure.apiMs.median.toFixed(1)} ms; framed at first paint ${figure.framedAtFirstPaint}/${figure.visits}; ${figure.graphRequests} graph requests`,
    );
    return figure;
  } finally {
    client.close();
    await context.close();
  }
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
  let firstView: FirstViewFigure | undefined;
  try {
    try {
      firstView = await measureFirstView(browser, baseUrl, databaseFile, repeats, log, !!options.stubAuditBadge);
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      log(`  first view failed: ${message}`);
      failures.push({ requestedNodes: 0, url: baseUrl, error: `first view: ${message}` });
    }
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
      ...(firstView ? { firstView } : {}),
      views,
      ...(failures.length ? { failures } : {}),
      ...(options.stubAuditBadge ? { auditBadgeStubbed: true } : {}),
    };
  } finally {
    await browser.close();
  }
}
