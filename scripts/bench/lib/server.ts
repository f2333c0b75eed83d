/**
 * The production server the HTTP and browser benchmarks talk to: `next start` on 127.0.0.1 and a
 * free port, on a given database file, built first when the build is missing or older than the
 * sources. Also reads the server's memory from /proc.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { freePort } from "../../harness/process";
import path from "node:path";

const SOURCE_ROOTS = ["app", "components", "lib", "proxy.ts", "next.config.ts", "package.json", "postcss.config.mjs", "tsconfig.json"];

function newestSourceMtime(root: string): number {
  let newest = 0;
  const visit = (p: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) if (entry !== "node_modules" && !entry.startsWith(".")) visit(path.join(p, entry));
    } else if (!/\.test\.tsx?$/.test(p)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const r of SOURCE_ROOTS) visit(path.join(root, r));
  return newest;
}

/** Why the production build must be (re)made, or null when .next is up to date. */
export function buildStaleness(root: string): string | null {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return "no production build (.next/BUILD_ID missing)";
  if (newestSourceMtime(root) > fs.statSync(buildId).mtimeMs) return "sources changed since the last build";
  return null;
}

/** `npm run build`, inheriting the terminal (takes a minute or two). */
export function buildApp(root: string, log: (line: string) => void): void {
  log("building the app (npm run build)…");
  const result = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  pid: number;
  isRunning(): boolean;
  stop(): Promise<void>;
  output(): string;
}

/** Starts `next start` on 127.0.0.1 with DATABASE_URL=file:<databaseFile> and waits for /api/v1/stats. */
export async function startServer(root: string, databaseFile: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const next = path.join(root, "node_modules", ".bin", "next");
  const child: ChildProcess = spawn(next, ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `file:${path.resolve(databaseFile)}`,
      // Local demo mode: anonymous writes, no credentials to manage in a benchmark.
      THREADLINE_AUTH: "off",
      // A benchmark is one client measuring throughput: the per-client read limit would measure itself.
      THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0",
      THREADLINE_EXPENSIVE_READS: "64",
      ...extraEnv,
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  /** Signals the server's process group; false when nothing is left to signal. */
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (!isRunning() || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (!signal("SIGTERM")) return;
    const timer = setTimeout(() => signal("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/v1/stats`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, port, pid: child.pid!, isRunning, stop, output: () => output };
}
