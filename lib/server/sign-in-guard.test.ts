import { describe, expect, it, vi } from "vitest";
import { ConcurrencyGate } from "./concurrency";
import { FailureLockout } from "./sign-in-guard";

function lockout(maxFailures = 10) {
  let now = 0;
  const l = new FailureLockout({ maxFailures, windowMs: 60_000, baseLockMs: 60_000, maxLockMs: 240_000, now: () => now });
  return { l, advance: (ms: number) => (now += ms) };
}

describe("FailureLockout", () => {
  it("lets ten failures within a minute through and locks the eleventh attempt out", () => {
    const { l, advance } = lockout();
    for (let i = 0; i < 9; i++) {
      l.recordFailure("a");
      advance(1_000);
      expect(l.retryAfterMs("a")).toBe(0);
    }
    l.recordFailure("a");
    expect(l.retryAfterMs("a")).toBe(60_000);
    expect(l.retryAfterMs("b")).toBe(0);
  });

  it("forgets failures older than the window", () => {
    const { l, advance } = lockout(3);
    l.recordFailure("a");
    l.recordFailure("a");
    advance(60_001);
    l.recordFailure("a");
    expect(l.retryAfterMs("a")).toBe(0);
  });

  it("doubles each further lock-out, up to the maximum", () => {
    const { l, advance } = lockout(1);
    const locks: number[] = [];
    for (let i = 0; i < 4; i++) {
      l.recordFailure("a");
      locks.push(l.retryAfterMs("a"));
      advance(l.retryAfterMs("a"));
    }
    expect(locks).toEqual([60_000, 120_000, 240_000, 240_000]);
  });

  it("a success clears earlier failures but does not end a running lock-out", () => {
    const { l, advance } = lockout(2);
    l.recordFailure("a");
    l.recordSuccess("a");
    l.recordFailure("a");
    expect(l.retryAfterMs("a")).toBe(0);
    l.recordFailure("a");
    l.recordSuccess("a");
    expect(l.retryAfterMs("a")).toBe(60_000);
    advance(60_000);
    expect(l.retryAfterMs("a")).toBe(0);
  });
});

describe("ConcurrencyGate", () => {
  it("runs at most `max` tasks at once, queues up to `maxQueued` and refuses the rest without running them", async () => {
    const gate = new ConcurrencyGate(2, 1);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      new Promise<string>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        releases.push(() => {
          running--;
          resolve("done");
        });
      });
    const results = [gate.run(task), gate.run(task), gate.run(task), gate.run(task)];
    expect(await results[3]).toEqual({ ran: false });
    await Promise.resolve();
    expect(running).toBe(2);
    releases.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(running).toBe(2);
    while (releases.length) releases.shift()!();
    expect(await Promise.all(results.slice(0, 3))).toEqual([{ ran: true, value: "done" }, { ran: true, value: "done" }, { ran: true, value: "done" }]);
    expect(peak).toBe(2);
  });

  it("answers a task that waited longer than `maxWaitMs` with ran: false, and never runs it", async () => {
    vi.useFakeTimers();
    try {
      const gate = new ConcurrencyGate(1, 5, 2_000);
      let release = () => {};
      const first = gate.run(() => new Promise<string>((resolve) => (release = () => resolve("first"))));
      let isSecondRun = false;
      const second = gate.run(async () => {
        isSecondRun = true;
        return "second";
      });
      await vi.advanceTimersByTimeAsync(1_999);
      const third = gate.run(async () => "third");
      await vi.advanceTimersByTimeAsync(1);
      expect(await second).toEqual({ ran: false });
      expect(isSecondRun).toBe(false);
      release();
      expect(await first).toEqual({ ran: true, value: "first" });
      // The third was queued 1 ms ago: the place passes to it, not to the expired second.
      expect(await third).toEqual({ ran: true, value: "third" });
    } finally {
      vi.useRealTimers();
    }
  });
});
