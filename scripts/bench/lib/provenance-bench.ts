/**
 * The provenance benchmark: a store holding a million artefact digests, ingested through the real
 * write path (dataset versions whose threadline_provenance lists 10,000 files each), then digest
 * lookups at random (the index probe alone, and the whole answer GET /api/v1/provenance builds)
 * and what one stored digest costs on disk (ArtefactDigest's table and indexes, from dbstat).
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { openSqlite, storeOver } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { DEFAULT_EVENT_LIMITS } from "@/lib/schemas/event-limits";
import { lookupDigest } from "@/lib/server/provenance";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import { createMigratedDatabase, removeDatabase } from "./store";
import { summarise, type LatencySummary } from "../../harness/stats";

export interface ProvenanceBenchFigures {
  digests: number;
  versions: number;
  ingestMs: number;
  digestsPerSecond: number;
  /** ArtefactDigest's table and both indexes (primary key, versionKey), bytes per stored digest. */
  bytesPerDigest: number;
  tableBytes: number;
  indexBytes: number;
  /** SELECT … WHERE digest = ?: the index probe. */
  probe: LatencySummary;
  /** lookupDigest: the match with its run, job, models, prompts, parameters, inputs and signature. */
  lookup: LatencySummary;
  /** lookupDigest for digests that are not stored. */
  miss: LatencySummary;
}

const digestOf = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

export async function runProvenanceBench(file: string, options: { digests: number; filesPerVersion: number; lookups: number; seed: number }, log: (line: string) => void): Promise<ProvenanceBenchFigures> {
  await createMigratedDatabase(file);
  const db = openSqlite(file);
  const versions = Math.ceil(options.digests / options.filesPerVersion);
  const model = { namespace: "bench", name: "models/generator", facets: { datasetType: { datasetType: "MODEL" }, version: { datasetVersion: "v1" } } };
  const prompt = { namespace: "bench", name: "prompts/brief", facets: { datasetType: { datasetType: "PROMPT" }, version: { datasetVersion: "p1" } } };
  const fileName = (v: number, f: number) => `batch-${v}/img-${String(f).padStart(6, "0")}.png`;
  let ingestMs = 0;
  try {
    for (let v = 0; v < versions; v++) {
      const files = Array.from({ length: options.filesPerVersion }, (_, f) => ({ name: fileName(v, f), contentHash: digestOf(`${options.seed}:${v}:${f}`), mediaType: "image/png", size: 200_000 + f }));
      const event = {
        eventType: "COMPLETE",
        eventTime: new Date(Date.UTC(2026, 10, 1) + v * 60_000).toISOString(),
        producer: "https://threadline.dev/bench",
        schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        run: { runId: `00000000-0000-4000-8000-${String(v).padStart(12, "0")}`, facets: { executionParameters: { parameters: [{ key: "temperature", value: "0.8" }] } } },
        job: { namespace: "bench", name: "generate-images" },
        inputs: [model, prompt],
        outputs: [{ namespace: "bench", name: "generated/images", facets: { version: { datasetVersion: `batch-${v}` }, threadline_provenance: { contentHash: digestOf(`batch ${v}`), files } } }],
      };
      const started = performance.now();
      const [outcome] = await ingestEvents(storeOver(db), [event], { sender: "bench", limits: DEFAULT_EVENT_LIMITS });
      ingestMs += performance.now() - started;
      if (outcome.status !== "created") throw new Error(`bench event ${v} was ${outcome.status}`);
      if ((v + 1) % 10 === 0) log(`  ${(v + 1) * options.filesPerVersion} digests`);
    }
    const digests = (db.prepare(`SELECT COUNT(*) AS n FROM ArtefactDigest`).get() as { n: number }).n;
    db.pragma("wal_checkpoint(TRUNCATE)");
    const indexNames = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ArtefactDigest'`).all() as { name: string }[]).map((r) => r.name);
    const bytesOf = (name: string) => (db.prepare(`SELECT COALESCE(SUM(pgsize), 0) AS bytes FROM dbstat WHERE name = ?`).get(name) as { bytes: number }).bytes;
    const tableBytes = bytesOf("ArtefactDigest");
    const indexBytes = indexNames.reduce((sum, name) => sum + bytesOf(name), 0);

    // Random stored files, and digests never stored, each looked up once (no cache to flatter).
    let state = options.seed;
    const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31);
    const targets = Array.from({ length: options.lookups }, () => digestOf(`${options.seed}:${next() % versions}:${next() % options.filesPerVersion}`));
    const probeStatement = db.prepare(`SELECT "versionKey", "file" FROM "ArtefactDigest" WHERE "digest" = ? LIMIT 51`);
    const probe: number[] = [];
    for (const d of targets) {
      const t = performance.now();
      if (probeStatement.all(d).length !== 1) throw new Error(`digest ${d} not found`);
      probe.push(performance.now() - t);
    }
    const store = sqliteStore(db);
    const lookup: number[] = [];
    for (const d of targets.slice(0, Math.min(targets.length, 2_000))) {
      const t = performance.now();
      const answer = await lookupDigest(store, d);
      lookup.push(performance.now() - t);
      if (answer.matches[0]?.models.length !== 1) throw new Error(`lookup of ${d} lost its model`);
    }
    const miss: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const t = performance.now();
      await lookupDigest(store, digestOf(`absent ${i}`));
      miss.push(performance.now() - t);
    }
    return {
      digests,
      versions,
      ingestMs: Math.round(ingestMs),
      digestsPerSecond: Math.round(digests / (ingestMs / 1000)),
      bytesPerDigest: Math.round((tableBytes + indexBytes) / digests),
      tableBytes,
      indexBytes,
      probe: summarise(probe),
      lookup: summarise(lookup),
      miss: summarise(miss),
    };
  } finally {
    db.close();
    removeDatabase(file);
  }
}
