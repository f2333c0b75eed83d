import "server-only";
import { getLogHead, type LogHead } from "./event-log";
import { ingestEvents, prepareInputs, stageBatch, writeStaged, type IngestOptions, type IngestOutcome, type StagedBatch } from "./ingest";
import { ProjectionCache } from "./projection";
import type { Queryable, SqlValue, Store } from "./store/types";

/**
 * Many batches stored one after another (the ingest CLI, imports, the benchmark): each batch is
 * what ingestEvents makes of it (its own transaction; each event stands alone), and `onBatch` hears
 * each batch's outcomes in order, once it committed.
 *
 * On PostgreSQL the batches overlap, so this process's JavaScript and the database's work run side
 * by side instead of taking turns: batch N+1 is validated, checked for duplicates and projected
 * while batch N's statements execute, and it takes the log's lock only to check that the log's
 * head is the one it was projected onto and to send its statements. Its projection starts from
 * batch N's (the cache of rows N read and wrote, the head N's rows end at, the content hashes N
 * stores), because N's rows are not committed yet and its reads cannot see them. When the head
 * under the lock is another (batch N failed, or another server appended meanwhile), or when the
 * projection needed a statement's answer it cannot have before the lock (see deferringWrites), the
 * batch is projected again under the lock from what is committed, as ingestEvents does; nothing
 * it did ahead is kept. A batch after a failed one is not stored: the call throws the first error,
 * and the batches before it stay stored.
 *
 * On SQLite the batches run one after another (its transactions hold the database's one write
 * lock from their start, and its statements are function calls with nothing to overlap).
 */
export async function ingestBatches(
  store: Store,
  batches: Iterable<readonly unknown[]>,
  options: IngestOptions,
  onBatch?: (outcomes: IngestOutcome[], index: number, how: { isProjectedAhead: boolean }) => void,
): Promise<void> {
  let index = 0;
  if (!store.dialect.lockProjection) {
    for (const inputs of batches) {
      // Stored first, then told: `onBatch?.(await …)` would skip the storing with no one to tell.
      const outcomes = await ingestEvents(store, inputs, options);
      onBatch?.(outcomes, index++, { isProjectedAhead: false });
    }
    return;
  }
  const writes = new OverlappedWrites(store);
  try {
    for (const inputs of batches) {
      const { outcomes, batch } = prepareInputs(inputs, options);
      const at = index++;
      // Nothing to store, but its outcomes come after the batches before it.
      if (batch.valid.length === 0) writes.afterAll(() => onBatch?.(outcomes, at, { isProjectedAhead: false }));
      else {
        await writes.add(
          (db, base, cache, logged) => stageBatch(db, batch, base, cache, logged),
          ({ staged, isProjectedAhead }) => onBatch?.(place(outcomes, staged), at, { isProjectedAhead }),
        );
      }
    }
  } catch (error) {
    await writes.settled();
    throw error;
  }
  await writes.finish();
}

/**
 * A batch's staging (stageBatch, or store:copy's page): projects it through `db` onto `base`,
 * starting from `cache` and `logged` (the batch before's, or empty).
 */
export type Stage = (db: Queryable, base: LogHead | null, cache: ProjectionCache, logged: Map<string, number>) => Promise<StagedBatch>;

/**
 * Batches stored one after another, each projected ahead of the log's lock onto the one before
 * while that one's statements execute (see ingestBatches). PostgreSQL only (Dialect.lockProjection).
 */
export class OverlappedWrites {
  private previous: InFlight | null = null;
  private readonly inFlight: Promise<unknown>[] = [];

  constructor(private readonly store: Store) {}

  /**
   * Starts storing a batch once the one before has sent its statements (its projection cache is
   * free then); `onStored` once it committed. A cache too big, or no longer holding every row its
   * batch wrote (dropped after a flag: reads ahead of that batch's commit would miss those rows), is
   * not carried on: this batch then starts once the one before committed.
   */
  async add(stage: Stage, onStored: (stored: Stored) => void): Promise<void> {
    let carried = this.previous ? await this.previous.sent : null;
    if (carried && (carried.cache.size > MAX_CARRIED_ENTRIES || !carried.cache.isWhole)) {
      await carried.committed;
      carried = null;
    }
    const flight = startBatch(this.store, stage, carried);
    this.track(flight.committed.then(onStored));
    this.previous = flight;
  }

  /** Runs `then` once every batch added so far has committed, in order with their `onStored`. */
  afterAll(then: () => void): void {
    this.track((this.previous?.committed ?? Promise.resolve()).then(then));
  }

  /** Waits for every batch; throws the first failure. */
  async finish(): Promise<void> {
    await this.settled();
    await Promise.all(this.inFlight);
  }

