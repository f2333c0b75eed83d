import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { verifyChain, type ChainVerification } from "./event-log";
import { storeOver } from "./db";

/**
 * Backup and restore of the SQLite store through SQLite's online backup API, so both work while the
 * server runs and writes.
 *
 * - Backup copies every page in one step of the API, inside one read transaction on the live file:
 *   in WAL mode that transaction does not block writers, and the copy is a consistent snapshot of
 *   one moment (copying in small steps instead would restart each time another process commits, and
 *   under steady writes might never finish). It goes to a temporary file that is checked (SQLite's
 *   integrity check and the hash chain) and only then renamed to the destination.
 * - Restore first checks the backup the same way, refuses to overwrite a store that holds events
 *   or that another process has open (a running server) unless forced, and writes through the same
 *   API, which takes SQLite's locks on the destination: a server that still has it open sees either
 *   the old store or the restored one, never a mix. The restored store is checked again.
 */

export interface StoreReport {
  file: string;
  bytes: number;
  events: number;
  integrity: "ok" | string;
  chain: ChainVerification;
}

/** Integrity check and hash chain of a store file, opened read-only. */
export async function inspectStore(file: string): Promise<StoreReport> {
  if (!fs.existsSync(file)) throw new Error(`No such store: ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Event'").get();
    if (!hasEvents) throw new Error(`${file} is not a Threadline store (no Event table).`);
    const rows = db.pragma("integrity_check") as { integrity_check: string }[];
    const integrity = rows.length === 1 && rows[0].integrity_check === "ok" ? "ok" : rows.map((r) => r.integrity_check).join("; ");
    const events = (db.prepare("SELECT COUNT(*) AS n FROM Event").get() as { n: number }).n;
    const chain = await verifyChain(storeOver(db));
    return { file, bytes: fs.statSync(file).size, events, integrity, chain };
  } finally {
    db.close();
  }
}

function isHealthy(report: StoreReport): boolean {
  return report.integrity === "ok" && report.chain.ok;
}

function describeProblem(report: StoreReport): string {
  if (report.integrity !== "ok") return `SQLite integrity check failed: ${report.integrity}`;
  return `hash chain broken at event #${report.chain.firstBroken?.seq}: ${report.chain.firstBroken?.reason}`;
}

/** Copies all remaining pages in one step of the backup API (see the module comment). */
const ALL_PAGES = () => 0x7fffffff;

/** Retries while another connection holds a lock the backup needs (busy), up to `timeoutMs`. */
async function withBusyRetry<T>(run: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!code.startsWith("SQLITE_BUSY") && !code.startsWith("SQLITE_LOCKED")) throw error;
      if (Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Online backup of the store at `source` into `destination` (a new file; refuses to overwrite). */
export async function backupStore(source: string, destination: string): Promise<StoreReport> {
  if (fs.existsSync(destination)) throw new Error(`${destination} exists already; choose a new file name.`);
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  const temporary = `${destination}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    await withBusyRetry(() => db.backup(temporary, { progress: ALL_PAGES }));
  } finally {
    db.close();
  }
  try {
    // A single file, whatever the source's journal mode: easy to copy, archive and restore.
    const copy = new Database(temporary);
    copy.pragma("journal_mode = DELETE");
    copy.close();
    const report = await inspectStore(temporary);
    if (!isHealthy(report)) throw new Error(`The backup is not sound (${describeProblem(report)}); it was not kept.`);
    fs.renameSync(temporary, destination);
    return { ...report, file: destination };
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Process ids (other than this one) that have `file`, its -wal or its -shm open, found through
 * /proc. Null where /proc is not available (not Linux): the caller cannot tell.
 */
export function findProcessesUsing(file: string): number[] | null {
  if (!fs.existsSync("/proc/self/fd")) return null;
  const targets = new Set([file, `${file}-wal`, `${file}-shm`].map((f) => path.resolve(f)));
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      if (targets.has(link)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

export interface RestoreOptions {
  /** Overwrite a store that holds events or that a running process has open. */
  force?: boolean;
}

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefused";
  }
}

/**
 * Restores the backup at `backup` into the store at `target` (created when missing). Checks the
 * backup first and the result after; see the module comment for when it refuses.
 */
export async function restoreStore(backup: string, target: string, options: RestoreOptions = {}): Promise<StoreReport> {
  const before = await inspectStore(backup);
  if (!isHealthy(before)) throw new RestoreRefused(`The backup ${backup} is not sound (${describeProblem(before)}); nothing was restored.`);
  if (path.resolve(backup) === path.resolve(target)) throw new RestoreRefused("The backup and the target are the same file.");
  if (fs.existsSync(target) && !options.force) {
    const users = findProcessesUsing(target);
    if (users && users.length > 0) {
      throw new RestoreRefused(
        `${target} is open in process ${users.join(", ")} (a running server?). Stop it first, or pass --force to restore underneath it.`,
      );
    }
    const events = countEvents(target);
    if (events > 0) throw new RestoreRefused(`${target} holds ${events} events. Pass --force to replace them with the backup.`);
  }
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const source = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    await withBusyRetry(() => source.backup(target, { progress: ALL_PAGES }));
  } finally {
    source.close();
  }
  // The backup was taken in single-file mode; the store runs in WAL mode, as lib/server/db.ts opens it.
  const restored = new Database(target);
  try {
    restored.pragma("busy_timeout = 10000");
    restored.pragma("journal_mode = WAL");
  } finally {
    restored.close();
  }
  const after = await inspectStore(target);
  if (!isHealthy(after) || after.chain.head?.hash !== before.chain.head?.hash) {
    throw new Error(`The restored store does not match the backup (${describeProblem(after)}).`);
  }
  return after;
}

function countEvents(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Event'").get();
    return hasEvents ? (db.prepare("SELECT COUNT(*) AS n FROM Event").get() as { n: number }).n : 0;
  } finally {
    db.close();
  }
}
