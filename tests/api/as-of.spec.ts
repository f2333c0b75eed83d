import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { getJson, makeRunEvent, postEvent, uniqueNamespace, type JsonObject } from "./support/api";

/**
 * As-of all the way: on a store built here (a model trained to v1, then retrained to v2), every
 * read that takes an as-of point (the lineage API, node details, a share, PROV-JSON and NDJSON)
 * says v1 as of the event that made v1 and never v2; as of the event that made v2 (or now), v2.
 */

const ns = uniqueNamespace("asof");
const model = `dataset:${ns}:model`;
const corpus = `dataset:${ns}:corpus`;
const v1 = `datasetVersion:${ns}:model:v1`;
const v2 = `datasetVersion:${ns}:model:v2`;
let seqV1 = 0;
let seqV2 = 0;

function training(version: string, time: string): JsonObject {
  const event = makeRunEvent(ns, { job: "train", inputs: ["corpus"], outputs: ["model"], runId: randomUUID(), time });
  (event.outputs as JsonObject[])[0].facets = {
    version: {
      _producer: "https://github.com/threadline/tests/api",
      _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
      datasetVersion: version,
    },
  };
  return event;
}

test.beforeAll(async ({ request }) => {
  const first = await postEvent(request, training("v1", "2026-11-01T08:00:00Z"));
  expect(first.status).toBe(201);
  seqV1 = first.body.seq;
  const second = await postEvent(request, training("v2", "2026-11-02T08:00:00Z"));
  expect(second.status).toBe(201);
  seqV2 = second.body.seq;
});

interface GraphLike {
  nodes: { id: string; version: string | null }[];
  point: { seq: number; isAsOf: boolean };
}

async function everyReadAt(request: APIRequestContext, asOf: number | null) {
  const at = asOf === null ? "" : `&asOf=${asOf}`;
  const lineage = await getJson<GraphLike>(request, `/api/v1/lineage?nodeId=${encodeURIComponent(model)}&depth=2${at}`);
  expect(lineage.status).toBe(200);
  const detail = await getJson<{ node: { version: string | null }; versions: { id: string }[]; upstream: { id: string }[] }>(
    request,
    `/api/v1/nodes/${encodeURIComponent(model)}${asOf === null ? "" : `?asOf=${asOf}`}`,
  );
  expect(detail.status).toBe(200);
  const created = await request.post("/api/v1/shares", { data: { view: { nodeId: model, depth: 2, ...(asOf === null ? {} : { asOf }) } } });
  expect(created.status()).toBe(201);
  const { token, share } = (await created.json()) as { token: string; share: { head: { seq: number } } };
  const shared = await getJson<{ graph: GraphLike }>(request, `/api/v1/shares/${token}`);
  const sharedModel = await getJson<{ node: { version: string | null }; versions: { id: string }[] }>(
    request,
    `/api/v1/shares/${token}/nodes/${encodeURIComponent(model)}`,
  );
  const prov = await request.get(`/api/v1/export/prov?nodeId=${encodeURIComponent(model)}&depth=2${at}`);
  expect(prov.status()).toBe(200);
  const ndjson = await request.get(`/api/v1/export/events?nodeId=${encodeURIComponent(model)}&depth=2${at}`);
  expect(ndjson.status()).toBe(200);
  return { lineage: lineage.body, detail: detail.body, shareHead: share.head.seq, shared: shared.body, sharedModel: sharedModel.body, prov: await prov.text(), ndjson: await ndjson.text() };
}

const versionOf = (graph: GraphLike, id: string) => graph.nodes.find((n) => n.id === id)?.version;
const latestInProv = (text: string) => (JSON.parse(text) as { entity: Record<string, { "tl:latestVersion"?: string }> }).entity[`tld:${ns}:model`]?.["tl:latestVersion"];

