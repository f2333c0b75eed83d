import "server-only";
import { AppError } from "./errors";
import { ConcurrencyGate } from "./concurrency";

/**
 * Sign-in under attack. A password check costs ~32 MiB and tens of milliseconds of scrypt, and an
 * unthrottled sign-in lets anyone guess passwords at the server's speed. So:
 * - **per address**: after `maxFailures` wrong attempts within `windowMs`, the address is locked out
 *   for `baseLockMs`, doubling with every further lock-out (up to `maxLockMs`);
 * - **per user name**: the same with a higher threshold, so guesses spread over many addresses stop
 *   too, while the real person, signing in from their own address, is not locked out by someone
 *   else's ten wrong guesses;
 * - **concurrency**: at most `maxConcurrentChecks` password checks run at once and `maxQueued` wait,
 *   none longer than `maxQueueWaitMs`; beyond that a sign-in is answered 429 with Retry-After, so a
 *   flood cannot queue up seconds of scrypt in front of the real person's attempt. The wait is
 *   bounded in time, not only in number: on a busy machine a check takes several times longer, and
 *   16 queued checks were 11 s of waiting.
 * A locked-out attempt is refused before its password is checked, with the same answer whether the
 * user exists or not. Kept in memory per process: a restart forgets lock-outs, which only helps an
 * attacker who can restart the server.
 */

export interface LockoutOptions {
  maxFailures: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Keys remembered at most; the least recently used are forgotten first. */
  maxKeys?: number;
  now?: () => number;
}

interface Record_ {
  failures: number[];
  lockedUntil: number;
  lockCount: number;
}

/** Failed attempts per key within a sliding window, and growing lock-outs once there are too many. */
export class FailureLockout {
  private readonly records = new Map<string, Record_>();
  private readonly now: () => number;

  constructor(private readonly options: LockoutOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  /** Milliseconds `key` must still wait, or 0 when it may try. */
  retryAfterMs(key: string): number {
    const record = this.records.get(key);
    return record ? Math.max(0, record.lockedUntil - this.now()) : 0;
  }

  recordFailure(key: string): void {
    const now = this.now();
    const record = this.records.get(key) ?? { failures: [], lockedUntil: 0, lockCount: 0 };
    record.failures = record.failures.filter((t) => now - t < this.options.windowMs);
    record.failures.push(now);
    if (record.failures.length >= this.options.maxFailures) {
      const lockMs = Math.min(this.options.maxLockMs, this.options.baseLockMs * 2 ** record.lockCount);
      record.lockedUntil = now + lockMs;
      record.lockCount++;
      record.failures = [];
    }
    this.records.delete(key);
    this.records.set(key, record);
    if (this.records.size > (this.options.maxKeys ?? 50_000)) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }

  /** A success forgets the failures (not a running lock-out: that ends by itself). */
  recordSuccess(key: string): void {
    const record = this.records.get(key);
    if (record && record.lockedUntil <= this.now()) this.records.delete(key);
  }
}

export const SIGN_IN_LIMITS = {
  perAddress: { maxFailures: 10, windowMs: 60_000, baseLockMs: 60_000, maxLockMs: 15 * 60_000 },
  perUser: { maxFailures: 50, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 15 * 60_000 },
  maxConcurrentChecks: 2,
  maxQueuedChecks: 16,
  maxQueueWaitMs: 2_000,
  /** A sign-in body is two short strings: anything bigger is refused before it is read. */
  maxBodyBytes: 4 * 1024,
  /** Every failed sign-in is answered no sooner than this, whatever made it fail. */
  failureFloorMs: 300,
} as const;

const byAddress = new FailureLockout(SIGN_IN_LIMITS.perAddress);
const byUser = new FailureLockout(SIGN_IN_LIMITS.perUser);
const checks = new ConcurrencyGate(SIGN_IN_LIMITS.maxConcurrentChecks, SIGN_IN_LIMITS.maxQueuedChecks, SIGN_IN_LIMITS.maxQueueWaitMs);

function throttled(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError("rate_limited", `Too many sign-in attempts. Try again in ${seconds} s.`, [], { "Retry-After": String(seconds) });
}

/**
 * Checks a sign-in attempt under the throttles: `check` verifies the password and says whether it
 * was right. Throws 429 when the address or user name is locked out or too many checks are under
 * way; returns the check's result otherwise, recording a failure against both keys.
 */
export async function guardSignIn<T>(address: string, username: string, check: () => Promise<T | null>): Promise<T | null> {
  const userKey = username.normalize("NFC").toLowerCase();
  const wait = Math.max(byAddress.retryAfterMs(address), byUser.retryAfterMs(userKey));
  if (wait > 0) throw throttled(wait);
  const started = performance.now();
  const result = await checks.run(check);
  // Refused by the gate before any check ran: not a wrong password, so no failure is recorded.
  if (!result.ran) throw throttled(1000);
  const outcome = result.value;
  if (outcome === null) {
    byAddress.recordFailure(address);
    byUser.recordFailure(userKey);
    const left = SIGN_IN_LIMITS.failureFloorMs - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    return null;
  }
  byAddress.recordSuccess(address);
  byUser.recordSuccess(userKey);
  return outcome;
}
