import "server-only";
import { getConfig } from "@/lib/config";
import { ConcurrencyGate } from "./concurrency";
import { AppError } from "./errors";
import { readerKey } from "@/lib/client-identity";

/**
 * Expensive reads (exports, big lineage walks) under load. One of them costs a second of CPU and
 * megabytes of memory, and eight at once once stalled the server for 15 s and doubled its memory:
 * so at most THREADLINE_EXPENSIVE_READS run at once (a few more wait), and one client runs at most
 * one at a time. Beyond that the answer is 429 with Retry-After, at once, costing nothing.
 * Cheap reads are bounded by the per-client read rate limit in proxy.ts instead.
 */

let gate: ConcurrencyGate | null = null;
/** Heavy reads take turns (see `inTurn`); the queue is long, since waiting costs no CPU. */
const turns = new ConcurrencyGate(1, 1_000);
const runningByClient = new Map<string, number>();
const PER_CLIENT = 1;

function busy(message: string): AppError {
  return new AppError("rate_limited", message, [], { "Retry-After": "2" });
}

/** Runs an expensive read under the global and per-client bounds, or throws 429. */
export async function withExpensiveRead<T>(request: Request, task: () => T | Promise<T>): Promise<T> {
  const config = getConfig();
  gate ??= new ConcurrencyGate(config.THREADLINE_EXPENSIVE_READS, config.THREADLINE_EXPENSIVE_READS * 4);
  const key = readerKey(request, config.THREADLINE_TRUSTED_PROXIES);
  const mine = runningByClient.get(key) ?? 0;
  if (mine >= PER_CLIENT) throw busy("You already have a large read (an export or a big view) under way; retry when it is done.");
  runningByClient.set(key, mine + 1);
  try {
    const result = await gate.run(() => inTurn(task));
    if (!result.ran) throw busy("Threadline is busy with other large reads (exports, big views); retry in a moment.");
    return result.value;
  } finally {
    const left = (runningByClient.get(key) ?? 1) - 1;
    if (left > 0) runningByClient.set(key, left);
    else runningByClient.delete(key);
  }
}

/**
 * Runs a read that holds the event loop for a while (node details, exports, big views) in turn with
 * the others: one at a time, and the event loop serves whatever else arrived before each starts.
 * So a cheap request (stats, a page, a search) waits for at most one heavy read, not for every one
 * queued behind it, which is what kept /api/v1/stats waiting while clients pulled a wide node.
 */
export async function inTurn<T>(task: () => T | Promise<T>): Promise<T> {
  const result = await turns.run(async () => {
    await yieldToOthers();
    return task();
  });
  if (!result.ran) throw busy("Threadline is busy with other reads; retry in a moment.");
  return result.value;
}

/** Lets the event loop serve other requests before a long synchronous step. */
export function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
