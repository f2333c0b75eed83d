/**
 * npm run import:mlflow -- <source> [--experiment <name|id>]… [--since <time>] [--follow [--interval <s>]]
 *                          [--namespace <ns>] [--to <url> --api-key <key>]
 *
 * Imports an MLflow tracking store (an mlruns/ folder, an mlflow.db SQLite file or a tracking
 * server's http(s) URL) into Threadline as OpenLineage events, through the same door as every other
 * event: in-process into the store DATABASE_URL names, or with --to through a remote Threadline's
 * batch API. Prints a progress bar and a closing summary; exits 1 with a message naming the place
 * when the source is not an MLflow store, a meta.yaml is corrupt, a server cannot be reached, or
 * any event was rejected. See docs/mlflow.md.
 */
import { closeDatabase, getStore } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { httpSink } from "@/lib/importers/http-sink";
import { ImportError } from "@/lib/importers/errors";
import { follow, importSnapshot, type ImportSummary, type Sink } from "@/lib/importers/mlflow/import";
import { restOptionsFromEnv } from "@/lib/importers/mlflow/rest-store";
import { openSource } from "@/lib/importers/mlflow/sources";

const USAGE = `Usage: npm run import:mlflow -- <mlruns folder | mlflow.db | http(s)://tracking-server>
  [--experiment <name|id>]...  only these experiments
  [--since <time>]             only runs started or ended since (ISO-8601 or epoch milliseconds)
  [--follow] [--interval <s>]  keep polling for new and changed runs (default every 10 s) until stopped
  [--namespace <ns>]           namespace of jobs and models (default mlflow:<tracking URI>)
  [--to <url> --api-key <key>] send to a remote Threadline instead of DATABASE_URL
Tracking-server credentials: MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.`;

interface Args {
  source: string;
  experiments: string[];
  since?: number;
  follow: boolean;
  intervalMs: number;
  namespace?: string;
  to?: string;
  apiKey?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> & { experiments: string[] } = { experiments: [], follow: false, intervalMs: 10_000 };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--experiment") args.experiments.push(value(i++, a));
    else if (a === "--since") {
      const v = value(i++, a);
      const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isNaN(t)) throw new UsageError(`--since ${v}: not a time (use ISO-8601, e.g. 2025-01-31T00:00:00Z, or epoch milliseconds)`);
      args.since = t;
    } else if (a === "--follow") args.follow = true;
    else if (a === "--interval") {
      const s = Number(value(i++, a));
      if (!(s > 0)) throw new UsageError("--interval takes a number of seconds");
      args.intervalMs = s * 1000;
    } else if (a === "--namespace") args.namespace = value(i++, a);
    else if (a === "--to") args.to = value(i++, a);
    else if (a === "--api-key") args.apiKey = value(i++, a);
    else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else if (args.source === undefined) args.source = a;
    else throw new UsageError(`one source at a time (got ${args.source} and ${a})`);
  }
  if (!args.source) throw new UsageError("name an MLflow store");
  if (args.apiKey && !args.to) throw new UsageError("--api-key goes with --to <url>");
  return args as Args;
}

function progress(done: number, total: number) {
  if (!process.stderr.isTTY || total === 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} events`);
  if (done >= total) process.stderr.write("\n");
}

function printSummary(s: ImportSummary) {
  console.log(
    `MLflow import into ${s.namespace}: ${s.experiments} experiments, ${s.runs} runs (${s.nestedRuns} nested), ` +
      `${s.datasets} datasets, ${s.loggedModels} models, ${s.modelVersions} versions; ` +
      `skipped ${s.skipped.deletedExperiments} deleted experiments, ${s.skipped.deletedRuns} deleted runs, ` +
      `${s.skipped.strayEntries} stray entries${s.skipped.filteredOut ? `, ${s.skipped.filteredOut} filtered out` : ""}; ` +
      `rejected ${s.rejections.length}`,
  );
  console.log(`${s.events.sent} events sent: ${s.events.created} new, ${s.events.duplicates} already imported, ${s.events.rejected} rejected`);
  for (const line of s.rejections.slice(0, 100)) console.log(`  rejected ${line}`);
  if (s.rejections.length > 100) console.log(`  ... and ${s.rejections.length - 100} more`);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv.includes("--help")) {
    console.log(USAGE);
    process.exit(argv.length === 0 ? 2 : 0);
  }
  const args = parseArgs(argv);
  const apiKey = args.apiKey ?? (args.to ? process.env.THREADLINE_API_KEY : undefined);
  const source = openSource(args.source, restOptionsFromEnv(process.env));
  const sink: Sink = args.to
    ? httpSink(args.to, apiKey)
    : async (events) => ingestEvents(getStore(), events, { sender: "mlflow-import" });

  if (args.follow) {
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    process.once("SIGTERM", () => controller.abort());
    console.log(`Following ${source.location} every ${args.intervalMs / 1000} s (Ctrl-C to stop)`);
    await follow(source.read, sink, {
      ...args,
      intervalMs: args.intervalMs,
      signal: controller.signal,
      onPoll: (s, changed) => {
        if (changed > 0 || s.rejections.length > 0) {
          console.log(`${new Date().toISOString()} ${changed} new or changed runs and versions: ${s.events.created} new events, ${s.events.rejected} rejected`);
          for (const line of s.rejections.slice(0, 20)) console.log(`  rejected ${line}`);
        }
      },
    });
    console.log("Stopped.");
    await closeDatabase();
    process.exit(0);
  }

  const snapshot = await source.read();
  const summary = await importSnapshot(snapshot, sink, { ...args, onProgress: progress });
  printSummary(summary);
  await closeDatabase();
  process.exit(summary.rejections.length > 0 ? 1 : 0);
}

main().catch(async (error) => {
  if (error instanceof UsageError) console.error(`import:mlflow: ${error.message}\n${USAGE}`);
  else if (error instanceof ImportError) console.error(`import:mlflow failed: ${error.message}`);
  else console.error(`import:mlflow failed: ${(error as Error).stack ?? String(error)}`);
  await closeDatabase();
  process.exit(1);
});
