/**
 * What a reliability scenario runs against: a fresh migrated SQLite file in a temp folder and the
 * harness's server process on it (scripts/harness/server.ts: started on a free port of 127.0.0.1,
 * killed hard, restarted on the same file and port, its memory sampled), and the project's scripts
 * run against the same file.
 *
 * Plain Node (no `server-only` modules), so both the npm scripts (tsx) and the Playwright api specs
 * can use it. Needs the production build (.next): `ensureBuild` (scripts/harness/build.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../harness/process";
import { repoRoot, ServerProcess, sqliteUrl } from "../../harness/server";

const bin = (name: string) => path.join(repoRoot, "node_modules/.bin", name);

/** A temp folder with a migrated, empty store; `cleanup` removes it. */
export function createStore(label: string): { dir: string; dbFile: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `threadline-${label}-`));
  const dbFile = path.join(dir, "store.db");
  const result = spawnSync(bin("tsx"), ["scripts/db-migrate.ts", "deploy"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`migration failed: ${result.stderr || result.stdout}`);
  return { dir, dbFile, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs one of the project's tsx scripts (verify, ingest, backup…) against `dbFile`. */
export function runScript(
  script: string,
  args: string[],
  dbFile: string,
  options: { input?: string; env?: Record<string, string> } = {},
): { status: number | null; stdout: string; stderr: string; ms: number } {
  const started = performance.now();
  const result = spawnSync(bin("tsx"), ["--conditions=react-server", script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env, DATABASE_URL: `file:${dbFile}` },
    input: options.input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

/** The same, without blocking this process (a concurrent writer next to the server). */
export function startScript(
  script: string,
  args: string[],
  dbFile: string,
): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const child = spawn(bin("tsx"), ["--conditions=react-server", script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr, ms: performance.now() - started })));
}

export interface ScenarioServerOptions {
  dbFile: string;
  /** Default: a free port. */
  port?: number;
  /** Extra THREADLINE_* settings (limits, rate limit, protected mode). */
  env?: Record<string, string>;
}

/**
 * A scenario's server (not started): its own store, local demo mode unless `env` says otherwise,
 * none of the shell's THREADLINE_* settings.
 */
export async function scenarioServer(options: ScenarioServerOptions): Promise<ServerProcess> {
  return new ServerProcess(options.port ?? (await freePort()), {
    databaseUrl: sqliteUrl(options.dbFile),
    isolateEnv: true,
    // The load scenarios measure throughput from one address; the security scenario turns the read limit on.
    env: { THREADLINE_AUTH: "off", THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0", ...options.env },
  });
}

/** A scenario's server, started. */
export async function startScenarioServer(options: ScenarioServerOptions): Promise<ServerProcess> {
  const server = await scenarioServer(options);
  await server.start();
  return server;
}

/**
 * Runs `body` with a fresh store (`label` names its temp folder) and a server on it; afterwards
 * stops the server and removes the store, and on a failure prints what the server printed last.
 */
export async function withScenarioServer<T>(
  label: string,
  options: { env?: Record<string, string>; log: (line: string) => void; isStarted?: boolean },
  body: (server: ServerProcess, dbFile: string) => Promise<T>,
): Promise<T> {
  const store = createStore(label);
  const server = await scenarioServer({ dbFile: store.dbFile, env: options.env });
  try {
    if (options.isStarted !== false) await server.start();
    return await body(server, store.dbFile);
  } catch (error) {
    options.log(server.outputTail(40));
    throw error;
  } finally {
    await server.stop();
    store.cleanup();
  }
}