  /** Waits for every batch, failed or not: no transaction of them is still running after it. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }

  private track(done: Promise<unknown>): void {
    // A failure is thrown by finish (or by add, for the batch after it), never reported unhandled meanwhile.
    done.catch(() => undefined);
    this.inFlight.push(done);
  }
}

/** Cache entries carried from one batch into the next at most (as the replay bounds its cache). */
const MAX_CARRIED_ENTRIES = 200_000;

/** The outcomes of a batch's valid events put in among its rejected ones. */
function place(outcomes: IngestOutcome[], staged: StagedBatch): IngestOutcome[] {
  for (const outcome of staged.outcomes) outcomes[outcome.index] = outcome;
  return outcomes;
}

/** What the next batch starts from: this one's head, cache and content hashes once its rows are sent. */
interface Carried {
  head: LogHead | null;
  cache: ProjectionCache;
  logged: Map<string, number>;
  committed: Promise<Stored>;
}

/** A batch as it was written, and whether what was projected ahead of the lock stood. */
export interface Stored {
  staged: StagedBatch;
  isProjectedAhead: boolean;
}

interface InFlight {
  /** Once the batch's statements are sent (rejected if it failed before). */
  sent: Promise<Carried>;
  committed: Promise<Stored>;
}

/** Stores one batch, projected ahead of the log's lock where the dialect allows (see ingestBatches). */
function startBatch(store: Store, stage: Stage, carried: Carried | null): InFlight {
  let markSent: (carried: Carried) => void = () => undefined;
  let failSent: (error: unknown) => void = () => undefined;
  const sent = new Promise<Carried>((resolve, reject) => {
    markSent = resolve;
    failSent = reject;
  });
  const committed: Promise<Stored> = store.transaction(async (tx) => {
    const { lockLog, lockProjection } = tx.dialect;
    let staged: StagedBatch | null = null;
    if (lockProjection) {
      await tx.run(lockProjection.shared);
      const writes: StagedBatch["writes"] = [];
      try {
        const base = carried ? carried.head : await getLogHead(tx);
        staged = await stage(deferringWrites(tx, writes), base, carried?.cache ?? new ProjectionCache(), carried?.logged ?? new Map());
        staged.writes = writes;
      } catch (error) {
        if (!(error instanceof NotAhead)) throw error;
      }
    }
    // The batch before must be committed (its rows are what this one was projected onto).
    if (carried) await carried.committed;
    if (lockLog) await tx.run(lockLog);
    const head = await getLogHead(tx);
    const isProjectedAhead = staged !== null && isSameHead(head, staged.base);
    const written = isProjectedAhead ? staged! : await stage(tx, head, new ProjectionCache(), new Map());
    await writeStaged(tx, written, () => markSent({ head: written.head, cache: written.cache, logged: written.logged, committed }));
    return { staged: written, isProjectedAhead };
  });
  committed.catch(failSent);
  // Nobody may be waiting for `sent` (the last batch): its failure is the committed promise's to report.
  sent.catch(() => undefined);
  return { sent, committed };
}

export function isSameHead(a: LogHead | null, b: LogHead | null): boolean {
  return a === null || b === null ? a === b : a.seq === b.seq && a.hash === b.hash;
}

/** A projection ahead of the log's lock needed what it cannot have there (see deferringWrites). */
class NotAhead extends Error {}

const READS = /^\s*(?:SELECT|WITH)\b/i;

/**
 * `tx` for projecting ahead of the log's lock: reads go through (the committed rows, which nobody
 * can change before this transaction takes the lock without moving the head, and a rebuild waits
 * for lockProjection); statements that write are held back in `writes`, to run under the lock in
 * their order. A write whose answer the projection reads (its row count, a RETURNING), or a read
 * after a held-back write (it might read what that write changes), throws NotAhead: the batch is
 * projected again under the lock.
 */
function deferringWrites(tx: Queryable, writes: { sql: string; params: readonly SqlValue[] }[]): Queryable {
  const read = <T>(sql: string, query: () => Promise<T>): Promise<T> =>
    writes.length > 0 || !READS.test(sql) ? Promise.reject(new NotAhead()) : query();
  return {
    dialect: tx.dialect,
    all: (sql, params) => read(sql, () => tx.all(sql, params)),
    values: (sql, params) => read(sql, () => tx.values(sql, params)),
    get: (sql, params) => read(sql, () => tx.get(sql, params)),
    run: async (sql, params = []) => {
      writes.push({ sql, params });
      return {
        get changes(): number {
          throw new NotAhead();
        },
      };
    },
  };
}
