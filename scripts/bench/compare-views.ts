/**
 * Two or more builds of the explorer, compared in the same minutes: each build's production server
 * runs on its own copy of one store, and the big views (`findView`, as the browser scenario picks
 * them) are opened build after build, the order turning each round, so that every build meets the
 * same load. On a shared machine only such interleaved ratios mean anything (docs/benchmarks.md).
 * "Usable" is the browser scenario's own measure (`visit`); each visit also prints where its time
 * went, read in the page: first byte, scripts loaded, the lineage request, the layout worker's
 * round trip and the canvas answering the user.
 *
 *   npx tsx scripts/bench/compare-views.ts main=http://127.0.0.1:30101 change=http://127.0.0.1:30100 <store.db> [rounds=8] [sizes=5000,500]
 *
 * The first visit of each build is cold (not counted); the medians are of the warm ones.
 */
import os from "node:os";
import { chromium, type Page } from "@playwright/test";
import { explorerUrl, findView, visit } from "./lib/browser-bench";
import { round as roundTo, spread } from "../harness/stats";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../harness/chromium";

const args = process.argv.slice(2);
const builds = args.filter((arg) => /^[\w-]+=https?:/.test(arg)).map((arg) => ({ name: arg.slice(0, arg.indexOf("=")), url: arg.slice(arg.indexOf("=") + 1) }));
const [store, roundsArg, sizesArg] = args.filter((arg) => !/^[\w-]+=https?:/.test(arg));
if (builds.length < 2 || !store) throw new Error("usage: compare-views.ts <name>=<url> <name>=<url>… <store.db> [rounds] [sizes]");
const rounds = Number(roundsArg ?? 8);
const sizes = (sizesArg ?? "5000,500").split(",").map(Number);

/** Where a visit's time went, ms from navigation start (-1: did not happen). */
function phases(page: Page) {
  return page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
    const lineage = resources.find((r) => new URL(r.name).pathname === "/api/v1/lineage");
    const layout = performance.getEntriesByName("threadline:layout").at(-1);
    // No named helpers in here: tsx would wrap them in one the page lacks.
    return {
      firstByte: Math.round(navigation.responseStart),
      scripts: Math.round(Math.max(0, ...resources.filter((r) => r.initiatorType === "script").map((r) => r.responseEnd))),
      requestSent: Math.round(lineage?.startTime ?? -1),
      answered: Math.round(lineage?.responseEnd ?? -1),
      layoutFrom: Math.round(layout?.startTime ?? -1),
      layoutTo: Math.round(layout ? layout.startTime + layout.duration : -1),
      interactive: Math.round(performance.getEntriesByName("threadline:canvas-interactive")[0]?.startTime ?? -1),
    };
  });
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  for (const size of sizes) {
    const view = await findView(builds[0]!.url, store, size);
    console.log(`\n${size}-node view: ${view.focus} ${view.c.direction} depth ${view.c.depth} (${view.drawn} nodes drawn); load ${load()}`);
    const contexts = await Promise.all(builds.map(() => browser.newContext({ viewport: { width: 1440, height: 900 } })));
    const usable = new Map(builds.map((b) => [b.name, [] as number[]]));
    for (let round = 0; round <= rounds; round++) {
      const order = builds.map((_, i) => (i + round) % builds.length);
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const build = builds[i]!;
        const page = await contexts[i]!.newPage();
        const { usableMs } = await visit(page, explorerUrl(build.url, view.focus, view.c));
        const where = await phases(page);
        await page.close();
        if (round > 0) usable.get(build.name)!.push(usableMs);
        console.log(`${round === 0 ? "cold" : `r${round}`.padEnd(4)} ${build.name.padEnd(8)} usable ${usableMs.toFixed(0).padStart(5)} ms  ${JSON.stringify(where)}`);
      }
    }
    await Promise.all(contexts.map((c) => c.close()));
    const spreads = builds.map((b) => spread(usable.get(b.name)!));
    console.log(
      `${size}: ` +
        builds.map((b, i) => `${b.name} ${roundTo(spreads[i]!.median)} ms [${roundTo(spreads[i]!.min)}–${roundTo(spreads[i]!.max)}]`).join(", ") +
        `; ÷ ${builds[0]!.name}: ${spreads.map((s) => (s.median / spreads[0]!.median).toFixed(2)).join(" ")}; load ${load()}`,
    );
  }
} finally {
  await browser.close();
}