test("as of the event that made v1, every read says v1 and never v2", async ({ request }) => {
  const reads = await everyReadAt(request, seqV1);
  expect(reads.lineage.point).toMatchObject({ seq: seqV1, isAsOf: true });
  expect(versionOf(reads.lineage, model)).toBe("v1");
  expect(reads.lineage.nodes.map((n) => n.id)).toContain(corpus);
  expect(reads.detail.node.version).toBe("v1");
  expect(reads.detail.versions.map((v) => v.id)).toEqual([v1]);
  expect(reads.shareHead).toBe(seqV1);
  expect(versionOf(reads.shared.graph, model)).toBe("v1");
  expect(reads.sharedModel.node.version).toBe("v1");
  expect(reads.sharedModel.versions.map((v) => v.id)).toEqual([v1]);
  // A dataset focus exports its entity view: the model as a dataset whose latest version is v1.
  expect(latestInProv(reads.prov)).toBe("v1");
  expect(reads.ndjson).toContain('"datasetVersion":"v1"');
  for (const text of [JSON.stringify(reads.lineage), JSON.stringify(reads.detail), JSON.stringify(reads.shared), JSON.stringify(reads.sharedModel), reads.prov, reads.ndjson]) {
    expect(text).not.toContain(`model:v2`);
    expect(text).not.toContain('"v2"');
  }
});

test("as of the event that made v2, and now, every read says v2", async ({ request }) => {
  for (const asOf of [seqV2, null]) {
    const reads = await everyReadAt(request, asOf);
    expect(versionOf(reads.lineage, model)).toBe("v2");
    expect(reads.detail.node.version).toBe("v2");
    expect(reads.detail.versions.map((v) => v.id)).toEqual([v2, v1]);
    expect(versionOf(reads.shared.graph, model)).toBe("v2");
    expect(reads.sharedModel.node.version).toBe("v2");
    expect(latestInProv(reads.prov)).toBe("v2");
    expect(reads.ndjson).toContain('"datasetVersion":"v2"');
  }
});

test("a bad view query is a 400 naming each field, the same from every read", async ({ request }) => {
  for (const url of [
    `/api/v1/lineage?nodeId=${encodeURIComponent(model)}&depth=99&direction=sideways`,
    `/api/v1/export/prov?nodeId=${encodeURIComponent(model)}&depth=99&direction=sideways`,
    `/api/v1/export/events?nodeId=${encodeURIComponent(model)}&depth=99&direction=sideways`,
  ]) {
    const answer = await getJson<{ error: { code: string; details: { path: string }[] } }>(request, url);
    expect(answer.status, url).toBe(400);
    expect(answer.body.error.details.map((d) => d.path).sort()).toEqual(["depth", "direction"]);
  }
  const badAsOf = await getJson<{ error: { details: { path: string }[] } }>(request, `/api/v1/nodes/${encodeURIComponent(model)}?asOf=last-week`);
  expect(badAsOf.status).toBe(400);
  expect(badAsOf.body.error.details.map((d) => d.path)).toEqual(["asOf"]);
});

test("a node that did not exist yet as of a point is a 404 there that says when it was first recorded", async ({ request }) => {
  const said = `${v2} did not exist yet at the point this view is as of (event #${seqV1}): it was first recorded at event #${seqV2}.`;
  for (const path of [`/api/v1/nodes/${encodeURIComponent(v2)}?asOf=${seqV1}`, `/api/v1/lineage?nodeId=${encodeURIComponent(v2)}&asOf=${seqV1}`]) {
    const read = await getJson(request, path);
    expect(read.status, path).toBe(404);
    // Not "No node with id …": the store holds it, only not yet as of that point.
    expect(read.body.error, path).toEqual({ code: "not_found", message: said, details: [{ path: "asOf", message: `${v2} was first recorded at event #${seqV2}` }] });
  }
  // A node the store never held is still plainly unknown, as of any point.
  const never = await getJson(request, `/api/v1/lineage?nodeId=${encodeURIComponent(`${v2}-never`)}&asOf=${seqV1}`);
  expect(never.status).toBe(404);
  expect(never.body.error).toEqual({ code: "not_found", message: `No node with id ${v2}-never.`, details: [] });
});
