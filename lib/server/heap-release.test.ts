import { describe, expect, it } from "vitest";
import { HeapReleaser, type HeapReleaseRuntime } from "./heap-release";

const MB = 2 ** 20;

/** A heap the test grows by hand, a clock it moves, and a collection that counts and shrinks the heap to `live`. */
function fakeRuntime({ heap = 60 * MB, live = 40 * MB } = {}) {
  const state = { heap, live, now: 0, collections: 0 };
  const runtime: HeapReleaseRuntime = {
    collect: (done) => {
      state.collections++;
      state.heap = state.live;
      done();
    },
    heapBytes: () => state.heap,
    now: () => state.now,
  };
  return { state, runtime };
}

describe("HeapReleaser.releaseIfGrown", () => {
  it("collects once the heap grew by the threshold since the last collection, and not before", () => {
    const { state, runtime } = fakeRuntime();
    const releaser = new HeapReleaser({ minGrowthBytes: 24 * MB, minIntervalMs: 10_000 }, runtime);
    expect(releaser.releaseIfGrown(), "the first idle moment after start counts the whole heap").toBe(true);
    expect(state.heap).toBe(40 * MB);

    state.now = 60_000;
    state.heap = 40 * MB + 23 * MB;
    expect(releaser.releaseIfGrown(), "23 MB of growth is under the threshold").toBe(false);
    state.heap = 40 * MB + 24 * MB;
    expect(releaser.releaseIfGrown(), "24 MB is at it").toBe(true);
    expect(state.collections).toBe(2);
    expect(releaser.stats.releases).toBe(2);
  });

  it("collects at most once per interval, however much the heap grows meanwhile", () => {
    const { state, runtime } = fakeRuntime();
    const releaser = new HeapReleaser({ minGrowthBytes: 8 * MB, minIntervalMs: 10_000 }, runtime);
    expect(releaser.releaseIfGrown()).toBe(true);
    state.heap = 200 * MB;
    state.now = 9_999;
    expect(releaser.releaseIfGrown(), "a burst every few seconds would otherwise pay a pause each time").toBe(false);
    state.now = 10_000;
    expect(releaser.releaseIfGrown()).toBe(true);
    expect(state.collections).toBe(2);
  });

  it("measures the next growth from what the collection left, not from before it", () => {
    const { state, runtime } = fakeRuntime({ heap: 100 * MB, live: 40 * MB });
    const releaser = new HeapReleaser({ minGrowthBytes: 24 * MB, minIntervalMs: 0 }, runtime);
    expect(releaser.releaseIfGrown()).toBe(true);
    state.heap = 70 * MB;
    expect(releaser.releaseIfGrown(), "70 MB is 30 MB above the 40 MB left, though under the 100 MB before").toBe(true);
  });
});
