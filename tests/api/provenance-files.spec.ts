import { randomUUID } from "node:crypto";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { largeBatchEvent, largeBatchFileDigest } from "../fixtures/provenance-story";
import { ownPort, startOwnServer, type OwnServer } from "../support/own-server";

/**
 * The largest batch the defaults accept, over HTTP: one event whose version lists 100,000 files
 * (name, digest, media type, size: 15.5 MiB of JSON, inside the default body limit) is stored by
 * POST /api/v1/lineage, and its files are then found by digest and by their bytes; one file more
 * is refused naming THREADLINE_MAX_PROVENANCE_FILES. On a server of its own with the default event
 * limits (reads unthrottled for the lookups), so the shared store is not made 100,000 rows heavier
 * for every later full verification.
 */

const FILES = 100_000;
const fileName = (i: number) => `mol-${String(i).padStart(6, "0")}.sdf`;

test.describe.configure({ mode: "serial", timeout: 300_000 });

let server: OwnServer;
let request: APIRequestContext;
test.beforeAll(async () => {
  server = await startOwnServer({ port: ownPort(2), dbFile: "data/e2e-provenance-files.db", env: { THREADLINE_READ_RATE_LIMIT_PER_SECOND: "0" } });
  request = await playwrightRequest.newContext({ baseURL: server.baseURL });
});
test.afterAll(async () => {
  await request?.dispose();
  await server?.stop();
});

test("a 100,000-file version is stored through POST /api/v1/lineage and every part of it is found by lookup", async () => {
  const tag = `api-100k-${randomUUID().slice(0, 8)}`;
  const version = `datasetVersion:prov-lab:large-batches:${tag}`;
  const body = JSON.stringify(largeBatchEvent(tag, FILES));
  const started = Date.now();
  const response = await request.post("/api/v1/lineage", { data: body, headers: { "Content-Type": "application/json" }, timeout: 240_000 });
  const text = await response.text();
  expect(response.status(), text).toBe(201);
  test.info().annotations.push({ type: "ingest", description: `${FILES} files, ${(body.length / 1048576).toFixed(1)} MiB, ${Date.now() - started} ms` });

  // Files spread evenly over the batch, first and last included, each by its digest.
  const probes = Array.from({ length: 201 }, (_, k) => Math.min(FILES - 1, k * 500));
  for (const i of probes) {
    const answer = await request.get(`/api/v1/provenance?digest=${largeBatchFileDigest(tag, i)}`);
    expect(answer.status()).toBe(200);
    const { matches } = (await answer.json()) as { matches: { nodeId: string; file: string | null; mediaType: string | null }[] };
    expect(matches.map((m) => [m.nodeId, m.file, m.mediaType]), `file ${i}`).toEqual([[version, fileName(i), "chemical/x-mdl-sdfile"]]);
  }
  // And one by its bytes (the fixture's digest of file i is sha256 of "<tag>/<i>").
  const byBytes = await request.post("/api/v1/provenance/lookup", { data: Buffer.from(`${tag}/77777`), headers: { "Content-Type": "application/octet-stream" } });
  expect(byBytes.status()).toBe(200);
  expect(((await byBytes.json()) as { matches: { file: string }[] }).matches.map((m) => m.file)).toEqual([fileName(77_777)]);
});

test("one file over 100,000 is refused with 400 naming the list, the limit and THREADLINE_MAX_PROVENANCE_FILES", async () => {
  const tag = `api-100k-over-${randomUUID().slice(0, 8)}`;
  const response = await request.post("/api/v1/lineage", { data: JSON.stringify(largeBatchEvent(tag, FILES + 1)), headers: { "Content-Type": "application/json" }, timeout: 120_000 });
  expect(response.status()).toBe(400);
  const { error } = (await response.json()) as { error: { code: string; details: { path: string; message: string }[] } };
  expect(error.code).toBe("invalid_event");
  expect(error.details).toEqual([
    { path: "outputs[0].facets.threadline_provenance.files", message: "has 100,001 provenance files; the limit is 100,000 per event (THREADLINE_MAX_PROVENANCE_FILES)" },
  ]);
  // Nothing of it was stored.
  const lookup = await request.get(`/api/v1/provenance?digest=${largeBatchFileDigest(tag, 0)}`);
  expect(((await lookup.json()) as { matches: unknown[] }).matches).toEqual([]);
});
