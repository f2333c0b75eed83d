import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { nodeApiPath, nodeId, sharedNodeApiPath } from "../../lib/lineage/node-id";
import { THREADLINE_SCHEMA_URLS } from "../../lib/schemas/threadline-facets";
import { getJson, makeRunEvent, postEvent, type JsonObject } from "./support/api";

/**
 * Node ids (and flag ids) are built from OpenLineage names, which may hold `:`, `/`, `%`, spaces and
 * any Unicode. Each must survive every route that takes one, encoded once by the client
 * (lib/lineage/node-id.ts) and decoded once by the server: a literal `%20` must not turn into a
 * space, nor `%41` into `A`.
 */

const HOSTILE = "a:b/c %20 %41 100% ü 名前";
const namespace = `ids-${randomUUID().slice(0, 8)} ns:/x%2F ü`;
const job = `job ${HOSTILE}`;
const input = `in ${HOSTILE}`;
const output = `out ${HOSTILE}`;
const version = `v1 ${HOSTILE}`;
const runId = randomUUID();
const ids = {
  job: nodeId.job(namespace, job),
  input: nodeId.dataset(namespace, input),
  output: nodeId.dataset(namespace, output),
  version: nodeId.datasetVersion(namespace, output, version),
  run: nodeId.run(runId),
};
const flagId = `flag-${randomUUID().slice(0, 8)} ${HOSTILE}`; // flag ids are global: a known one is not added again
const q = encodeURIComponent;

async function expectOk<T = JsonObject>(request: APIRequestContext, url: string): Promise<T> {
  const { status, body } = await getJson<T>(request, url);
  expect(status, `GET ${url}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
  return body;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  const event = makeRunEvent(namespace, { job, runId, inputs: [input], outputs: [output], eventType: "FAIL" });
  (event.outputs as JsonObject[])[0].facets = {
    version: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet", datasetVersion: version },
  };
  expect((await postEvent(request, event)).status).toBe(201);
  const flag = {
    eventTime: new Date().toISOString(),
    producer: "https://threadline.dev/tests",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
    dataset: {
      namespace,
      name: output,
      facets: {
        version: { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet", datasetVersion: version },
        threadline_flag: { _producer: "https://threadline.dev/tests", _schemaURL: THREADLINE_SCHEMA_URLS.threadline_flag.dataset, flagId, action: "add", kind: "pii", severity: "high", reason: "names in the output", by: "tests" },
      },
    },
  };
  expect((await postEvent(request, flag)).status).toBe(201);
});

test("node details: every kind of id round-trips through /api/v1/nodes/<id>", async ({ request }) => {
  for (const id of Object.values(ids)) {
    const body = await expectOk<{ node: { id: string } }>(request, nodeApiPath(id));
    expect(body.node.id).toBe(id);
  }
});

test("lineage, search and the audit trail take and return the ids unchanged", async ({ request }) => {
  const graph = await expectOk<{ focus: string; nodes: { id: string }[] }>(request, `/api/v1/lineage?nodeId=${q(ids.version)}&depth=2`);
  expect(graph.focus).toBe(ids.version);
  expect(graph.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([ids.version, ids.run, nodeId.datasetVersion(namespace, input, "unversioned")]));
  const entity = await expectOk<{ focus: string; nodes: { id: string }[] }>(request, `/api/v1/lineage?nodeId=${q(ids.job)}&depth=1`);
  expect(entity.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([ids.job, ids.input, ids.output]));

  const search = await expectOk<{ results: { id: string }[] }>(request, `/api/v1/search?q=${q(output)}`);
  expect(search.results.map((r) => r.id)).toContain(ids.output);

  for (const [param, id] of [["node", ids.version], ["job", ids.job], ["dataset", ids.output], ["run", runId]] as const) {
    const trail = await expectOk<{ events: { runId: string | null }[] }>(request, `/api/v1/audit/events?${param}=${q(id)}`);
    expect(trail.events.length, `audit events for ${param}=${id}`).toBeGreaterThan(0);
  }
});

test("investigation routes: the failed version, its causes, flags and synthetic share", async ({ request }) => {
  const investigation = await expectOk<{ target: { id: string } }>(request, `/api/v1/investigate?node=${q(ids.version)}`);
  expect(investigation.target.id).toBe(ids.version);
  await expectOk(request, `/api/v1/investigate/causes?nodeId=${q(ids.version)}`);
  const flags = await expectOk<{ direct: { flagId: string }[] }>(request, `/api/v1/investigate/flags?nodeId=${q(ids.version)}`);
  expect(flags.direct.map((f) => f.flagId)).toContain(flagId);
  await expectOk(request, `/api/v1/investigate/synthetic?nodeId=${q(ids.version)}`);
  const diff = await getJson(request, `/api/v1/diff?a=${q(ids.version)}`);
  expect(diff.status).toBe(404); // no passing output of the job to compare with, named exactly:
  expect(JSON.stringify(diff.body)).toContain(JSON.stringify(ids.version).slice(1, -1));
});

test("flag ids round-trip through the flag routes and the flag page", async ({ request }) => {
  const listed = await expectOk<{ flags: { flagId: string; node: string }[] }>(request, `/api/v1/flags?node=${q(ids.version)}`);
  expect(listed.flags.map((f) => [f.flagId, f.node])).toContainEqual([flagId, ids.version]);
  const impact = await expectOk<{ flag: { flagId: string } }>(request, `/api/v1/flags/${q(flagId)}`);
  expect(impact.flag.flagId).toBe(flagId);
  const csv = await request.get(`/api/v1/flags/${q(flagId)}/impact.csv`);
  expect(csv.status()).toBe(200);
  const page = await request.get(`/investigate/flags/${q(flagId)}`);
  expect(page.status()).toBe(200);
  expect(await page.text()).toContain("names in the output");
});

test("exports take the ids unchanged", async ({ request }) => {
  const events = await request.get(`/api/v1/export/events?nodeId=${q(ids.version)}`);
  expect(events.status()).toBe(200);
  expect(await events.text()).toContain(runId);
  const prov = await expectOk<{ entity: Record<string, unknown> }>(request, `/api/v1/export/prov?nodeId=${q(ids.version)}`);
  expect(Object.keys(prov.entity).length).toBeGreaterThan(0);
});

test("share links: the snapshot and each shared node's details keep the ids (decoded once)", async ({ request, baseURL }) => {
  const created = await request.post("/api/v1/shares", {
    data: { view: { nodeId: ids.version, depth: 2, selectedId: ids.run } },
    headers: { origin: baseURL! },
  });
  expect(created.status()).toBe(201);
  const { token } = (await created.json()) as { token: string };
  const share = await expectOk<{ graph: { focus: string; nodes: { id: string }[] } }>(request, `/api/v1/shares/${token}`);
  expect(share.graph.focus).toBe(ids.version);
  for (const id of [ids.version, ids.run]) {
    const detail = await expectOk<{ node: { id: string } }>(request, sharedNodeApiPath(token, id));
    expect(detail.node.id).toBe(id);
  }
});
