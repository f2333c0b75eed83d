// The largest provenance batch the defaults accept: 100,000 files in one version's
// threadline_provenance facet, through the ingest door with the default limits, on every backend.
import { describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/server/ingest";
import { lookupDigest } from "@/lib/server/provenance";
import { DEFAULT_EVENT_LIMITS } from "@/lib/schemas/event-limits";
import { BACKENDS, testStoreFor } from "../support/stores";
import { largeBatchEvent, largeBatchFileDigest } from "../fixtures/provenance-story";

const FILES = DEFAULT_EVENT_LIMITS.maxProvenanceFiles;
const TAG = "store-100k";
const VERSION = `datasetVersion:prov-lab:large-batches:${TAG}`;
const fileName = (i: number) => `mol-${String(i).padStart(6, "0")}.sdf`;

describe.each(BACKENDS)("a %s store", (backend) => {
  const t = testStoreFor(backend);

  it(
    `stores a version of ${FILES.toLocaleString("en-US")} files under the default limits, and indexes every file's digest`,
    async () => {
      const [outcome] = await ingestEvents(t.store, [largeBatchEvent(TAG, FILES)], { sender: "test", limits: DEFAULT_EVENT_LIMITS });
      expect(outcome).toMatchObject({ status: "created" });

      // Every digest, probed through the digest index a lookup uses, names its own file.
      const digests = Array.from({ length: FILES }, (_, i) => largeBatchFileDigest(TAG, i));
      const found = await t.store.all<{ digest: string; file: string }>(
        // The wanted digests drive the join (one probe of the digest index each), never a scan of the version's rows.
        `SELECT d."digest", d."file" FROM ${t.store.dialect.jsonValues("text")} wanted ${t.store.dialect.joinInOrder} "ArtefactDigest" d ON d."digest" = wanted."value" AND d."versionKey" = ?`,
        [JSON.stringify(digests), VERSION],
      );
      expect(found).toHaveLength(FILES);
      const fileOf = new Map(found.map((r) => [r.digest, r.file]));
      expect(digests.every((d, i) => fileOf.get(d) === fileName(i))).toBe(true);

      // And the lookup itself, for files spread over the whole batch.
      for (const i of [0, 1, 4_999, 50_000, 77_777, FILES - 1]) {
        const { matches } = await lookupDigest(t.store, largeBatchFileDigest(TAG, i));
        expect(matches.map((m) => [m.nodeId, m.file])).toEqual([[VERSION, fileName(i)]]);
      }
    },
    300_000,
  );

  it("refuses one file more than the limit, naming the list and the setting, and stores nothing of it", async () => {
    const [outcome] = await ingestEvents(t.store, [largeBatchEvent("store-too-many", FILES + 1)], { sender: "test", limits: DEFAULT_EVENT_LIMITS });
    expect(outcome.status).toBe("rejected");
    expect(outcome.errors).toEqual([
      {
        path: "outputs[0].facets.threadline_provenance.files",
        message: `has ${(FILES + 1).toLocaleString("en-US")} provenance files; the limit is ${FILES.toLocaleString("en-US")} per event (THREADLINE_MAX_PROVENANCE_FILES)`,
      },
    ]);
    const row = await t.store.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "ArtefactDigest" WHERE "versionKey" = ?`, ["datasetVersion:prov-lab:large-batches:store-too-many"]);
    expect(Number(row?.n)).toBe(0);
  }, 60_000);
});
