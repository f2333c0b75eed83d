import fs from "node:fs";
import { test } from "@playwright/test";
import { migrateDatabase, repoRoot, ServerProcess, sqliteUrl } from "@/scripts/harness/server";

/**
 * A production Threadline server of a spec's own (the harness's server process, scripts/harness/
 * server.ts, on its own port and database), for behaviour the shared e2e server cannot show:
 * protected mode, another configuration, several servers on one database, a server that must
 * refuse to start.
 */

export const ROOT = repoRoot;

/**
 * The port of a spec's own server: the shared e2e server's port plus `offset` (1–9), so suites
 * started with different E2E_PORT values (one per checkout) never reach for the same port.
 */
export function ownPort(offset: number): number {
  return Number(process.env.E2E_PORT ?? 3100) + offset;
}

export interface OwnServerOptions {
  port: number;
  /** A SQLite file relative to the project root, emptied and migrated first… */
  dbFile?: string;
  /** …or a database URL used as it is (a PostgreSQL database the spec migrated). */
  databaseUrl?: string;
  env?: Record<string, string>;
}

export interface OwnServer {
  baseURL: string;
  /** The process, to kill it hard or read what it printed. */
  process: ServerProcess;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** The server process these options describe, not started yet (a spec that waits for it to refuse to start). */
export function ownServerProcess(options: OwnServerOptions): ServerProcess {
  const databaseUrl = options.databaseUrl ?? sqliteUrl(options.dbFile ?? `data/e2e-own-${options.port}.db`);
  return new ServerProcess(options.port, { databaseUrl, env: options.env });
}

/** Starts a server (on a fresh, migrated SQLite file unless given a database URL) and waits until it answers. */
export async function startOwnServer(options: OwnServerOptions): Promise<OwnServer> {
  const server = ownServerProcess(options);
  await startProcess(server, options);
  return handleOf(server);
}

async function startProcess(server: ServerProcess, options: OwnServerOptions): Promise<void> {
  if (!options.databaseUrl) {
    const file = server.options.databaseUrl.slice("file:".length);
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    migrateDatabase(server.options.databaseUrl);
  }
  await server.start();
}

function handleOf(server: ServerProcess): OwnServer {
  return { baseURL: server.baseUrl, process: server, log: () => server.output(), stop: () => server.stop() };
}

/**
 * A server of the enclosing describe block's (or file's) own: started before its tests (with
 * `startOwnServer`), stopped after them. The returned handle reads the running server.
 */
export function ownServerForTests(options: OwnServerOptions): OwnServer {
  let server: OwnServer | undefined;
  // The process is known before it answers, so a start that times out is still stopped after the
  // tests: otherwise the retry finds the port taken by the server that came up too late.
  let serverProcess: ServerProcess | undefined;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    serverProcess = ownServerProcess(options);
    await startProcess(serverProcess, options);
    server = handleOf(serverProcess);
  });
  test.afterAll(async () => {
    await serverProcess?.stop();
  });
  const started = () => {
    if (!server) throw new Error("the server is started before the tests that use it");
    return server;
  };
  return {
    get baseURL() {
      return started().baseURL;
    },
    get process() {
      return started().process;
    },
    log: () => started().log(),
    stop: () => started().stop(),
  };
}
