import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A production Threadline server of a spec's own (`next start` on the build, its own port and
 * database), for behaviour the shared e2e server cannot show: protected mode, another
 * configuration, a server that must refuse to start. Started in its own process group so `stop`
 * ends next and anything it started.
 */

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The port of a spec's own server: the shared e2e server's port plus `offset` (1–9), so suites
 * started with different E2E_PORT values (one per checkout) never reach for the same port.
 */
export function ownPort(offset: number): number {
  return Number(process.env.E2E_PORT ?? 3100) + offset;
}

export interface OwnServer {
  baseURL: string;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface OwnServerOptions {
  port: number;
  /** The SQLite file, relative to the project root; emptied and migrated first. */
  dbFile: string;
  env?: Record<string, string>;
}

/** The environment a server started with these options runs in. */
export function ownServerEnv(options: OwnServerOptions): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: `file:./${options.dbFile}`, ...options.env };
}

/** Spawns `next start` without waiting for it; the caller reads its exit or polls it. */
export function spawnServer(options: OwnServerOptions): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(options.port)], {
    cwd: ROOT,
    env: ownServerEnv(options),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function isUp(baseURL: string): Promise<boolean> {
  try {
    // The session probe answers whatever the configuration (with private reads, /api/v1/stats is 401).
    return (await fetch(`${baseURL}/api/v1/auth/session`)).ok;
  } catch {
    return false;
  }
}

/** Starts a server on a fresh, migrated database and waits until it answers (at most 60 s). */
export async function startOwnServer(options: OwnServerOptions): Promise<OwnServer> {
  const baseURL = `http://127.0.0.1:${options.port}`;
  if (await isUp(baseURL)) throw new Error(`Port ${options.port} is already serving; stop that server first.`);
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(path.join(ROOT, options.dbFile + suffix), { force: true });
  execFileSync("npm", ["run", "-s", "db:migrate"], { cwd: ROOT, env: ownServerEnv(options), stdio: "pipe" });
  const server = spawnServer(options);
  let log = "";
  server.stdout?.on("data", (d) => (log += d));
  server.stderr?.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  while (!(await isUp(baseURL))) {
    if (server.exitCode !== null || Date.now() > deadline) {
      await stopProcessGroup(server);
      throw new Error(`The server did not start on ${options.port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseURL, log: () => log, stop: () => stopProcessGroup(server) };
}

/** SIGTERM to the whole group, SIGKILL after 5 s. */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
}
