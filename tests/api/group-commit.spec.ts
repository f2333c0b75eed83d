import { expect, test } from "@playwright/test";
import { uniqueNamespace, type StoreStats, type VerifyAnswer } from "./support/api";
import { expectEachAnsweredAndStoredOnce, getFresh, mixedPosts, postAllAtOnce, storedThroughApi } from "./support/group-commit";

/**
 * Group commit (issue 15): single-event POSTs that arrive together share transactions, and each is
 * still answered as if it were alone. 200 POSTs at the same moment, 20 invalid and 20 retries of
 * events in flight: every valid event acknowledged once as created and stored once with its seq,
 * every retry a duplicate with its original's seq, every invalid one a 400 naming its field, and
 * the chain verifies. (tests/api/multi-server.spec.ts runs the same on PostgreSQL.)
 */

test("200 concurrent POSTs, 20 invalid and 20 retries in flight: each valid event acknowledged and stored once, each invalid one a 400 naming its field, the chain intact", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const ns = uniqueNamespace("group-commit");
  const before = await getFresh<StoreStats>(`${baseURL}/api/v1/stats`);
  const posts = mixedPosts(ns);

  const answers = await postAllAtOnce(posts, () => baseURL!);

  expectEachAnsweredAndStoredOnce(posts, answers, await storedThroughApi(baseURL!, ns));
  const after = await getFresh<StoreStats>(`${baseURL}/api/v1/stats`);
  expect(after.events - before.events).toBe(160);
  const chain = await getFresh<VerifyAnswer>(`${baseURL}/api/v1/audit/verify`);
  expect(chain.ok, JSON.stringify(chain)).toBe(true);
  expect(chain.checked).toBe(after.events);
});
