import { randomUUID } from "node:crypto";
import net from "node:net";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import {
  expectError,
  getNode,
  getStats,
  makeRunEvent,
  pathsOf,
  postBatch,
  postEvent,
  uniqueNamespace,
  type Json,
  type JsonObject,
} from "./support/api";

/**
 * What POST /api/v1/lineage and /lineage/batch answer to bad, odd and borderline input: structure
 * errors reject with every bad field named at once, facet problems only warn, transport problems
 * (size, encoding, content type, JSON) get their own 4xx, and nothing a client sends yields a 500.
 */

const MiB = 1024 * 1024;
/** THREADLINE_MAX_BODY_BYTES' default; the e2e server does not override it. */
const MAX_BODY_BYTES = 16 * MiB;

test.describe("structure errors", () => {
  test("an event with four bad fields is refused with one 400 that names all four, and nothing is stored", async ({ request }) => {
    const before = await getStats(request);
    const answer = await postEvent(request, {
      eventType: "FINISHED",
      eventTime: "yesterday at noon",
      run: { runId: "not-a-uuid" },
      job: { namespace: "api-test" },
      producer: "https://example.com",
    });
    const details = expectError(answer, 400, "invalid_event");
    expect(pathsOf(details).sort()).toEqual(["eventTime", "eventType", "job.name", "run.runId"]);
    for (const d of details) expect(d.message.length, d.path).toBeGreaterThan(0);
    expect(await getStats(request)).toEqual(before);
  });

  test("a missing runId, a nameless input and an eventTime without offset are reported together with their paths", async ({ request }) => {
    const ns = uniqueNamespace("structure");
    const answer = await postEvent(request, {
      eventType: "START",
      eventTime: "2026-11-02T10:00:00",
      run: {},
      job: { namespace: ns, name: "job" },
      inputs: [{ namespace: ns, name: "ok" }, { namespace: ns }],
      outputs: "not-a-list",
    });
    const details = expectError(answer, 400, "invalid_event");
    expect(pathsOf(details)).toEqual(expect.arrayContaining(["eventTime", "run.runId", "inputs[1].name", "outputs"]));
    expect(details.find((d) => d.path === "run.runId")?.message).toMatch(/required/);
  });

  test("each of the spec's structure rules rejects on its own: no runId, non-UUID runId, no job name, unknown eventType, bad eventTime", async ({ request }) => {
    const ns = uniqueNamespace("rules");
    const cases: [label: string, patch: (e: JsonObject) => void, path: string][] = [
      ["no runId", (e) => (e.run = {}), "run.runId"],
      ["runId not a UUID", (e) => (e.run = { runId: "1234" }), "run.runId"],
      ["no job name", (e) => (e.job = { namespace: ns }), "job.name"],
      ["unknown eventType", (e) => (e.eventType = "DONE"), "eventType"],
      ["eventTime not a date-time", (e) => (e.eventTime = "2026-02-30T10:00:00Z"), "eventTime"],
    ];
    for (const [label, patch, path] of cases) {
      const event = makeRunEvent(ns);
      patch(event);
      const details = expectError(await postEvent(request, event), 400, "invalid_event");
      expect(pathsOf(details), label).toEqual([path]);
    }
  });

  test("an event whose nesting or strings exceed the guards is refused with 400, not a 500", async ({ request }) => {
    const ns = uniqueNamespace("guards");
    let deep: Json = "bottom";
    for (let i = 0; i < 200; i++) deep = { next: deep };
    const nested = makeRunEvent(ns);
    (nested.run as JsonObject).facets = { custom_deep: deep };
    const tooDeep = await postEvent(request, nested);
    // Refused either by the body scan before parsing (bad_request) or by the per-event guard (invalid_event).
    expect(tooDeep.status, JSON.stringify(tooDeep.body).slice(0, 300)).toBe(400);
    expect(["bad_request", "invalid_event"]).toContain(tooDeep.body.error.code);
    // One level past the per-event limit (64) passes the body scan and is named by its path.
    let justTooDeep: Json = "bottom";
    for (let i = 0; i < 62; i++) justTooDeep = { next: justTooDeep };
    const edge = makeRunEvent(ns);
    (edge.run as JsonObject).facets = { custom_deep: justTooDeep };
    const details = expectError(await postEvent(request, edge), 400, "invalid_event");
    expect(details[0].path.startsWith("run.facets.custom_deep.next")).toBe(true);
    const numbers = `{"eventTime":"2026-01-01T00:00:00Z","run":{"runId":"${randomUUID()}"},"job":{"namespace":"${ns}","name":"j"},"n":1e999}`;
    expect(pathsOf(expectError(await postEvent(request, numbers), 400, "invalid_event"))).toEqual(["n"]);
  });
});

