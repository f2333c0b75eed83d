import "server-only";
import inspector from "node:inspector";
import v8 from "node:v8";

/**
 * Gives back the V8 heap a burst of writes left behind, once the writer is idle.
 *
 * One-event writes wait for their group's commit long enough for what their requests allocated to
 * be promoted to V8's old generation, which only a full collection frees; V8 starts one when the
 * old generation reaches a limit it sets well above what is live, and even then keeps the heap's
 * size, so after a burst the server holds tens of MB more in its RSS for as long as it stays quiet
 * (docs/benchmarks.md, "Server RSS"). Once the writer has been idle a moment, the collection V8
 * runs under memory pressure (through the process's own inspector: `HeapProfiler.collectGarbage`,
 * no flag needed) frees the garbage and returns the emptied heap to the system. It pauses the
 * process for a few tens of milliseconds, so it runs only when the heap grew by `minGrowthBytes`
 * since the last one and at most once per `minIntervalMs`: a server written to in bursts pays at
 * most one pause that often, and a server never idle for its writer never pays it.
 */
export interface HeapReleasePolicy {
  /** Growth of V8's heap (reserved, `total_heap_size`) since the last release that warrants one. */
  minGrowthBytes: number;
  /** Shortest time between two releases, in milliseconds. */
  minIntervalMs: number;
}

/** The server's policy: a burst that grew the heap by 16 MB, at most every 10 s. */
export const SERVER_HEAP_RELEASE: HeapReleasePolicy = { minGrowthBytes: 16 * 2 ** 20, minIntervalMs: 10_000 };

/** What a release reads and calls; the process's own by default (tests pass their own). */
export interface HeapReleaseRuntime {
  /** Collects all the garbage it can and gives the emptied heap back; calls `done` once it has. */
  collect: (done: () => void) => void;
  heapBytes: () => number;
  now: () => number;
}

const processRuntime: HeapReleaseRuntime = {
  collect: (done) => {
    const session = new inspector.Session();
    session.connect();
    session.post("HeapProfiler.collectGarbage", () => {
      // Not from inside the session's own callback: the session is still dispatching it.
      setImmediate(() => session.disconnect());
      done();
    });
  },
  heapBytes: () => v8.getHeapStatistics().total_heap_size,
  now: () => performance.now(),
};

export class HeapReleaser {
  /** The heap's size after the last release (0 before the first, so the first burst after start counts). */
  private heapAfterLast = 0;
  private lastAt = -Infinity;
  /** Releases run so far. */
  readonly stats = { releases: 0 };

  constructor(
    private readonly policy: HeapReleasePolicy = SERVER_HEAP_RELEASE,
    private readonly runtime: HeapReleaseRuntime = processRuntime,
  ) {}

  /** Call when the writer has gone idle: collects if the heap grew enough since the last time. */
  readonly releaseIfGrown = (): boolean => {
    const { collect, heapBytes, now } = this.runtime;
    if (now() - this.lastAt < this.policy.minIntervalMs) return false;
    if (heapBytes() - this.heapAfterLast < this.policy.minGrowthBytes) return false;
    this.lastAt = now();
    this.stats.releases++;
    collect(() => {
      this.heapAfterLast = heapBytes();
    });
    return true;
  };
}
