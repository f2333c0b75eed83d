/**
 * A token bucket per key, in memory: refilled at `ratePerSecond` up to `burst` tokens; a request
 * takes one. Pure (no imports), so the proxy (read limits) and lib/server (write limits) share it.
 * Per process: buckets reset on restart, which is harmless for limits meant to stop runaway or
 * hostile clients, not to bill them.
 */

export interface RateLimitOptions {
  /** Tokens added per second; 0 turns the limit off. */
  ratePerSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
  /** Buckets kept at most; the least recently used are forgotten first (a forgotten bucket is full). */
  maxKeys?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

export type RateDecision = { isAllowed: true; remaining: number } | { isAllowed: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  get isEnabled(): boolean {
    return this.options.ratePerSecond > 0;
  }

  /** Takes `cost` tokens from `key`'s bucket if it holds them; otherwise says how long to wait. */
  take(key: string, cost = 1): RateDecision {
    const { ratePerSecond, burst } = this.options;
    if (ratePerSecond <= 0) return { isAllowed: true, remaining: Infinity };
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
    bucket.updatedAt = now;
    // Re-inserting keeps the Map in least-recently-used order for eviction.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { isAllowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { isAllowed: false, retryAfterMs: Math.ceil(((cost - bucket.tokens) / ratePerSecond) * 1000) };
  }
}

