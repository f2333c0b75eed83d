/**
 * A benchmark store's build that stops goes on from its last committed batch: the 10M-edge store
 * takes an hour, and a build stopped half way must end as the store a straight build makes, event
 * for event and row for row.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqlite, storeOver } from "@/lib/server/db";
import { verifyChain } from "@/lib/server/event-log";
import { projectionSnapshot } from "@/lib/server/rebuild";
import { buildStore, type BuildProgress } from "./store";

const WORLD = { targetEdges: 2_500, seed: 20261207, batchSize: 200 };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-build-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What a store holds: its events in log order, by content, and its projection. */
async function contents(file: string) {
  const db = openSqlite(file);
  try {
    const hashes = db.prepare<[], { contentHash: string }>('SELECT contentHash FROM "Event" ORDER BY seq').all().map((r) => r.contentHash);
    return { hashes, chain: await verifyChain(storeOver(db)), projection: await projectionSnapshot(storeOver(db)) };
  } finally {
    db.close();
  }
}

/** Builds until `stopAfter` events were reported, then stops as a killed build would; returns what it reported last. */
async function stoppedBuild(file: string, stopAfter: number): Promise<BuildProgress> {
  let reported: BuildProgress | null = null;
  await expect(
    buildStore({
      file,
      ...WORLD,
      progressEvery: WORLD.batchSize,
      onProgress: (_events, _edges, progress) => {
        reported = progress;
        if (progress.events >= stopAfter) throw new Error("stopped");
      },
    }),
  ).rejects.toThrow("stopped");
  return reported!;
}

describe("buildStore, resumed", () => {
  it("goes on from the last reported batch and ends as the straight build's store, its time and CPU added up", async () => {
    const straight = await buildStore({ file: path.join(dir, "straight.db"), ...WORLD });
    const file = path.join(dir, "resumed.db");
    const reported = await stoppedBuild(file, 600);
    expect(reported.events).toBe(600);
    expect(reported.edges).toBeGreaterThan(0);

    const resumed = await buildStore({ file, ...WORLD, resume: reported });
    expect(resumed.events).toBe(straight.events);
    expect(resumed.edges).toBe(straight.edges);
    expect(resumed.nodes).toBe(straight.nodes);
    expect(resumed.ingestMs).toBeGreaterThan(reported.ingestMs);
    expect(resumed.cpuMs).toBeGreaterThan(reported.cpuMs);
    // Batch latencies are the resumed part's only.
    expect(resumed.batch.n).toBe(Math.ceil((straight.events - 600) / WORLD.batchSize));

    const [a, b] = [await contents(path.join(dir, "straight.db")), await contents(file)];
    expect(b.hashes).toEqual(a.hashes);
    expect(b.chain).toMatchObject({ ok: true });
    expect(b.projection).toEqual(a.projection);
  });

  it("goes on after a batch committed but never reported, and refuses a store that does not match its record", async () => {
    const file = path.join(dir, "resumed.db");
    const reported = await stoppedBuild(file, 400);
    // The record a killed build left one batch behind the store.
    const behind = { ...reported, events: reported.events - WORLD.batchSize };
    const resumed = await buildStore({ file, ...WORLD, resume: behind });
    const straight = await buildStore({ file: path.join(dir, "straight.db"), ...WORLD });
    expect(resumed.events).toBe(straight.events);
    expect((await contents(file)).hashes).toEqual((await contents(path.join(dir, "straight.db"))).hashes);

    const other = path.join(dir, "other.db");
    const at = await stoppedBuild(other, 600);
    await expect(buildStore({ file: other, ...WORLD, resume: { ...at, events: 200 } })).rejects.toThrow(/holds 600 events, the build to resume 200/);
  });
});
