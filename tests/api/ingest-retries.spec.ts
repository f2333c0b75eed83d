import { expect, test } from "@playwright/test";
import {
  getStats,
  makeRunEvent,
  postBatch,
  postEvent,
  reverseKeys,
  uniqueNamespace,
  verifyChain,
  type JsonObject,
} from "./support/api";

/**
 * OpenLineage clients retry on 5xx and re-POST the same event, possibly re-serialised with its keys
 * in another order, possibly through the other endpoint. A retry must answer "duplicate" with the
 * original sequence number and change nothing in the store.
 */

const COUNT = 500;
const BATCH_SIZE = 125;

function generate(ns: string): JsonObject[] {
  // Unique runIds; a chain of datasets so the retries also touch edges and versions.
  return Array.from({ length: COUNT }, (_, i) =>
    makeRunEvent(ns, {
      job: `step-${i % 10}`,
      eventType: i % 7 === 0 ? "START" : "COMPLETE",
      inputs: i > 0 ? [`data-${i - 1}`] : [],
      outputs: [`data-${i}`],
      time: new Date(Date.UTC(2026, 10, 2, 0, 0, i)).toISOString(),
    }),
  );
}

test("500 events posted twice (batch and single, swapped on retry, keys reordered) are stored once and every retry answers duplicate", async ({ request }) => {
  test.setTimeout(90_000);
  const ns = uniqueNamespace("retries");
  const events = generate(ns);
  const half = COUNT / 2;
  const seqs = new Array<number>(COUNT);

  const before = await getStats(request);

  // First pass: the first half in batches, the second half one by one.
  for (let start = 0; start < half; start += BATCH_SIZE) {
    const answer = await postBatch(request, events.slice(start, start + BATCH_SIZE));
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(201);
    expect(answer.body).toMatchObject({ created: BATCH_SIZE, duplicates: 0, rejected: 0 });
    for (const r of answer.body.results) seqs[start + r.index] = r.seq!;
  }
  for (let i = half; i < COUNT; i++) {
    const answer = await postEvent(request, events[i]);
    expect(answer.status, `event ${i}: ${JSON.stringify(answer.body)}`).toBe(201);
    expect(answer.body.status).toBe("created");
    seqs[i] = answer.body.seq;
  }
  expect(new Set(seqs).size, "every event got its own sequence number").toBe(COUNT);

  const afterFirst = await getStats(request);
  expect(afterFirst.events - before.events).toBe(COUNT);
  expect(afterFirst.runs - before.runs).toBe(COUNT);
  expect(afterFirst.datasets - before.datasets).toBe(COUNT);

  // Second pass, as a retrying client would: the batched half now one by one (keys reversed on every
  // other event), the single half now in batches (keys reversed throughout).
  for (let i = 0; i < half; i++) {
    const retry = i % 2 === 0 ? reverseKeys(events[i]) : events[i];
    const answer = await postEvent(request, retry);
    expect(answer.status, `retry of event ${i}: ${JSON.stringify(answer.body)}`).toBe(200);
    expect(answer.body).toMatchObject({ status: "duplicate", seq: seqs[i] });
  }
  for (let start = half; start < COUNT; start += BATCH_SIZE) {
    const answer = await postBatch(request, events.slice(start, start + BATCH_SIZE).map((e) => reverseKeys(e)));
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    expect(answer.body).toMatchObject({ created: 0, duplicates: BATCH_SIZE, rejected: 0 });
    for (const r of answer.body.results) {
      expect(r.status).toBe("duplicate");
      expect(r.seq, `retry of event ${start + r.index}`).toBe(seqs[start + r.index]);
    }
  }

  expect(await getStats(request), "the retries changed nothing").toEqual(afterFirst);
  const chain = await verifyChain(request);
  expect(chain.ok).toBe(true);
  expect(chain.head?.seq).toBe(afterFirst.events);
});

test("a changed event with the same runId is a new event, not a duplicate", async ({ request }) => {
  // Idempotency is by content: START then COMPLETE of one run are two events.
  const ns = uniqueNamespace("same-run");
  const start = makeRunEvent(ns, { eventType: "START", time: "2026-11-02T10:00:00Z" });
  const complete = { ...start, eventType: "COMPLETE", eventTime: "2026-11-02T10:05:00Z" };
  const a = await postEvent(request, start);
  const b = await postEvent(request, complete);
  expect([a.status, b.status]).toEqual([201, 201]);
  expect(b.body.seq).toBeGreaterThan(a.body.seq);
});
