import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GroupCommitter, type GroupBounds } from "./group-commit";

/**
 * The grouping rules of lib/server/group-commit.ts, with fake timers and a commit that records
 * what it was given and settles when the test says so.
 */

interface Call {
  items: readonly string[];
  settle: (results: readonly string[]) => void;
  fail: (error: Error) => void;
}

/** A commit function whose calls stay pending until the test settles them. */
function controlledCommit() {
  const calls: Call[] = [];
  const commit = (items: readonly string[]) =>
    new Promise<readonly string[]>((resolve, reject) => calls.push({ items, settle: resolve, fail: reject }));
  return { calls, commit };
}

type State<T> = { status: "pending" } | { status: "fulfilled"; value: T } | { status: "rejected"; reason: unknown };

/** Watches a write from the moment it is submitted (so a rejection is never unhandled); `now()` tells its state. */
function watch<T>(promise: Promise<T>): { now: () => State<T> } {
  let state: State<T> = { status: "pending" };
  promise.then(
    (value) => (state = { status: "fulfilled", value }),
    (reason: unknown) => (state = { status: "rejected", reason }),
  );
  return { now: () => state };
}

const BOUNDS: GroupBounds = { windowMs: 1, maxItems: 4, maxBytes: 1_000 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("GroupCommitter: when a group is due", () => {
  it("commits a lone write at once, without waiting out the window", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { ...BOUNDS, windowMs: 50 });
    void committer.submit("a", 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items), "committed in the same turn, 50 ms before the window would end").toEqual([["a"]]);
  });

  it("commits the writes submitted in one turn together", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { ...BOUNDS, windowMs: 50 });
    const a = committer.submit("a", 10);
    const b = committer.submit("b", 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([["a", "b"]]);
    calls[0]!.settle(["A", "B"]);
    expect(await Promise.all([a, b])).toEqual(["A", "B"]);
  });

  it("waits for an announced write, and commits as soon as it joins", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { ...BOUNDS, windowMs: 50 });
    const arrival = committer.announce();
    void committer.submit("a", 10);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls, "a waits for the announced write").toHaveLength(0);
    void committer.submit("b", 10, arrival);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items), "due once nothing announced is still on its way").toEqual([["a", "b"]]);
  });

  it("stops waiting for an announced write once it is withdrawn", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { ...BOUNDS, windowMs: 50 });
    const arrival = committer.announce();
    void committer.submit("a", 10);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(0);
    arrival.withdraw();
    arrival.withdraw();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([["a"]]);
  });

  it("waits for an announced write at most the window after its first write", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { ...BOUNDS, windowMs: 5 });
    const slow = committer.announce();
    void committer.submit("a", 10);
    await vi.advanceTimersByTimeAsync(4);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([["a"]]);
    calls[0]!.settle(["A"]);
    // The slow write, when it comes, opens a group of its own and commits at once.
    void committer.submit("b", 10, slow);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([["a"], ["b"]]);
  });

  it("with a window of 0 never waits, even for an announced write", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { ...BOUNDS, windowMs: 0 });
    committer.announce();
    void committer.submit("a", 10);
    expect(calls.map((c) => c.items)).toEqual([["a"]]);
  });
});

describe("GroupCommitter: one commit at a time", () => {
  it("gathers the writes that arrive while a group commits into the next group, committed right after it", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, BOUNDS);
    void committer.submit("a", 10);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    // Long past the next window: still waiting for the first commit.
    void committer.submit("b", 10);
    await vi.advanceTimersByTimeAsync(50);
    void committer.submit("c", 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls, "a second commit never starts while the first is in flight").toHaveLength(1);
    calls[0]!.settle(["A"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([["a"], ["b", "c"]]);
  });
});

describe("GroupCommitter: bounds", () => {
  it("is due at once when it holds maxItems writes, and the next write opens another group", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, BOUNDS);
    for (const item of ["a", "b", "c", "d", "e"]) void committer.submit(item, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items), "the full group went without waiting for its window").toEqual([["a", "b", "c", "d"]]);
    calls[0]!.settle(["A", "B", "C", "D"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([["a", "b", "c", "d"], ["e"]]);
  });

  it("never lets a group pass maxBytes: a write that would overflow it starts the next group", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, BOUNDS);
    void committer.submit("a", 600);
    void committer.submit("b", 600);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items), "a went alone, as soon as b could not join it").toEqual([["a"]]);
    calls[0]!.settle(["A"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([["a"], ["b"]]);
  });

  it("commits a write larger than maxBytes alone", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, BOUNDS);
    void committer.submit("huge", 5_000);
    void committer.submit("small", 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([["huge"]]);
  });

  it("refuses bounds that could never commit anything", () => {
    const commit = async (items: readonly string[]) => items;
    expect(() => new GroupCommitter(commit, { ...BOUNDS, maxItems: 0 })).toThrow(RangeError);
    expect(() => new GroupCommitter(commit, { ...BOUNDS, windowMs: -1 })).toThrow(RangeError);
  });
});

