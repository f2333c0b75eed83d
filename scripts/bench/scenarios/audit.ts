// Every page's header badge asks for a store verification (chain + projection replayed from the
// log), which the server runs in slices in the background: time the first one, what a lineage
// request waits meanwhile and the server's memory, then let the pages after it see the steady state.
import { createClient } from "../lib/http-load";
import { lineagePath, sampleFoci } from "../lib/queries";
import { round, summarise } from "../../harness/stats";
import type { Scenario } from "../scenario";
import { startBenchServer } from "./server";

type Outcome = "done" | "timeout" | "crashed";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const auditScenario: Scenario = {
  name: "audit",
  isSelected: (ctx) => ctx.runs("browser") || ctx.runs("api"),
  usesServer: true,
  async run(ctx) {
    const server = ctx.server!;
    const client = createClient(server.baseUrl, 2);
    const focus = sampleFoci(ctx.serverFile, 1, ctx.seed)[0]!;
    const started = performance.now();
    // Set from callbacks: an object, so the loop below reads it afresh.
    const state: { outcome: Outcome | null } = { outcome: null };
    const verify = client.get("/api/v1/audit/verify?maxAge=600").then(
      (r) => ((state.outcome ??= "done"), r),
      () => ((state.outcome ??= "crashed"), null),
    );
    const timer = setTimeout(() => (state.outcome ??= "timeout"), ctx.plan.auditCapMs);
    const waits: number[] = [];
    let peakRss = 0;
    const watch = setInterval(() => {
      const memory = server.memory();
      if (memory) peakRss = Math.max(peakRss, memory.rssBytes);
      else state.outcome ??= "crashed";
    }, 1_000);
    while (state.outcome === null) {
      // A probe that gets no answer before the verification ends waited all along.
      const sent = performance.now();
      const probe = client.get(lineagePath(focus, { name: "probe", depth: 1, limit: 500, direction: "both" })).catch(() => null);
      const r = await Promise.race([probe, verify.then(() => "verified" as const)]);
      if (r === "verified") {
        const answered = await Promise.race([probe, sleep(2_000).then(() => null)]);
        waits.push(answered ? answered.ms : performance.now() - sent);
        break;
      }
      if (r) waits.push(r.ms);
      else await sleep(1_000);
      await sleep(50);
    }
    clearInterval(watch);
    clearTimeout(timer);
    const outcome = state.outcome as Outcome;
    const firstMs = performance.now() - started;
    if (waits.length === 0) waits.push(firstMs);
    const peak = server.memory() ?? undefined;
    const first = outcome === "done" ? await verify : null;
    const audit = (ctx.figures.audit = {
      outcome,
      firstVerifyMs: firstMs,
      firstStatus: first?.status ?? 0,
      lineageDuringVerify: summarise(waits),
      rssAfter: peak,
      peakRssSeenBytes: peakRss,
      ...(outcome === "crashed" ? { serverOutputTail: server.output().slice(-2_000) } : {}),
    } as NonNullable<typeof ctx.figures.audit>);
    if (outcome === "done") {
      const second = await client.get("/api/v1/audit/verify?maxAge=600");
      audit.secondVerifyMs = second.ms;
    }
    client.close();
    ctx.log(
      `audit verify (first, full): ${outcome} after ${(firstMs / 1000).toFixed(1)} s; ${waits.length} lineage requests meanwhile: ` +
        `p95 ${Math.round(audit.lineageDuringVerify.p95)} ms, max ${Math.round(Math.max(0, ...waits))} ms; peak RSS ${Math.round(peakRss / 2 ** 20)} MB`,
    );
    if (outcome === "crashed") ctx.log(`server output before it ended:\n${server.output().slice(-800)}`);
    if (outcome !== "done") {
      // A server stuck in (or killed by) the verification answers nothing else: start afresh and
      // keep the badge's request away from it in the browser runs.
      await startBenchServer(ctx);
      ctx.isAuditStubbed = true;
      ctx.log(`server restarted on ${ctx.server!.baseUrl}; browser runs answer the audit badge themselves`);
    }
  },
  report(f, out) {
    const a = f.audit;
    if (!a) return;
    out();
    out(
      `Audit badge: first full verification ${a.outcome} after ${round(a.firstVerifyMs / 1000)} s; a 1-hop lineage request meanwhile waited up to ${round(a.lineageDuringVerify.max)} ms` +
        (a.secondVerifyMs !== undefined ? `; the next verification ${round(a.secondVerifyMs)} ms` : "") +
        (a.rssAfter ? `; server RSS then ${round(a.rssAfter.rssBytes / 2 ** 20)} MB (peak ${round(a.rssAfter.peakRssBytes / 2 ** 20)} MB)` : "") +
        `; largest RSS seen meanwhile ${round(a.peakRssSeenBytes / 2 ** 20)} MB`,
    );
  },
};
