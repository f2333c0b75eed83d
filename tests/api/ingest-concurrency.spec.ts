import { expect, test } from "@playwright/test";
import { getStats, makeRunEvent, postEvent, uniqueNamespace, verifyChain } from "./support/api";

/**
 * Many producers at once: 8 clients, each with its own connection pool, POST 250 events one by one
 * at the same time. Every event must be stored exactly once, in one unbroken hash chain whose head
 * is the last sequence number.
 */

const CLIENTS = 8;
const PER_CLIENT = 250;

test("8 concurrent clients posting 2,000 single events: all 201, all stored, the hash chain intact", async ({ playwright, baseURL, request }) => {
  test.setTimeout(120_000);
  const ns = uniqueNamespace("concurrency");
  const before = await getStats(request);
  const contexts = await Promise.all(Array.from({ length: CLIENTS }, () => playwright.request.newContext({ baseURL })));

  const started = performance.now();
  const perClient = await Promise.all(
    contexts.map(async (client, c) => {
      const statuses: number[] = [];
      const seqs: number[] = [];
      for (let i = 0; i < PER_CLIENT; i++) {
        const event = makeRunEvent(ns, { job: `client-${c}`, outputs: [`client-${c}-out-${i % 5}`] });
        const answer = await postEvent(client, event);
        statuses.push(answer.status);
        seqs.push(answer.body.seq);
      }
      return { statuses, seqs };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(contexts.map((c) => c.dispose()));

  const total = CLIENTS * PER_CLIENT;
  console.log(
    `concurrency: ${total} events from ${CLIENTS} clients in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)} events/s`,
  );

  const statuses = perClient.flatMap((c) => c.statuses);
  expect(statuses.filter((s) => s !== 201), "every POST answers 201").toEqual([]);
  const seqs = perClient.flatMap((c) => c.seqs);
  expect(new Set(seqs).size, "no two events share a sequence number").toBe(total);
  for (const { seqs: own } of perClient) {
    expect(own, "one client's events are logged in the order it sent them").toEqual([...own].sort((a, b) => a - b));
  }

  const after = await getStats(request);
  expect(after.events - before.events).toBe(total);
  expect(after.runs - before.runs).toBe(total);
  expect(after.jobs - before.jobs).toBe(CLIENTS);

  const chain = await verifyChain(request);
  expect(chain.ok, JSON.stringify(chain)).toBe(true);
  expect(chain.firstBroken).toBeUndefined();
  expect(chain.checked).toBe(after.events);
  expect(chain.head?.seq).toBe(after.events);
  expect(Math.max(...seqs)).toBe(after.events);
});
