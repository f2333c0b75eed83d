import "server-only";
import { AppError } from "./errors";
import { clientAddress } from "./http";
import { getConfig } from "@/lib/config";
import { TokenBucketLimiter } from "@/lib/token-bucket";

export { TokenBucketLimiter } from "@/lib/token-bucket";

/**
 * A per-sender rate limit on writes: one token bucket per API key (or, for anonymous writers in
 * local demo mode, per client address), refilled at `ratePerSecond` up to `burst` tokens. A request
 * takes one token; without one it is answered 429 with `Retry-After` (whole seconds, as HTTP wants)
 * before its body is read, so a flood costs the server almost nothing.
 *
 * Why per process and in memory: Threadline is one Node process on one SQLite file; buckets reset on
 * restart, which is harmless for a limit meant to stop runaway clients, not to bill them.
 */

let writeLimiter: TokenBucketLimiter | null = null;

function getWriteLimiter(): TokenBucketLimiter {
  if (!writeLimiter) {
    const env = getConfig();
    writeLimiter = new TokenBucketLimiter({ ratePerSecond: env.THREADLINE_RATE_LIMIT_PER_SECOND, burst: env.THREADLINE_RATE_LIMIT_BURST });
  }
  return writeLimiter;
}

/**
 * Whose bucket a write draws from: the authenticated sender, or for anonymous writes the client
 * address (`clientAddress`, behind THREADLINE_TRUSTED_PROXIES proxies; with none a client can forge it, so in demo
 * mode the limit is a guard against accidents, not against an adversary; set API keys for that).
 */
export function rateLimitKey(request: Request, sender: string): string {
  if (sender !== "anonymous") return `sender:${sender}`;
  return `ip:${clientAddress(request)}`;
}

/** Throws 429 `rate_limited` with Retry-After when `sender` has used up its write budget. */
export function enforceWriteRateLimit(request: Request, sender: string): void {
  const limiter = getWriteLimiter();
  if (!limiter.isEnabled) return;
  const decision = limiter.take(rateLimitKey(request, sender));
  if (decision.isAllowed) return;
  const { THREADLINE_RATE_LIMIT_PER_SECOND: rate, THREADLINE_RATE_LIMIT_BURST: burst } = getConfig();
  const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new AppError(
    "rate_limited",
    `Too many writes: the limit is ${rate} requests per second (bursts up to ${burst}). Retry after ${retryAfter} s.`,
    [],
    { "Retry-After": String(retryAfter) },
  );
}
