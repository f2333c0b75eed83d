/**
 * The largest store of the full run (10M edges): how its build is recorded while it runs (so a
 * build that stops can go on from its last committed batch), how the ingest rate falls as the store
 * grows, and the targets its figures are checked against. Pure: the scenario (scenarios/scale.ts)
 * does the building, the files and the server.
 */
import { round } from "../../harness/stats";
import type { BuildProgress } from "./store";
import type { QueryFigure } from "./queries";
import type { StorageFigures } from "./store";
import type { Checks } from "../scenario";

/** The build's progress at one size: cumulative figures, the time and the load average then. */
export interface ScaleMark extends BuildProgress {
  at: string;
  loadAverage: number;
}

/** What the scale store's build left beside it (`<store>.build.json`), updated after every batch. */
export interface ScaleBuildRecord {
  targetEdges: number;
  seed: number;
  batchSize: number;
  /** The commit whose code built it (`+dirty` when the worktree had changes), and when it started. */
  builtBy: string;
  startedAt: string;
  finishedAt?: string;
  /** The last committed batch's cumulative figures. */
  progress: BuildProgress;
  /** One mark every `markEveryEdges` edges, for the rate by size. */
  marks: ScaleMark[];
  /** When a stopped build went on, how many events it held then, and the commit that went on with it. */
  resumes: { at: string; events: number; by: string }[];
  /** Nodes in the finished store. */
  nodes?: number;
}

/** One stretch of the build between two marks. */
export interface RateSegment {
  fromEdges: number;
  toEdges: number;
  events: number;
  eventsPerSecond: number;
  cpuUsPerEvent: number;
  /** The load average at the stretch's end. */
  loadAverage: number;
}

export const MARK_EVERY_EDGES = 1_000_000;

/** Whether the build, now at `edges`, has passed the next multiple of `every` edges since the last mark. */
export function isMarkDue(marks: readonly ScaleMark[], edges: number, every = MARK_EVERY_EDGES): boolean {
  const last = marks.at(-1)?.edges ?? 0;
  return Math.floor(edges / every) > Math.floor(last / every);
}

/**
 * The marks with the build's final progress: it replaces the last mark when that is less than half
 * a stretch before the end (the target is passed a few events after the last whole million), so no
 * stretch of a few batches stands for the rate at the largest size.
 */
export function closingMarks(marks: readonly ScaleMark[], final: ScaleMark, every = MARK_EVERY_EDGES): ScaleMark[] {
  const last = marks.at(-1);
  return last && final.edges - last.edges < every / 2 ? [...marks.slice(0, -1), final] : [...marks, final];
}

/** The ingest rate of each stretch between marks (the first from an empty store). */
export function rateBySize(marks: readonly ScaleMark[]): RateSegment[] {
  const segments: RateSegment[] = [];
  let previous: BuildProgress = { events: 0, edges: 0, ingestMs: 0, cpuMs: 0 };
  for (const mark of marks) {
    const events = mark.events - previous.events;
    const ms = mark.ingestMs - previous.ingestMs;
    if (events > 0 && ms > 0) {
      segments.push({
        fromEdges: previous.edges,
        toEdges: mark.edges,
        events,
        eventsPerSecond: (events / ms) * 1000,
        cpuUsPerEvent: ((mark.cpuMs - previous.cpuMs) * 1000) / events,
        loadAverage: mark.loadAverage,
      });
    }
    previous = mark;
  }
  return segments;
}

/**
 * How much slower the last stretch ingests than the first, per million edges the store grew
 * between them: (first rate − last rate) / first rate / millions of edges, as a percentage.
 */
export function rateFallPerMillionEdges(segments: readonly RateSegment[]): number | null {
  if (segments.length < 2) return null;
  const first = segments[0]!;
  const last = segments.at(-1)!;
  const millions = (last.toEdges - first.toEdges) / 1_000_000;
  return millions > 0 ? (100 * (first.eventsPerSecond - last.eventsPerSecond)) / first.eventsPerSecond / millions : null;
}

