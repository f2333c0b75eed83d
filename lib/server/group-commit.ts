import "server-only";

/**
 * Group commit: many small writes that arrive close together share one transaction, as databases
 * do for many small writers. A transaction has a fixed cost (the log's lock, reading the head, the
 * commit writing every page it touched) that one event per transaction pays in full; a group pays
 * it once. The rules, in the order they apply:
 *
 * - The first write opens a group. Writes submitted meanwhile join it, until it holds `maxItems`
 *   writes or `maxBytes` bytes: then it is due at once and the next write opens a new group. A
 *   write larger than `maxBytes` alone is a group of one.
 * - A group is due as soon as no other write is on its way: writes can be announced while their
 *   requests are still being read (`announce`), and once every announced write has joined or been
 *   withdrawn (checked after the current turn of the event loop, so writes submitted together share
 *   a group) the group goes. A lone writer never waits for company that is not coming. A group
 *   waits for announced writes at most `windowMs` after its first write (0: never waits).
 * - One group commits at a time. A group that falls due while another commits keeps taking writes
 *   (up to its bounds) and commits right after it, so under load the wait for the previous commit
 *   is the window and groups grow with the load.
 * - Each write's promise settles only after its group's commit settled: with its own result when
 *   the commit succeeded (result i belongs to write i), never before.
 * - When a group's commit fails, each of its writes is committed again alone, one after another:
 *   a write that broke the group (a bug it triggers, a constraint it violates) fails alone, and
 *   while the database is down each write gets its own error. Nothing is answered as committed
 *   unless a commit holding it succeeded.
 *
 * This file holds only the grouping (pure logic over timers and promises, tested beside it);
 * `lib/server/ingest-event.ts` puts the write path behind it.
 */

export interface GroupBounds {
  /** How long a group waits for announced writes after its first, in milliseconds; 0 means no waiting. */
  windowMs: number;
  /** Most writes in one group. */
  maxItems: number;
  /** Most bytes in one group (as the caller counts them: the request bodies). */
  maxBytes: number;
}

/** Commits a group of writes in one transaction; result i belongs to write i. */
export type CommitGroup<Item, Result> = (items: readonly Item[]) => Promise<readonly Result[]>;

interface Entry<Item, Result> {
  item: Item;
  submittedAt: number;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

interface Group<Item, Result> {
  entries: Entry<Item, Result>[];
  bytes: number;
  isDue: boolean;
  /** When the group became due (the committer's clock). */
  dueAt: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** What a committer has done so far, for tests and diagnostics. */
export interface GroupCommitStats {
  /** Groups committed (successfully or not), retries of single writes not counted. */
  groups: number;
  /** Writes submitted. */
  items: number;
  /** The largest group committed. */
  largestGroup: number;
  /** Groups whose commit failed and whose writes were committed again one by one. */
  groupsRetriedAlone: number;
  /** Milliseconds writes waited, summed over writes: from their submit until their group was due. */
  waitForDueMs: number;
  /** … from their group being due until its commit began (the commit before it was running). */
  waitForTurnMs: number;
  /** … during their group's commit. */
  inCommitMs: number;
  /** Milliseconds of commits, summed over groups (retries of single writes included). */
  commitMs: number;
}

/** A write on its way to the committer (see `GroupCommitter.announce`). */
export interface Arrival {
  /** The write will not be submitted (its request failed first); once submitted, this does nothing. */
  withdraw(): void;
}

export class GroupCommitter<Item, Result> {
  private open: Group<Item, Result> | null = null;
  /** Writes announced and not yet submitted or withdrawn. */
  private readonly arriving = new Set<Arrival>();
  private isCheckScheduled = false;
  /** Groups that are full, waiting for the commit in flight. */
  private readonly full: Group<Item, Result>[] = [];
  private isCommitting = false;
  readonly stats: GroupCommitStats = { groups: 0, items: 0, largestGroup: 0, groupsRetriedAlone: 0, waitForDueMs: 0, waitForTurnMs: 0, inCommitMs: 0, commitMs: 0 };

