/**
 * A Threadline production server of its own for one reliability scenario: a fresh migrated SQLite
 * file in a temp folder, `next start` on a free port of 127.0.0.1, and the means to kill it hard
 * (SIGKILL), restart it on the same file and port, and sample its memory.
 *
 * Plain Node (no `server-only` modules), so both the npm scripts (tsx) and the Playwright api specs
 * can use it. Needs the production build (.next); `ensureBuild` makes one when it is missing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { freePort, processTreeMemory } from "../../harness/process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = (name: string) => path.join(repoRoot, "node_modules/.bin", name);

/** Builds the app (`next build`) unless a production build is already there. */
export function ensureBuild(): void {
  if (fs.existsSync(path.join(repoRoot, ".next", "BUILD_ID"))) return;
  console.log("No production build in .next: running next build once…");
  const result = spawnSync(bin("next"), ["build"], { cwd: repoRoot, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error("next build failed");
}

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

export interface ServerOptions {
  dbFile: string;
  port?: number;
  /** Extra THREADLINE_* settings (limits, rate limit). */
  env?: Record<string, string>;
}

/** The environment a scenario's server runs with: its own store, local demo mode, no inherited keys. */
function serverEnv(options: ServerOptions): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("THREADLINE_")) env[key] = value;
  return {
    ...env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: `file:${options.dbFile}`,
    THREADLINE_AUTH: "off",
    // The load scenarios measure throughput from one address; the security scenario turns it on.
    THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0",
    ...options.env,
  };
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** The last lines the server wrote, for failure messages. */
  readonly log: string[] = [];
  /** Unexpected exits (not caused by kill/stop). */
  unexpectedExits = 0;
  private isStopping = false;

  constructor(
    readonly options: ServerOptions & { port: number },
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts `next start` and resolves once it answers GET /api/v1/stats. */
  async start(timeoutMs = 60_000): Promise<number> {
    const started = performance.now();
    // Its own process group, so SIGKILL reaches every process it may have spawned.
    const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/next/dist/bin/next"), "start", "-p", String(this.options.port), "-H", "127.0.0.1"], {
      cwd: repoRoot,
      env: serverEnv(this.options),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.isStopping = false;
    const remember = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) this.log.push(line);
      if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
    };
    child.stdout!.on("data", remember);
    child.stderr!.on("data", remember);
    this.exited = new Promise((resolve) =>
      child.on("exit", () => {
        if (!this.isStopping) this.unexpectedExits++;
        resolve();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited while starting:\n${this.log.slice(-30).join("\n")}`);
      try {
        const response = await fetch(`${this.baseUrl}/api/v1/stats`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) {
          await response.arrayBuffer();
          return performance.now() - started;
        }
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`the server did not answer within ${timeoutMs} ms:\n${this.log.slice(-30).join("\n")}`);
  }

  get isRunning(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL to the whole process group: no shutdown hooks, no flush, like a power cut of the process. */
  async kill(): Promise<void> {
    if (!this.child?.pid || !this.isRunning) return;
    this.isStopping = true;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.child?.pid || !this.isRunning) return;
    this.isStopping = true;
    try {
      process.kill(-this.child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (this.child?.pid) process.kill(-this.child.pid, "SIGKILL");
      } catch {
        // gone
      }
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Resident memory of the server's process tree in bytes, from /proc (null where there is none). */
  rssBytes(): number | null {
    const root = this.child?.pid;
    if (!root || !fs.existsSync("/proc")) return null;
    return processTreeMemory(root).rssBytes;
  }
}

/** Starts a server on a free port (or the given one). */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const server = new ServerProcess({ ...options, port: options.port ?? (await freePort()) });
  await server.start();
  return server;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
