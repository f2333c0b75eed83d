/**
 * What a benchmark scenario is and what it shares with the others: the run's context (plan, work
 * directory, the stores built so far, the production server), the figures it fills in, and the
 * targets it checks. Adding a scenario = one module in scenarios/ and one row in scenarios/index.ts.
 */
import type { BrowserFigures } from "./lib/browser-bench";
import type { ColumnFigures } from "./lib/columns-bench";
import type { CliIngestFigures, LogFloorFigures } from "./lib/ingest-bench";
import type { LayoutFigure } from "./lib/layout-bench";
import type { MlflowBenchFigures } from "./lib/mlflow-bench";
import type { ProvenanceBenchFigures } from "./lib/provenance-bench";
import type { QueryFigure } from "./lib/queries";
import type { PostgresFigures } from "./scenarios/postgres";
import type { ScaleFigures } from "./lib/scale";
import type { StorageFigures, StoreIngestResult } from "./lib/store";
import type { Plan } from "./plan";
import type { MemoryFigures } from "../harness/process";
import type { HeapFigures } from "../harness/inspector";
import type { ServerProcess } from "../harness/server";
import { round, type LatencySummary, type Spread } from "../harness/stats";

/** Every figure of one run, as written to reports/bench-<mode>.json and printed by --json. */
export interface Figures {
  machine: Record<string, unknown>;
  mode: "quick" | "full";
  startedAt: string;
  durationS?: number;
  layout?: LayoutFigure[];
  /** Batched ingest at each scale, and the floor of the same events measured beside it. */
  store?: { edges: number; runs: StoreIngestResult[]; eventsPerSecond: Spread; floor?: LogFloorFigures }[];
  /** `npm run ingest` of an NDJSON file, end to end. */
  cliIngest?: CliIngestFigures;
  storage?: Record<string, StorageFigures>;
  api?: { storeEdges: number; cases: QueryFigure[] };
  post?: {
    sequential: PostFigure;
    concurrent: PostFigure;
    /** The minimal route: one client, and several before and after the concurrent POSTs. */
    floor?: { sequential: PostFigure; concurrent: PostFigure; concurrentAfter?: PostFigure };
    /** The 1-minute load average when the scenario started and ended. */
    loadAverage?: number[];
  };
  browser?: BrowserFigures;
  audit?: {
    outcome: "done" | "timeout" | "crashed";
    firstVerifyMs: number;
    firstStatus: number;
    secondVerifyMs?: number;
    lineageDuringVerify: LatencySummary;
    rssAfter?: MemoryFigures;
    /** Largest RSS of the server sampled each second while it verified. */
    peakRssSeenBytes: number;
    serverOutputTail?: string;
  };
  server?: {
    storeEdges: number;
    afterQueries?: MemoryFigures;
    atEnd?: MemoryFigures;
    /** The server's memory after each scenario that used it, in MB (heap: V8's, with --server-heap). */
    phases?: { after: string; rssMB: number; heap?: HeapFigures }[];
  };
  mlflow?: MlflowBenchFigures;
  provenance?: ProvenanceBenchFigures;
  columns?: ColumnFigures;
  postgres?: PostgresFigures;
  /** The 10M-edge store: its build, storage, lineage API and the server's RSS on it. */
  scale?: ScaleFigures;
  checks?: Check[];
}

export interface PostFigure {
  concurrency: number;
  events: number;
  perSecond: number;
  latency: LatencySummary;
  statuses: Record<string, number>;
  /**
   * The server's CPU time per request over the run (user + system, µs): what a request costs the
   * server whatever the machine's load, when throughput only tells the share of the cores it got.
   */
  serverCpuUs?: number;
  /**
   * Of it, the server's main thread (µs per request, from its schedstat), which runs every
   * request's JavaScript and, on SQLite, the store's writes: its event loop is busy throughout a
   * load, so this, not the whole process's CPU, is what limits throughput (docs/benchmarks.md,
   * "fifth round").
   */
  serverMainThreadUs?: number;
  /**
   * How long the main thread was runnable but waited for a CPU (µs per request, schedstat): the
   * part of the wall time the machine's other work took from it. The rest of the wall time, minus
   * serverMainThreadUs, it slept (its event loop idle, blocking system calls).
   */
  serverMainThreadWaitUs?: number;
}

/** One target of issue 6 (and later issues), met or missed. */
export interface Check {
  name: string;
  value: number;
  unit: string;
  target: string;
  isMet: boolean;
  note?: string;
}

/** Collects the checks of every scenario into one list, in the order the scenarios are listed. */
export class Checks {
  readonly list: Check[] = [];
  add(check: Check): void {
    this.list.push(check);
  }
  atMost(name: string, value: number, limit: number, unit: string, note?: string): void {
    this.add({ name, value: round(value), unit, target: `<= ${limit}`, isMet: value <= limit, note });
  }
  atLeast(name: string, value: number, limit: number, unit: string, note?: string): void {
    this.add({ name, value: round(value), unit, target: `>= ${limit}`, isMet: value >= limit, note });
  }
}

export interface BenchContext {
  root: string;
  plan: Plan;
  isQuick: boolean;
  /** The seed every generator of the run starts from (stores, foci, layouts). */
  seed: number;
  /** Events per transaction of the batched ingest that builds the stores. */
  batchSize: number;
  /**
   * serverHeap: the server runs with its inspector open, and V8's heap is read at each phase;
   * scaleStore: the scale store to measure (or go on building), instead of the cache's; scaleAsIs:
   * measure it as it stands, finished or not.
   */
  options: { reuseStore: boolean; noBuild: boolean; serverHeap: boolean; scaleStore?: string; scaleAsIs: boolean };
  /** Is this --only= section asked for (all are without --only)? */
  runs(section: string): boolean;
  log(line: string): void;
  /** A temporary directory, removed at the end unless --keep. */
  work: string;
  /** Where --reuse-store keeps generated stores between runs. */
  cacheDir: string;
  figures: Figures;
  /** The stores built by the store scenario, by edge count. */
  storeFiles: Map<number, string>;
  /** Does any selected scenario talk to the production server? */
  needsServer: boolean;
  /** The production server on serverFile (a copy of the server-scale store), once started. */
  server: ServerProcess | null;
  serverFile: string;
  /** Set when the audit verification stalled the server: browser runs then answer the badge themselves. */
  isAuditStubbed: boolean;
}

/** A line printer for the table (stdout, or stderr under --json). */
export type Out = (line?: string) => void;

export interface Scenario {
  name: string;
  /** Whether it runs in this invocation; by default when `--only` names it (or there is no --only). */
  isSelected?(ctx: BenchContext): boolean;
  /** Talks to the production server: the run then builds the app and the server-scale store. */
  usesServer?: boolean;
  run(ctx: BenchContext): Promise<void>;
  /** Its targets, from the figures (called once after every scenario ran, also for ones that did not). */
  checks?(figures: Figures, checks: Checks, ctx: BenchContext): void;
  /** Its lines of the printed table. */
  report?(figures: Figures, out: Out): void;
}

export const isScenarioSelected = (scenario: Scenario, ctx: BenchContext) => scenario.isSelected?.(ctx) ?? ctx.runs(scenario.name);

/** Pads a table cell to a width. */
export const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
