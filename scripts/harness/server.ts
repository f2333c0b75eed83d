/**
 * A Threadline production server in a process of its own: `next start` on the build, on 127.0.0.1
 * and a port (a free one unless given), with a database URL and settings. The one spawner of the
 * benchmarks, the reliability scenarios and the specs that need a server of their own: it starts
 * and waits until the server answers, keeps what it prints, reads its memory, and stops it
 * (SIGTERM, then SIGKILL) or kills it hard (SIGKILL, as a power cut would), and can start it again
 * on the same port and database.
 *
 * Plain Node (no `server-only` modules), so tsx scripts and Playwright specs can both use it. Needs
 * the production build (.next; scripts/harness/build.ts).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, processTreeMemory, type MemoryFigures } from "./process";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NEXT_BIN = path.join(repoRoot, "node_modules/next/dist/bin/next");
/**
 * The V8 heap settings `npm start` gives the server (package.json), so a spawned server measures as
 * a started one: a 768 MB ceiling for V8's old space, which also caps how far V8 lets the heap grow
 * past what is live before it collects (the lower the ceiling, the smaller that factor: up to 4
 * under the default of several GiB), and young-generation semi-spaces of at most 8 MB (16 by
 * default). Why, measured: docs/benchmarks.md, "Server RSS".
 */
export const SERVER_NODE_OPTIONS = "--max-old-space-size=768 --max-semi-space-size=8";

/** What the server printed is kept up to this many characters (the latest). */
const OUTPUT_LIMIT = 1 << 20;
/** Answers in every configuration (with private reads, /api/v1/stats is 401) and opens the store. */
const READY_PATH = "/api/v1/auth/session";

/** Migrates the database a URL names (`npm run db:migrate`), SQLite or PostgreSQL. */
export function migrateDatabase(databaseUrl: string): void {
  execFileSync("npm", ["run", "-s", "db:migrate"], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
}

/** `file:<absolute path>` for a SQLite file (relative paths are taken from the project root). */
export const sqliteUrl = (file: string) => `file:${path.resolve(repoRoot, file)}`;

export interface ServerOptions {
  /** DATABASE_URL: `file:<path>` or `postgresql://…`. */
  databaseUrl: string;
  /** Settings on top of the environment (THREADLINE_*, limits). */
  env?: Record<string, string>;
  /**
   * Leave this process's own THREADLINE_* variables out, so only `env` configures the server (a
   * scenario must not inherit a key or a limit from the shell that runs it).
   */
  isolateEnv?: boolean;
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private printed = "";
  private isStopping = false;
  /** Exits nobody asked for (not stop or kill). */
  unexpectedExits = 0;

  constructor(
    readonly port: number,
    readonly options: ServerOptions,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get isRunning(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the server printed (stdout and stderr, the latest megabyte). */
  output(): string {
    return this.printed;
  }

  /** The last `lines` lines it printed, for failure messages. */
  outputTail(lines = 40): string {
    return this.printed.split("\n").filter((line) => line.trim()).slice(-lines).join("\n");
  }

  private environment(): NodeJS.ProcessEnv {
    const inherited = Object.entries(process.env).filter(([key]) => !(this.options.isolateEnv && key.startsWith("THREADLINE_")));
    const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: this.options.databaseUrl, ...this.options.env };
    // Given settings come last, so a caller's own NODE_OPTIONS can override the heap setting.
    return { ...env, NODE_OPTIONS: `${SERVER_NODE_OPTIONS} ${env.NODE_OPTIONS ?? ""}`.trim() };
  }

  /** Starts `next start` without waiting for it to answer; `exit` tells when (and how) it ends. */
  launch(): void {
    if (this.isRunning) throw new Error(`the server on port ${this.port} is running already`);
    this.printed = "";
    this.isStopping = false;
    // Its own process group, so stop and kill reach every process it starts.
    const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(this.port), "-H", "127.0.0.1"], {
      cwd: repoRoot,
      env: this.environment(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const remember = (chunk: Buffer) => {
      this.printed += chunk.toString();
      if (this.printed.length > OUTPUT_LIMIT) this.printed = this.printed.slice(-OUTPUT_LIMIT);
    };
    child.stdout!.on("data", remember);
    child.stderr!.on("data", remember);
    this.exited = new Promise((resolve) =>
      child.once("exit", (code) => {
        if (!this.isStopping) this.unexpectedExits++;
        // What it printed last may still be in the pipes: read it first (briefly; a worker left
        // behind could hold them open).
        const drained = [child.stdout!, child.stderr!].map((stream) => (stream.readableEnded ? null : new Promise((end) => stream.once("end", end))));
        void Promise.race([Promise.all(drained), sleep(500)]).then(() => resolve(code));
      }),
    );
  }

  /** The exit code once the server ends (null when a signal ended it). */
  exit(): Promise<number | null> {
    return this.exited;
  }

  /** Launches the server and resolves, with the milliseconds it took, once it answers. */
  async start(timeoutMs = 90_000): Promise<number> {
    const started = performance.now();
    if (await answers(this.baseUrl)) throw new Error(`Port ${this.port} is already serving; stop that server first.`);
    this.launch();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isRunning) throw new Error(`the server on port ${this.port} exited while starting:\n${this.outputTail()}`);
      if (await answers(this.baseUrl)) return performance.now() - started;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`the server on port ${this.port} did not answer within ${timeoutMs / 1000} s:\n${this.outputTail()}`);
      }
      await sleep(100);
    }
  }

  private signal(name: NodeJS.Signals): boolean {
    try {
      process.kill(-this.child!.pid!, name);
      return true;
    } catch {
      return false; // gone already
    }
  }

  /** SIGKILL to the whole process group: no shutdown hooks, no flush, like a power cut. */
  async kill(): Promise<void> {
    if (!this.child?.pid || !this.isRunning) return;
    this.isStopping = true;
    if (this.signal("SIGKILL")) await this.exited;
  }

  /** SIGTERM to the whole process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.child?.pid || !this.isRunning) return;
    this.isStopping = true;
    if (!this.signal("SIGTERM")) return;
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Resident memory of the server's process tree (Next starts workers), or null when it is not running. */
  memory(): MemoryFigures | null {
    return this.child?.pid && this.isRunning ? processTreeMemory(this.child.pid) : null;
  }

  /** The resident bytes of memory(), or null when it is not running. */
  rssBytes(): number | null {
    return this.memory()?.rssBytes ?? null;
  }
}

/** Starts a server on the given port (or a free one) and waits until it answers. */
export async function startServer(options: ServerOptions & { port?: number; timeoutMs?: number }): Promise<ServerProcess> {
  const server = new ServerProcess(options.port ?? (await freePort()), options);
  await server.start(options.timeoutMs);
  return server;
}

async function answers(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(baseUrl + READY_PATH, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
