/**
 * Long checks (the hash chain, a replay of the whole log) are written once, as generators that
 * yield between small units of work (a record, an event, a row). A script runs them to the end at
 * once; the server runs them in slices of a few milliseconds and lets requests through in between,
 * so verifying a million-event log never stalls a lineage request for more than a slice.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now, synchronously (scripts, tests, small stores). */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the steps in slices of about `sliceMs` of work, giving the event loop a turn (pending
 * requests, timers, I/O) after each slice.
 */
export async function runInSlices<T>(steps: Steps<T>, sliceMs = 8): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
