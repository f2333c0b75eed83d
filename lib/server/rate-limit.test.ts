import { describe, expect, it } from "vitest";
import { rateLimitKey, TokenBucketLimiter } from "./rate-limit";

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("TokenBucketLimiter", () => {
  it("lets a full burst through at once and refuses the next request", () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ ratePerSecond: 10, burst: 5, now: time.now });
    for (let i = 0; i < 5; i++) expect(limiter.take("a").isAllowed).toBe(true);
    const refused = limiter.take("a");
    expect(refused.isAllowed).toBe(false);
    // One token comes back every 100 ms at 10 per second.
    expect(refused.isAllowed ? 0 : refused.retryAfterMs).toBe(100);
  });

  it("refills at the configured rate, never above the burst", () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ ratePerSecond: 10, burst: 5, now: time.now });
    for (let i = 0; i < 5; i++) limiter.take("a");
    time.advance(250);
    expect(limiter.take("a").isAllowed).toBe(true);
    expect(limiter.take("a").isAllowed).toBe(true);
    expect(limiter.take("a").isAllowed).toBe(false);
    time.advance(60_000);
    const decision = limiter.take("a");
    expect(decision).toEqual({ isAllowed: true, remaining: 4 });
  });

  it("keeps one bucket per key", () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1, now: time.now });
    expect(limiter.take("a").isAllowed).toBe(true);
    expect(limiter.take("a").isAllowed).toBe(false);
    expect(limiter.take("b").isAllowed).toBe(true);
  });

  it("is off when the rate is 0", () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 0, burst: 1 });
    expect(limiter.isEnabled).toBe(false);
    for (let i = 0; i < 100; i++) expect(limiter.take("a").isAllowed).toBe(true);
  });

  it("forgets the least recently used bucket beyond maxKeys (a forgotten bucket starts full)", () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2, now: time.now });
    limiter.take("a");
    limiter.take("b");
    limiter.take("c"); // evicts a
    expect(limiter.take("a").isAllowed).toBe(true);
    expect(limiter.take("c").isAllowed).toBe(false);
  });
});

describe("rateLimitKey", () => {
  const request = (headers: Record<string, string> = {}) => new Request("http://localhost/api/v1/lineage", { method: "POST", headers });

  it("uses the sender's name when the writer is authenticated", () => {
    expect(rateLimitKey(request({ "x-forwarded-for": "10.0.0.1" }), "ingest-bot")).toBe("sender:ingest-bot");
  });

  it("uses the last forwarded address (what the nearest proxy saw) for anonymous writers", () => {
    expect(rateLimitKey(request({ "x-forwarded-for": "10.0.0.1, 10.0.0.2" }), "anonymous")).toBe("ip:10.0.0.2");
    expect(rateLimitKey(request(), "anonymous")).toBe("ip:unknown");
  });
});
