import "server-only";
import type Database from "better-sqlite3";

/**
 * When a server's SQLite connection copies its WAL back into the database file (a checkpoint).
 *
 * SQLite's default is an automatic checkpoint inside the commit that brings the WAL past 1,000
 * pages. A one-event write commits some 20–50 pages, so every 20th–50th write paid a checkpoint
 * of 10–25 ms on top of its own 2 ms: the tail of a lone writer's latency was the checkpoint. Here
 * the connection checkpoints when its writer has been idle for `idleMs` after its last commit
 * (PASSIVE: it never waits for a reader, and copies what no reader still needs), so a burst of
 * writes is folded back once, after it, and the pages it rewrote many times are copied once. The
 * automatic checkpoint stays as the bound: under writes that never pause, the commit that brings the
 * WAL past `maxWalPages` still runs one, so the WAL cannot grow without limit.
 *
 * Durability is the WAL's, unchanged: a commit is in the WAL (synchronous=NORMAL) whether or not it
 * has been checkpointed, and a crash replays the WAL on the next open.
 */
export interface IdleCheckpointPolicy {
  /** Milliseconds without a commit before the connection checkpoints. */
  idleMs: number;
  /** The WAL's size, in pages, at which a commit checkpoints anyway (SQLite's wal_autocheckpoint). */
  maxWalPages: number;
}

/** The server's policy: a burst's WAL is folded back 100 ms after it, and never grows past ~40 MB. */
export const SERVER_CHECKPOINTS: IdleCheckpointPolicy = { idleMs: 100, maxWalPages: 10_000 };

export class IdleCheckpointer {
  private timer: NodeJS.Timeout | undefined;
  private isArmed = false;
  /** Idle checkpoints run so far, and how many WAL pages the last one found. */
  readonly stats = { checkpoints: 0, lastWalPages: 0 };

  /** `onIdle` runs after each idle checkpoint: other work that waits for the writer to be idle. */
  constructor(
    private readonly db: Database.Database,
    private readonly policy: IdleCheckpointPolicy,
    private readonly onIdle?: () => void,
  ) {
    db.pragma(`wal_autocheckpoint = ${policy.maxWalPages}`);
  }

  /** Call after each commit on the connection: the idle checkpoint is due `idleMs` from now. */
  readonly afterCommit = (): void => {
    this.isArmed = true;
    // One timer, pushed back by every commit (refreshing it is cheaper than a new one); it never
    // keeps a process (a script) alive.
    if (this.timer === undefined) this.timer = setTimeout(() => this.checkpoint(), this.policy.idleMs).unref();
    else this.timer.refresh();
  };

  private checkpoint(): void {
    if (!this.isArmed || !this.db.open) return;
    // A transaction in progress (its statements awaited between turns) or a statement still
    // iterating holds the connection: try again once it has been idle long enough.
    if (this.db.inTransaction) return this.afterCommit();
    try {
      const [result] = this.db.pragma("wal_checkpoint(PASSIVE)") as { log: number }[];
      this.isArmed = false;
      this.stats.checkpoints++;
      this.stats.lastWalPages = result?.log ?? 0;
    } catch {
      return this.afterCommit();
    }
    this.onIdle?.();
  }

  /** Stops the timer (the connection is closing). */
  stop(): void {
    this.isArmed = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