describe("GroupCommitter: fan-out of outcomes", () => {
  it("answers no write before its group's commit settled, then each with its own result", async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, BOUNDS);
    const writes = ["a", "b", "c"].map((item) => watch(committer.submit(item, 1)));
    await vi.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => w.now().status)).toEqual(["pending", "pending", "pending"]);
    calls[0]!.settle(["A", "B", "C"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(writes.map((w) => w.now())).toEqual(["A", "B", "C"].map((value) => ({ status: "fulfilled", value })));
  });

  it("retries each write of a failed group alone, so only the write that broke it fails", async () => {
    const committed: (readonly string[])[] = [];
    const committer = new GroupCommitter(async (items: readonly string[]) => {
      committed.push(items);
      if (items.includes("poison")) throw new Error("constraint failed");
      return items.map((i) => i.toUpperCase());
    }, BOUNDS);
    const writes = ["a", "poison", "c"].map((item) => watch(committer.submit(item, 1)));
    await vi.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => w.now())).toEqual([
      { status: "fulfilled", value: "A" },
      { status: "rejected", reason: new Error("constraint failed") },
      { status: "fulfilled", value: "C" },
    ]);
    expect(committed).toEqual([["a", "poison", "c"], ["a"], ["poison"], ["c"]]);
    expect(committer.stats).toMatchObject({ groups: 1, items: 3, groupsRetriedAlone: 1 });
  });

  it("gives every write of a group the database's error when each fails alone too, acknowledging none", async () => {
    const down = new Error("connection refused");
    const committer = new GroupCommitter(async () => {
      throw down;
    }, BOUNDS);
    const writes = ["a", "b"].map((item) => watch(committer.submit(item, 1)));
    await vi.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => w.now())).toEqual([
      { status: "rejected", reason: down },
      { status: "rejected", reason: down },
    ]);
  });

  it("treats a commit that answers the wrong number of results as failed, never guessing whose is whose", async () => {
    let calls = 0;
    const committer = new GroupCommitter(async (items: readonly string[]) => {
      calls++;
      return items.length > 1 ? ["only one"] : items;
    }, BOUNDS);
    const writes = ["a", "b"].map((item) => committer.submit(item, 1));
    await vi.advanceTimersByTimeAsync(1);
    expect(await Promise.all(writes)).toEqual(["a", "b"]);
    expect(calls).toBe(3);
  });

  it("keeps committing after a failed group", async () => {
    let isDown = true;
    const committer = new GroupCommitter(async (items: readonly string[]) => {
      if (isDown) throw new Error("down");
      return items;
    }, BOUNDS);
    const first = watch(committer.submit("a", 1));
    await vi.advanceTimersByTimeAsync(1);
    expect(first.now().status).toBe("rejected");
    isDown = false;
    const second = committer.submit("b", 1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await second).toBe("b");
  });
});

describe("GroupCommitter: where a write's time goes", () => {
  it("sums, over writes, the waits for their group to be due, for the commit before it, and inside their commit", async () => {
    const { calls, commit } = controlledCommit();
    // The fake timers move Date.now() too: the committer's clock follows them.
    const committer = new GroupCommitter(commit, { ...BOUNDS, windowMs: 50 }, () => Date.now());
    void committer.submit("a", 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    // b joins a group that waits 4 ms for an announced write, then 20 ms for a's commit.
    await vi.advanceTimersByTimeAsync(6);
    const c = committer.announce();
    void committer.submit("b", 10);
    await vi.advanceTimersByTimeAsync(4);
    void committer.submit("c", 10, c);
    await vi.advanceTimersByTimeAsync(20);
    calls[0]!.settle(["A"]);
    await vi.advanceTimersByTimeAsync(5);
    calls[1]!.settle(["B", "C"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((call) => call.items)).toEqual([["a"], ["b", "c"]]);
    expect(committer.stats).toMatchObject({
      waitForDueMs: 4, // b waited for c; c joined a group that was then due at once
      waitForTurnMs: 2 * 20, // b and c, while a's commit ran
      inCommitMs: 30 + 2 * 5,
      commitMs: 30 + 5,
    });
  });
});