/** Everything the scale scenario reports. */
export interface ScaleFigures {
  edges: number;
  file: string;
  build: ScaleBuildRecord;
  /** Whole-build figures; absent for a store built in an earlier run and only re-measured. */
  ingest?: { events: number; ingestMs: number; cpuMs: number; eventsPerSecond: number };
  /** Built in this run, or an earlier run's (kept) store re-measured. */
  isReused: boolean;
  storage?: StorageFigures;
  api?: QueryFigure[];
  /** The server's RSS after the API passes on this store, MB. */
  serverRssMB?: number;
  /** The 1-minute load average as the queries started and ended. */
  loadAverage?: number[];
}

/** Millions of edges, as the check names write them (10M edges). */
export const scaleLabel = (edges: number) => (edges >= 1_000_000 ? `${round(edges / 1_000_000)}M` : edges >= 1000 ? `${round(edges / 1000)}k` : String(edges));

/** The scale's targets: build rate and time, bytes per edge, 3 hops and 2,000 nodes p95, RSS. */
export function addScaleChecks(f: ScaleFigures, checks: Checks): void {
  const label = `${scaleLabel(f.edges)} edges`;
  const progress = f.build.progress;
  const segments = rateBySize(f.build.marks);
  const built = `built by ${f.build.builtBy}${f.isReused ? ", an earlier run's store" : ""}`;
  if (progress.ingestMs > 0) {
    // A build stopped half way (measured with --scale-as-is) says so in its checks' names.
    const label = `${scaleLabel(progress.edges)} edges${f.build.finishedAt ? "" : ", unfinished"}`;
    const cpu = `CPU ${round((progress.cpuMs * 1000) / progress.events)} µs/event; ${built}${f.build.resumes.length ? `; resumed ${f.build.resumes.length}×` : ""}`;
    checks.add({ name: `store build time (${label}, ${progress.events} events)`, value: round(progress.ingestMs / 60_000), unit: "min", target: "reported", isMet: true, note: cpu });
    checks.atLeast(`ingest batched, whole build (${label})`, (progress.events / progress.ingestMs) * 1000, 25_000, "events/s", cpu);
    const last = segments.at(-1);
    if (last) {
      const fall = rateFallPerMillionEdges(segments);
      checks.add({
        name: `ingest batched, last ${scaleLabel(last.toEdges - last.fromEdges)} edges (${scaleLabel(last.fromEdges)}–${scaleLabel(last.toEdges)} edges)`,
        value: round(last.eventsPerSecond),
        unit: "events/s",
        target: ">= 25000",
        isMet: last.eventsPerSecond >= 25_000,
        note: `first ${scaleLabel(segments[0]!.toEdges)} edges ${round(segments[0]!.eventsPerSecond)} events/s${fall === null ? "" : `; ${round(fall)} % slower per million edges`}; CPU ${round(last.cpuUsPerEvent)} µs/event; load average ${round(last.loadAverage)}`,
      });
    }
  }
  if (f.storage) checks.atMost(`DB bytes per edge incl. both indexes (${label})`, f.storage.bytesPerEdge, 70, "B", `whole file ${round(f.storage.fileBytesPerEdge)} B/edge`);
  const by = (name: string) => f.api?.find((c) => c.name === name);
  const load = f.loadAverage ? `load average ${f.loadAverage.map((l) => l.toFixed(1)).join(" → ")}` : undefined;
  const three = by("3 hops");
  if (three) checks.atMost(`API 3 hops p95 (${label})`, three.p95.median, 10, "ms", load);
  const big = by("2,000-node neighbourhood");
  if (big) checks.atMost(`API 2,000-node neighbourhood p95 (${label})`, big.p95.median, 50, "ms", load);
  if (f.serverRssMB !== undefined) checks.atMost(`server RSS after the API passes (${label})`, f.serverRssMB, 300, "MB");
}