  constructor(
    private readonly commit: CommitGroup<Item, Result>,
    private readonly bounds: GroupBounds,
    /** Milliseconds from a fixed origin, for the waits in `stats` (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(bounds.windowMs >= 0) || !(bounds.maxItems >= 1) || !(bounds.maxBytes >= 1)) {
      throw new RangeError(`Group bounds must be a window >= 0 ms and at least one item and one byte (got ${JSON.stringify(bounds)}).`);
    }
  }

  /**
   * Announces a write that is on its way (its request is still being read and checked): an open
   * group waits for it, up to the window. Pass the arrival to `submit`, or withdraw it when the
   * write will not come; until one of the two, groups wait for it.
   */
  announce(): Arrival {
    const arrival: Arrival = {
      withdraw: () => {
        if (this.arriving.delete(arrival)) this.scheduleDueCheck();
      },
    };
    this.arriving.add(arrival);
    return arrival;
  }

  /**
   * Submits one write of `bytes` bytes (announced as `arrival`, if it was); settles with its result
   * once a commit holding it settled.
   */
  submit(item: Item, bytes: number, arrival?: Arrival): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      // Joining settles the arrival without a check of its own: the submit makes one.
      if (arrival !== undefined) this.arriving.delete(arrival);
      let group = this.open;
      if (group !== null && group.bytes + bytes > this.bounds.maxBytes) {
        this.seal(group);
        group = null;
      }
      group ??= this.openGroup();
      group.entries.push({ item, submittedAt: this.now(), resolve, reject });
      group.bytes += bytes;
      this.stats.items++;
      if (group.entries.length >= this.bounds.maxItems || group.bytes >= this.bounds.maxBytes) this.seal(group);
      else this.scheduleDueCheck();
      this.pump();
    });
  }

  /**
   * Once the current turn of the event loop is over (so writes submitted together join one group),
   * makes the open group due if no announced write is still on its way.
   */
  private scheduleDueCheck(): void {
    if (this.isCheckScheduled) return;
    this.isCheckScheduled = true;
    setImmediate(() => {
      this.isCheckScheduled = false;
      const group = this.open;
      if (group === null || group.isDue || this.arriving.size > 0) return;
      clearTimeout(group.timer);
      this.markDue(group);
      this.pump();
    });
  }

  private openGroup(): Group<Item, Result> {
    const group: Group<Item, Result> = { entries: [], bytes: 0, isDue: this.bounds.windowMs === 0, dueAt: this.now() };
    if (!group.isDue) {
      group.timer = setTimeout(() => {
        this.markDue(group);
        this.pump();
      }, this.bounds.windowMs);
    }
    this.open = group;
    return group;
  }

  /** Closes a group to new writes: due at once, queued behind the commit in flight. */
  private seal(group: Group<Item, Result>): void {
    clearTimeout(group.timer);
    this.markDue(group);
    if (this.open === group) this.open = null;
    this.full.push(group);
  }

  private markDue(group: Group<Item, Result>): void {
    if (group.isDue) return;
    group.isDue = true;
    group.dueAt = this.now();
  }

  /** Starts the next due group unless a commit is in flight. */
  private pump(): void {
    if (this.isCommitting) return;
    let next = this.full.shift();
    if (next === undefined && this.open?.isDue) {
      next = this.open;
      this.open = null;
    }
    if (next === undefined) return;
    this.isCommitting = true;
    void this.run(next).finally(() => {
      this.isCommitting = false;
      this.pump();
    });
  }

  private async run(group: Group<Item, Result>): Promise<void> {
    const { entries } = group;
    const { stats } = this;
    stats.groups++;
    stats.largestGroup = Math.max(stats.largestGroup, entries.length);
    const startedAt = this.now();
    for (const entry of entries) stats.waitForDueMs += Math.max(0, group.dueAt - entry.submittedAt);
    stats.waitForTurnMs += (startedAt - group.dueAt) * entries.length;
    let results: readonly Result[];
    try {
      results = await this.timed(entries.map((e) => e.item));
      stats.inCommitMs += (this.now() - startedAt) * entries.length;
      if (results.length !== entries.length) throw new Error(`A group commit of ${entries.length} writes answered ${results.length} results.`);
    } catch (error) {
      if (entries.length === 1) {
        entries[0]!.reject(error);
        return;
      }
      this.stats.groupsRetriedAlone++;
      for (const entry of entries) await this.commitAlone(entry);
      return;
    }
    entries.forEach((entry, i) => entry.resolve(results[i]!));
  }

  private async timed(items: Item[]): Promise<readonly Result[]> {
    const startedAt = this.now();
    try {
      return await this.commit(items);
    } finally {
      this.stats.commitMs += this.now() - startedAt;
    }
  }

  private async commitAlone(entry: Entry<Item, Result>): Promise<void> {
    try {
      const results = await this.timed([entry.item]);
      if (results.length !== 1) throw new Error(`A commit of one write answered ${results.length} results.`);
      entry.resolve(results[0]!);
    } catch (error) {
      entry.reject(error);
    }
  }
}
