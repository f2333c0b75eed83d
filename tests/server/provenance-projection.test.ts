// The provenance projection is part of the projection: rebuilt from the log, checked by verify,
// and an edit behind Threadline's back is found.
import { storeOver } from "@/lib/server/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/server/ingest";
import { projectionSnapshot, replayLog, verifyProjection } from "@/lib/server/rebuild";
import { createTestDatabase, writeBehindThreadlinesBack } from "../support/db";
import { provenanceStory, sha, MOLECULE_FILES } from "../fixtures/provenance-story";

const story = provenanceStory();
const t = createTestDatabase();
beforeAll(async () => {
  await ingestEvents(storeOver(t.db), story.events, { sender: "test", receivedAt: "2026-11-24T00:00:00.000Z" });
});
afterAll(() => t.cleanup());

describe("the provenance projection", () => {
  it("indexes every version's digest and every file's, one row each", async () => {
    const digests = t.db.prepare(`SELECT digest, versionKey, file FROM ArtefactDigest ORDER BY versionKey, file`).all() as { digest: string; versionKey: string; file: string }[];
    expect(digests).toHaveLength(2 + 5 + 2);
    expect(digests.filter((d) => d.versionKey === "datasetVersion:prov-lab:artefact-batches:batch-1").map((d) => [d.file, d.digest])).toEqual([
      ["", story.batchHash(1)],
      ["mol-0001.sdf", sha(MOLECULE_FILES["mol-0001.sdf"])],
      ["mol-0002.sdf", sha(MOLECULE_FILES["mol-0002.sdf"])],
    ]);
    expect(t.db.prepare(`SELECT COUNT(*) AS n FROM ArtefactSignature`).get()).toEqual({ n: 4 });
  });

  it("is what a replay of the log derives, and verify says so", async () => {
    const before = (await projectionSnapshot(storeOver(t.db)));
    await replayLog(storeOver(t.db));
    expect((await projectionSnapshot(storeOver(t.db)))).toEqual(before);
    expect((await verifyProjection(storeOver(t.db)))).toEqual({ ok: true });
  });

  it("verify finds a digest edited behind Threadline's back", async () => {
    writeBehindThreadlinesBack(t.file, `UPDATE ArtefactDigest SET digest = ? WHERE file = 'mol-0001.sdf'`, sha("forged"));
    const check = await verifyProjection(storeOver(t.db));
    expect(check.ok).toBe(false);
    expect(check.firstDifference?.table).toBe("ArtefactDigest");
    await replayLog(storeOver(t.db));
    expect((await verifyProjection(storeOver(t.db))).ok).toBe(true);
  });
});
