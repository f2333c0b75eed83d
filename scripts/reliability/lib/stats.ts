/** Small numeric summaries and the report writer the scenarios share. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { summarise } from "../../harness/stats";
import { repoRoot } from "../../harness/server";

/** A latency summary for a report, to 0.1 ms (0 for no samples), by the harness's one percentile. */
export function latencySummary(samples: readonly number[]) {
  const s = summarise(samples);
  const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 0);
  return { count: s.n, p50: round(s.p50), p95: round(s.p95), p99: round(s.p99), max: round(s.max) };
}

export function mib(bytes: number | null): number | null {
  return bytes === null ? null : Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

/** Writes the scenario's figures to reports/reliability/<name>.json and returns the path. */
export function writeReport(name: string, figures: unknown): string {
  const dir = path.join(repoRoot, "reports", "reliability");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  // Figures from a busy machine read differently: say how busy it was.
  const machine = { cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10), node: process.version };
  fs.writeFileSync(file, `${JSON.stringify({ scenario: name, at: new Date().toISOString(), machine, ...(figures as object) }, null, 2)}\n`);
  return file;
}

/** Reads `--name value` and `--flag` from argv. */
export function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) continue;
    const [name, inline] = arg.slice(2).split("=", 2);
    if (inline !== undefined) out[name] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) out[name] = argv[++i];
    else out[name] = true;
  }
  return out;
}

export function intArg(args: Record<string, string | true>, name: string, fallback: number): number {
  const raw = args[name];
  if (raw === undefined || raw === true) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got ${raw}`);
  return value;
}

/**
 * A scenario's options from the command line: each named option from `--<its-name-in-kebab-case> n`
 * (a whole number), its default otherwise.
 */
export function intOptions<T extends object>(argv: string[], defaults: T, names: readonly (keyof T & string)[]): T {
  const args = parseArgs(argv);
  const options = { ...defaults };
  for (const name of names) {
    // batchEvery → batch-every, maxRssMiB → max-rss-mib (a capital that starts a word starts a part).
    const flag = name.replace(/[A-Z](?=[a-z])/g, (c) => `-${c}`).toLowerCase();
    (options as Record<string, unknown>)[name] = intArg(args, flag, defaults[name] as number);
  }
  return options;
}