test.describe("lenient on what real producers get wrong", () => {
  test("mixed spec versions, no schemaURL/producer/_producer, unknown custom facets and broken standard facets are stored with warnings", async ({ request }) => {
    const ns = uniqueNamespace("lenient");
    const runId = randomUUID();
    const event: JsonObject = {
      eventType: "COMPLETE",
      eventTime: "2026-11-02T10:00:00+02:00",
      run: {
        runId,
        facets: {
          // No _producer / _schemaURL at all; an old spec version in another.
          nominalTime: { nominalStartTime: "2026-11-02T00:00:00Z" },
          acme_cost: { _producer: "https://acme.example", _schemaURL: "https://acme.example/cost.json", dollars: 12.5 },
          // A standard facet that breaks its own schema: parameters must be a list.
          executionParameters: { _producer: "p", _schemaURL: "https://openlineage.io/spec/facets/1-0-0/ExecutionParametersRunFacet.json", parameters: "lr=0.1" },
        },
      },
      job: {
        namespace: ns,
        name: "train",
        facets: { sql: { _producer: "p", _schemaURL: "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json", query: 42 } },
      },
      inputs: [{ namespace: ns, name: "corpus", facets: { schema: { _producer: "p", _schemaURL: "https://openlineage.io/spec/1-0-5/OpenLineage.json", fields: "id,text" } } }],
      outputs: [{ namespace: ns, name: "model", outputFacets: { outputStatistics: { rowCount: "many" } } }],
      // producer and schemaURL left out on purpose.
    };
    const answer = await postEvent(request, event);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.status).toBe("created");
    const paths = pathsOf(answer.body.warnings);
    for (const facet of [
      "run.facets.executionParameters",
      "job.facets.sql",
      "inputs[0].facets.schema",
      "outputs[0].outputFacets.outputStatistics",
    ]) {
      expect(paths.some((p) => p.startsWith(facet)), `a warning names ${facet} (got ${paths.join(", ")})`).toBe(true);
    }
    for (const quiet of ["run.facets.acme_cost", "run.facets.nominalTime", "producer", "schemaURL"]) {
      expect(paths.some((p) => p.startsWith(quiet)), `no warning about ${quiet}`).toBe(false);
    }
    const run = await getNode(request, `run:${runId}`);
    expect(run.status).toBe(200);
    expect(run.body.facets).toHaveProperty("acme_cost");
  });

  test("a DatasetEvent with a spec version from the future and a JobEvent without eventType are accepted", async ({ request }) => {
    const ns = uniqueNamespace("kinds");
    const dataset = await postEvent(request, {
      eventTime: new Date().toISOString(),
      dataset: { namespace: ns, name: "table", facets: { schema: { fields: [{ name: "id", type: "INT" }] } } },
      schemaURL: "https://openlineage.io/spec/9-9-9/OpenLineage.json#/$defs/DatasetEvent",
    });
    expect(dataset.status, JSON.stringify(dataset.body)).toBe(201);
    const job = await postEvent(request, {
      eventTime: new Date().toISOString(),
      job: { namespace: ns, name: "loader" },
      outputs: [{ namespace: ns, name: "table" }],
    });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const node = await getNode(request, `dataset:${ns}:table`);
    expect(node.body.schema.map((f) => f.name)).toEqual(["id"]);
    expect(node.body.upstream.map((n) => n.id)).toContain(`job:${ns}:loader`);
  });
});

