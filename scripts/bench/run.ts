// npm run bench [-- --quick] [-- --json] — Threadline's benchmark suite (issue 6).
//
//   --quick            the reduced set (about five minutes once the app is built): stores of 10k and
//                      100k edges, API queries on the 100k store, fewer repeats, dagre once at 5k/10k
//   --json             print one JSON object of figures on stdout (the table goes to stderr)
//   --only=a,b         run some sections: layout, store, ingest, api, post, browser, mlflow, provenance,
//                      columns, postgres (with THREADLINE_BENCH_POSTGRES_URL naming a PostgreSQL server),
//                      scale (full run only: the 10M-edge store, its build and the API on it)
//                      (the scenarios are listed in scenarios/index.ts)
//   --no-build         never run `npm run build` (use .next as it is)
//   --server-heap      start the server with its inspector open (127.0.0.1) and read V8's heap
//                      after each phase as well as its RSS (Node 20: NODE_OPTIONS=--experimental-websocket)
//   --reuse-store      keep generated stores in the temp cache and reuse them when nothing that
//                      shapes them changed (skips the batched-ingest figures of reused stores)
//   --scale-store=F    the scale section measures the 10M-edge store F (built earlier, its F.build.json
//                      beside it), or goes on building it if its build stopped; never copied
//   --scale-as-is      measure the scale store as it stands even if its build stopped half way
//   --keep             keep the work directory (stores, server log)
//
// Load tests only ever talk to 127.0.0.1. See docs/benchmarks.md for the method and the figures.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { round } from "../harness/stats";
import { FULL_PLAN, QUICK_PLAN } from "./plan";
import { Checks, isScenarioSelected, pad, type BenchContext, type Figures, type Out } from "./scenario";
import { SCENARIOS } from "./scenarios";
import { recordServerPhase, serverStartScenario } from "./scenarios/server";

const ROOT = process.cwd();
const args = new Set(process.argv.slice(2));
const isQuick = args.has("--quick");
const isJson = args.has("--json");
const only = [...args].find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function machine() {
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8");
  return {
    nproc: os.availableParallelism(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpu)?.[1] ?? os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map(round),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Figures = { machine: machine(), mode: isQuick ? "quick" : "full", startedAt: new Date().toISOString() };
  const ctx: BenchContext = {
    root: ROOT,
    plan: isQuick ? QUICK_PLAN : FULL_PLAN,
    isQuick,
    seed: 20261124,
    batchSize: 1_000,
    options: {
      reuseStore: args.has("--reuse-store"),
      noBuild: args.has("--no-build"),
      serverHeap: args.has("--server-heap"),
      scaleStore: [...args].find((a) => a.startsWith("--scale-store="))?.slice("--scale-store=".length),
      scaleAsIs: args.has("--scale-as-is"),
    },
    runs: (section) => !only || only.includes(section),
    log,
    work: fs.mkdtempSync(path.join(os.tmpdir(), "threadline-bench-")),
    cacheDir: path.join(os.tmpdir(), "threadline-bench-cache"),
    figures,
    storeFiles: new Map(),
    needsServer: false,
    server: null,
    serverFile: "",
    isAuditStubbed: false,
  };
  ctx.needsServer = SCENARIOS.some((s) => s.usesServer && isScenarioSelected(s, ctx));
  log(`${figures.mode} run; work directory ${ctx.work}`);
  try {
    for (const scenario of SCENARIOS) {
      if (!isScenarioSelected(scenario, ctx)) continue;
      await scenario.run(ctx);
      if (scenario.usesServer || scenario === serverStartScenario) await recordServerPhase(ctx, scenario.name);
    }
  } finally {
    await ctx.server?.stop();
    if (!args.has("--keep")) fs.rmSync(ctx.work, { recursive: true, force: true });
  }
  figures.durationS = Math.round((Date.now() - started) / 1000);
  const checks = new Checks();
  for (const scenario of SCENARIOS) scenario.checks?.(figures, checks, ctx);
  figures.checks = checks.list;
  printTable(figures);
  const reportDir = path.join(ROOT, "reports");
  fs.mkdirSync(reportDir, { recursive: true });
  fs.writeFileSync(path.join(reportDir, `bench-${figures.mode}.json`), JSON.stringify(figures, null, 2));
  if (isJson) process.stdout.write(JSON.stringify(figures) + "\n");
}

function printTable(f: Figures): void {
  const out: Out = (line = "") => (isJson ? process.stderr : process.stdout).write(line + "\n");
  out();
  out(`Threadline benchmarks (${f.mode}), ${f.startedAt}, ${f.durationS} s — ${f.machine.nproc} × ${f.machine.cpuModel}, ${f.machine.memoryGiB} GiB, Node ${f.machine.node}`);
  for (const scenario of SCENARIOS) scenario.report?.(f, out);
  out();
  out("Targets");
  for (const c of f.checks ?? []) out(`  ${c.isMet ? "PASS" : "MISS"}  ${pad(c.name, 58)} ${pad(`${c.value} ${c.unit}`, 16)} target ${c.target}${c.note ? ` (${c.note})` : ""}`);
  out();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
