import { createHash } from "node:crypto";
import { mapSnapshot, type MappedUnit, type Mapping, type MappingCounts } from "./to-openlineage";
import type { MlflowSnapshot, SkipCounts } from "./model";

/**
 * Runs an import: filter a snapshot, map it to OpenLineage, send the events through a sink (the
 * ingest service in-process, or a remote Threadline's batch API) and count what happened. The
 * sink is Threadline's one door, so validation, idempotency and the hash chain apply as they do to
 * every other event; this module never touches a database.
 *
 * A run's events always travel in one batch, so in-process (one transaction per batch) a run is
 * stored whole or not at all, and an interrupted import leaves only complete runs behind; running
 * it again sends the rest (what was stored comes back as duplicates).
 */

export interface SinkOutcome {
  status: "created" | "duplicate" | "rejected";
  errors?: { path: string; message: string }[];
}

/** Sends events; answers one outcome per event, in order. Throws when the destination cannot be reached. */
export type Sink = (events: unknown[]) => Promise<SinkOutcome[]>;

export interface ImportFilter {
  /** Experiment names or ids; none means every experiment. */
  experiments?: string[];
  /** Only runs still running or that started or ended at/after this instant (ms); versions updated since. */
  since?: number;
}

export interface ImportOptions extends ImportFilter {
  namespace?: string;
  /** Events per batch (a run's events are never split). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary extends MappingCounts {
  namespace: string;
  skipped: SkipCounts & { filteredOut: number };
  events: { sent: number; created: number; duplicates: number; rejected: number };
  /** Why events or entities were rejected: "<entity>: <path>: <message>". */
  rejections: string[];
}

export function filterSnapshot(snapshot: MlflowSnapshot, filter: ImportFilter): { snapshot: MlflowSnapshot; filteredOut: number } {
  const wanted = filter.experiments?.length ? new Set(filter.experiments) : null;
  const experiments = wanted ? snapshot.experiments.filter((e) => wanted.has(e.id) || wanted.has(e.name)) : snapshot.experiments;
  const ids = new Set(experiments.map((e) => e.id));
  const since = filter.since;
  const isRecent = (t: number | null) => since === undefined || (t !== null && t >= since);
  const runs = snapshot.runs.filter(
    (r) => ids.has(r.experimentId) && (since === undefined || r.status === "RUNNING" || isRecent(r.startTime) || isRecent(r.endTime)),
  );
  const runIds = new Set(runs.map((r) => r.id));
  const modelVersions = snapshot.modelVersions.filter((v) =>
    v.runId && runIds.has(v.runId) ? true : !wanted && isRecent(Math.max(v.creationTime ?? 0, v.lastUpdatedTime ?? 0)),
  );
  const filteredOut = snapshot.runs.length - runs.length + (snapshot.modelVersions.length - modelVersions.length);
  return {
    snapshot: {
      ...snapshot,
      experiments,
      runs,
      loggedModels: snapshot.loggedModels.filter((m) => m.sourceRunId && runIds.has(m.sourceRunId)),
      modelVersions,
    },
    filteredOut,
  };
}

export async function importSnapshot(source: MlflowSnapshot, sink: Sink, options: ImportOptions = {}): Promise<ImportSummary> {
  const { snapshot, filteredOut } = filterSnapshot(source, options);
  const mapping = mapSnapshot(snapshot, { namespace: options.namespace });
  const summary = startSummary(mapping, snapshot, filteredOut);
  await sendUnits(mapping.units, sink, summary, options);
  return summary;
}

/** A summary before anything was sent: what the mapping counted, what was skipped or unmappable. */
function startSummary(mapping: Mapping, snapshot: MlflowSnapshot, filteredOut: number): ImportSummary {
  return {
    ...mapping.counts,
    namespace: mapping.namespace,
    skipped: { ...snapshot.skipped, filteredOut },
    events: { sent: 0, created: 0, duplicates: 0, rejected: 0 },
    rejections: mapping.unmappable.map((u) => `${u.key}: ${u.reason}`),
  };
}

export async function sendUnits(units: MappedUnit[], sink: Sink, summary: ImportSummary, options: Pick<ImportOptions, "batchSize" | "onProgress"> = {}) {
  const batchSize = options.batchSize ?? 500;
  const total = units.reduce((n, u) => n + u.events.length, 0);
  let batch: MappedUnit[] = [];
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const events = batch.flatMap((u) => u.events);
    const owners = batch.flatMap((u) => u.events.map(() => u.key));
    const outcomes = await sink(events);
    outcomes.forEach((o, i) => {
      summary.events.sent++;
      if (o.status === "created") summary.events.created++;
      else if (o.status === "duplicate") summary.events.duplicates++;
      else {
        summary.events.rejected++;
        summary.rejections.push(`${owners[i]}: ${(o.errors ?? []).map((e) => `${e.path || "(event)"}: ${e.message}`).join("; ")}`);
      }
    });
    options.onProgress?.(summary.events.sent, total);
    batch = [];
    size = 0;
  };
  for (const unit of units) {
    if (size > 0 && size + unit.events.length > batchSize) await flush();
    batch.push(unit);
    size += unit.events.length;
  }
  await flush();
}

/**
 * `--follow`: read the source again every `intervalMs` and send only the runs and versions whose
 * events changed since the last poll (a new run, a run that ended or logged more, a stage or alias
 * that moved). The first poll sends everything; what Threadline already holds comes back as
 * duplicates. Stops when `signal` aborts.
 */
export async function follow(
  read: () => Promise<MlflowSnapshot>,
  sink: Sink,
  options: ImportOptions & { intervalMs: number; signal: AbortSignal; onPoll?: (summary: ImportSummary, changedUnits: number) => void },
): Promise<void> {
  const seen = new Map<string, string>();
  while (!options.signal.aborted) {
    const { snapshot, filteredOut } = filterSnapshot(await read(), options);
    const mapping = mapSnapshot(snapshot, { namespace: options.namespace });
    const changed = mapping.units.filter((u) => {
      const fingerprint = createHash("sha256").update(JSON.stringify(u.events)).digest("hex");
      if (seen.get(u.key) === fingerprint) return false;
      seen.set(u.key, fingerprint);
      return true;
    });
    const summary = startSummary(mapping, snapshot, filteredOut);
    await sendUnits(changed, sink, summary, options);
    options.onPoll?.(summary, changed.length);
    await sleep(options.intervalMs, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