test.describe("transport", () => {
  test("a gzip-encoded event is accepted and stored", async ({ request }) => {
    const ns = uniqueNamespace("gzip");
    const event = makeRunEvent(ns, { outputs: ["zipped"] });
    const answer = await postEvent(request, gzipSync(JSON.stringify(event)), { "content-encoding": "gzip" });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const again = await postEvent(request, event);
    expect(again.status, "the same event sent plain is the same event").toBe(200);
    expect(again.body).toMatchObject({ status: "duplicate", seq: answer.body.seq });
    expect((await getNode(request, `dataset:${ns}:zipped`)).status).toBe(200);
  });

  test("a gzip batch is accepted", async ({ request }) => {
    const ns = uniqueNamespace("gzip-batch");
    const events = [makeRunEvent(ns), makeRunEvent(ns)];
    const answer = await postBatch(request, gzipSync(JSON.stringify(events)), { "content-encoding": "gzip" });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.created).toBe(2);
  });

  test("a gzip bomb that inflates past the body limit is refused with 413, and nothing is stored", async ({ request }) => {
    const before = await getStats(request);
    const inflated = Buffer.concat([Buffer.from('{"pad":"'), Buffer.alloc(MAX_BODY_BYTES + MiB, 0x61), Buffer.from('"}')]);
    const bomb = gzipSync(inflated);
    expect(bomb.length, "the compressed body itself is tiny").toBeLessThan(100 * 1024);
    expectError(await postEvent(request, bomb, { "content-encoding": "gzip" }), 413, "payload_too_large");
    expectError(await postBatch(request, bomb, { "content-encoding": "gzip" }), 413, "payload_too_large");
    expect(await getStats(request)).toEqual(before);
  });

  test("a plain body over the 16 MiB limit is refused with 413", async ({ request }) => {
    const event = makeRunEvent(uniqueNamespace("big"));
    const body = JSON.stringify({ ...event, pad: "x".repeat(MAX_BODY_BYTES + MiB) });
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES);
    expectError(await postEvent(request, body), 413, "payload_too_large");
    expectError(await postBatch(request, `[${body}]`), 413, "payload_too_large");
  });

  test("a body just under the limit is not refused for its size", async ({ request }) => {
    // 1,000,000-character strings are the per-string guard, so pad with many of them: ~15 MiB in all.
    const event = makeRunEvent(uniqueNamespace("near-limit"));
    (event.run as JsonObject).facets = { acme_blob: { parts: Array.from({ length: 15 }, () => "y".repeat(1_000_000)) } };
    const body = JSON.stringify(event);
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES - 2 * MiB);
    const answer = await postEvent(request, body);
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(201);
  });

  test("after a 413 for an oversized chunked upload, the next request on the same connection is still answered", async ({ baseURL }) => {
    // Without Content-Length the server reads up to the limit and answers 413. If it then left the
    // rest of the body unread on a kept-alive connection, a client's next request on it would hang
    // and end in a reset. Either the next request is answered, or the server closes at once.
    const { hostname, port } = new URL(baseURL!);
    const outcome = await new Promise<{ first: string; next: "answered" | "closed" | "hung"; closedAfterMs?: number }>((resolve) => {
      const socket = net.connect(Number(port), hostname);
      let received = "";
      let answeredAt = 0;
      const finish = (next: "answered" | "closed" | "hung") => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ first: received.split("\r\n")[0], next, closedAfterMs: answeredAt ? Date.now() - answeredAt : undefined });
      };
      const timer = setTimeout(() => finish("hung"), 5000);
      socket.on("data", (chunk) => {
        received += chunk.toString("latin1");
        if (!answeredAt && received.includes("\r\n\r\n")) answeredAt = Date.now();
        if (/HTTP\/1\.1 413[\s\S]*HTTP\/1\.1 200/.test(received)) finish("answered");
      });
      socket.on("close", () => finish("closed"));
      socket.on("error", () => undefined);
      socket.write("POST /api/v1/lineage HTTP/1.1\r\nHost: threadline\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      const chunk = Buffer.alloc(MiB, 0x20);
      for (let i = 0; i < 18; i++) {
        socket.write(`${chunk.length.toString(16)}\r\n`);
        socket.write(chunk);
        socket.write("\r\n");
      }
      socket.write("0\r\n\r\n");
      socket.write("GET /api/v1/stats HTTP/1.1\r\nHost: threadline\r\n\r\n");
    });
    expect(outcome.first).toMatch(/^HTTP\/1\.1 413/);
    expect(outcome.next, "the connection neither hangs nor dies late").not.toBe("hung");
    if (outcome.next === "closed") expect(outcome.closedAfterMs ?? 0).toBeLessThan(2000);
  });

  test("a content type other than JSON is refused with 415", async ({ request }) => {
    const event = JSON.stringify(makeRunEvent(uniqueNamespace("ctype")));
    expectError(await postEvent(request, event, { "content-type": "text/plain" }), 415, "unsupported_media_type");
    expectError(await postEvent(request, event, { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type");
    expectError(await postBatch(request, `[${event}]`, { "content-type": "text/csv" }), 415, "unsupported_media_type");
    // A JSON subtype with parameters is JSON.
    const ok = await postEvent(request, event, { "content-type": "application/vnd.openlineage+json; charset=utf-8" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  test("an encoding other than gzip is refused with 415, and a body that is not gzip with 400", async ({ request }) => {
    const event = JSON.stringify(makeRunEvent(uniqueNamespace("enc")));
    expectError(await postEvent(request, event, { "content-encoding": "br" }), 415, "unsupported_media_type");
    expectError(await postEvent(request, event, { "content-encoding": "gzip" }), 400, "bad_request");
  });

  test("text that is not JSON is refused with 400 invalid_json", async ({ request }) => {
    for (const body of ['{"eventType": "START",', "eventType=START", "", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])]) {
      const details = expectError(await postEvent(request, body), 400, "invalid_json");
      expect(pathsOf(details)).toEqual(["body"]);
    }
    expectError(await postBatch(request, "[{]"), 400, "invalid_json");
  });

  test("an array sent to the single-event endpoint is refused with 400", async ({ request }) => {
    const before = await getStats(request);
    const details = expectError(await postEvent(request, [makeRunEvent(uniqueNamespace("array"))]), 400, "bad_request");
    expect(details[0].message).toMatch(/array/);
    expect(await getStats(request)).toEqual(before);
  });

  test("JSON that is not an object is refused with 400 invalid_event", async ({ request }) => {
    for (const body of ["null", "42", '"START"', "true"]) {
      expect(pathsOf(expectError(await postEvent(request, body), 400, "invalid_event")), body).toEqual([""]);
    }
  });

  test("no bad input yields a 500", async ({ request }) => {
    const ns = uniqueNamespace("no500");
    const id = randomUUID();
    const bodies: (string | Json)[] = [
      "{}",
      '{"run":null,"job":null,"eventTime":null}',
      { ...makeRunEvent(ns), inputs: [null, 1, "x"] },
      { ...makeRunEvent(ns), run: { runId: id, facets: [] } },
      { ...makeRunEvent(ns), run: { runId: id, facets: { parent: null, errorMessage: "boom" } } },
      `{"__proto__":{"polluted":true},"eventTime":"2026-01-01T00:00:00Z","run":{"runId":"${randomUUID()}"},"job":{"namespace":"${ns}","name":"proto"}}`,
      { eventTime: "2026-01-01T00:00:00Z", dataset: { namespace: ns } },
      { eventTime: "2026-01-01T00:00:00Z", job: { namespace: ns, name: "j" }, run: null },
      "\ufeff" + JSON.stringify(makeRunEvent(ns)),
    ];
    for (const body of bodies) {
      const answer = await postEvent(request, body);
      expect(answer.status, `${JSON.stringify(body).slice(0, 80)} -> ${JSON.stringify(answer.body)}`).toBeLessThan(500);
      if (answer.status >= 400) expect(answer.body.error.code).toBeTruthy();
    }
    expect((await request.get("/api/v1/stats")).status()).toBe(200);
  });
});

test.describe("batch", () => {
  test("a batch mixing valid and invalid events answers 207, stores the valid ones and names the rejected by index", async ({ request }) => {
    const ns = uniqueNamespace("mixed");
    const good1 = makeRunEvent(ns, { outputs: ["a"] });
    const good2 = makeRunEvent(ns, { inputs: ["a"], outputs: ["b"] });
    const bad = makeRunEvent(ns);
    bad.run = { runId: "nope" };
    delete bad.eventTime;
    const before = await getStats(request);
    const answer = await postBatch(request, [good1, bad, good2, 7]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(207);
    expect(answer.body).toMatchObject({ created: 2, duplicates: 0, rejected: 2 });
    expect(answer.body.results.map((r) => [r.index, r.status])).toEqual([
      [0, "created"],
      [1, "rejected"],
      [2, "created"],
      [3, "rejected"],
    ]);
    expect(pathsOf(answer.body.results[1].errors).sort()).toEqual(["eventTime", "run.runId"]);
    expect(answer.body.results[1].seq).toBeUndefined();
    expect(answer.body.results[0].seq! < answer.body.results[2].seq!).toBe(true);
    expect((await getStats(request)).events - before.events).toBe(2);
    const b = await getNode(request, `dataset:${ns}:b`);
    expect(b.body.upstream.length, "b was produced by the stored event").toBeGreaterThan(0);
  });

  test("a batch answers 201 when all are created and 200 when all are duplicates, with a seq per event", async ({ request }) => {
    const ns = uniqueNamespace("batch-codes");
    const events = [makeRunEvent(ns), makeRunEvent(ns), makeRunEvent(ns)];
    const first = await postBatch(request, events);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: 3, duplicates: 0, rejected: 0 });
    const again = await postBatch(request, events);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, duplicates: 3, rejected: 0 });
    expect(again.body.results.map((r) => r.seq)).toEqual(first.body.results.map((r) => r.seq));
  });

  test("the same event twice in one batch is stored once: the second copy is a duplicate", async ({ request }) => {
    const event = makeRunEvent(uniqueNamespace("twice"));
    const answer = await postBatch(request, [event, event]);
    expect(answer.status).toBe(201);
    expect(answer.body.results.map((r) => r.status)).toEqual(["created", "duplicate"]);
    expect(answer.body.results[1].seq).toBe(answer.body.results[0].seq);
  });

  test("a batch in which every event is invalid answers 400 with each error located by index", async ({ request }) => {
    const ns = uniqueNamespace("allbad");
    const a = makeRunEvent(ns);
    a.run = {};
    const b = makeRunEvent(ns);
    b.eventType = "FINISHED";
    const answer = await postBatch(request, [a, b]);
    const details = expectError(answer, 400, "invalid_event");
    expect(pathsOf(details)).toEqual(["[0].run.runId", "[1].eventType"]);
    expect(answer.body).toMatchObject({ created: 0, duplicates: 0, rejected: 2 });
  });

  test("a batch that is not an array is refused with 400", async ({ request }) => {
    expectError(await postBatch(request, makeRunEvent(uniqueNamespace("notarray"))), 400, "bad_request");
    expectError(await postBatch(request, "null"), 400, "bad_request");
  });

  test("a batch of more than 10,000 events is refused with 413 before any is stored", async ({ request }) => {
    const before = await getStats(request);
    const ns = uniqueNamespace("toomany");
    const events = Array.from({ length: 10_001 }, () => makeRunEvent(ns));
    expectError(await postBatch(request, events), 413, "payload_too_large");
    expect(await getStats(request)).toEqual(before);
  });
});
