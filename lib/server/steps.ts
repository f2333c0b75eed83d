/**
 * Long checks (the hash chain, a replay of the whole log) are written once, as generators that
 * yield between small units of work (a record, an event, a row). A script runs them to the end at
 * once; the server runs them in slices of a few milliseconds and lets requests through in between,
 * so verifying a million-event log never stalls a lineage request for more than a slice.
 *
 * Work that reads the store is asynchronous (AsyncSteps). On SQLite every store call settles at
 * once, so without slices such a check would hold the event loop from start to end; on PostgreSQL
 * the awaits give turns anyway and the slices cost nothing.
 */
export type Steps<T> = Generator<void, T, void>;
export type AsyncSteps<T> = AsyncGenerator<void, T, void>;

/** Runs every step now, synchronously (scripts, tests, small stores). */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs every step now, without giving other work a turn between them. */
export async function finish<T>(steps: AsyncSteps<T>): Promise<T> {
  for (;;) {
    const next = await steps.next();
    if (next.done) return next.value;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the steps in slices of about `sliceMs` of work, giving the event loop a turn (pending
 * requests, timers, I/O) after each slice.
 */
export async function runInSlices<T>(steps: Steps<T> | AsyncSteps<T>, sliceMs = 8): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = await steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
