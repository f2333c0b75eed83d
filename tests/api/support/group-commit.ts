import { randomUUID } from "node:crypto";
import { expect } from "@playwright/test";
import { makeRunEvent, type ErrorAnswer, type JsonObject } from "./api";

/**
 * The group-commit scenario the issue asks for, shared by the SQLite spec (the e2e server) and the
 * PostgreSQL one (several servers on one database): 200 single-event POSTs sent at the same moment,
 * of which 20 are invalid (each a 400 naming its field) and 20 are retries of other events in
 * flight (one of each pair created, the other a duplicate with the same seq). Every valid event
 * must be acknowledged once as created and stored once, with the seq it was acknowledged with.
 */

export const JOBS = ["ingest", "train", "evaluate", "generate"];

/** Broken events, each by one rule, and the one field path the 400 must name. */
const INVALID: [patch: (event: JsonObject) => void, path: string][] = [
  [(e) => (e.eventTime = "yesterday"), "eventTime"],
  [(e) => (e.run = { runId: "not-a-uuid" }), "run.runId"],
  [(e) => (e.job = { namespace: (e.job as JsonObject).namespace }), "job.name"],
  [(e) => (e.eventType = "EXPLODED"), "eventType"],
];

export interface MixedPost {
  kind: "valid" | "retry" | "invalid";
  event: JsonObject;
  runId: string;
  /** For an invalid event: the field its 400 must name. */
  path?: string;
}

/** 160 distinct valid events, 20 retries of them placed right beside their originals, 20 invalid ones. */
export function mixedPosts(ns: string): MixedPost[] {
  const posts: MixedPost[] = [];
  for (let i = 0; i < 160; i++) {
    const runId = randomUUID();
    const event = makeRunEvent(ns, { job: JOBS[i % JOBS.length], runId, inputs: [`in-${i % 9}`], outputs: [`out-${i}`] });
    posts.push({ kind: "valid", event, runId });
    if (i % 8 === 3) posts.push({ kind: "retry", event: structuredClone(event), runId });
    if (i % 8 === 5) {
      const [patch, path] = INVALID[(i >> 3) % INVALID.length]!;
      const broken = makeRunEvent(ns, { job: "broken", outputs: [`broken-${i}`] });
      patch(broken);
      posts.push({ kind: "invalid", event: broken, runId: String((broken.run as JsonObject).runId), path });
    }
  }
  return posts;
}

export interface Answer {
  status: number;
  body: { status?: string; seq?: number } & Partial<ErrorAnswer>;
}

/** POSTs every event at once (`baseURLOf` picks the server of each), and answers in the same order. */
export async function postAllAtOnce(posts: MixedPost[], baseURLOf: (index: number) => string): Promise<Answer[]> {
  return Promise.all(
    posts.map(async (post, i) => {
      const response = await fetch(`${baseURLOf(i)}/api/v1/lineage`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(post.event),
      });
      return { status: response.status, body: (await response.json()) as Answer["body"] };
    }),
  );
}

/**
 * Checks every answer, then the log: `stored` maps each runId of the scenario's namespace to the seqs
 * of its events in the log. Answers the seqs of the events created.
 */
export function expectEachAnsweredAndStoredOnce(posts: MixedPost[], answers: Answer[], stored: Map<string, number[]>): number[] {
  expect(posts).toHaveLength(200);
  expect(answers).toHaveLength(200);
  const byRun = new Map<string, Answer[]>();
  posts.forEach((post, i) => {
    const answer = answers[i]!;
    if (post.kind === "invalid") {
      expect(answer.status, `invalid event (${post.path}): ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.body.error?.code).toBe("invalid_event");
      expect(answer.body.error?.details.map((d) => d.path)).toEqual([post.path]);
      return;
    }
    byRun.set(post.runId, [...(byRun.get(post.runId) ?? []), answer]);
  });
  expect(byRun.size).toBe(160);
  const created: number[] = [];
  for (const [runId, runAnswers] of byRun) {
    const statuses = runAnswers.map((a) => `${a.status} ${a.body.status}`).sort();
    // A retry in the same group as its original: whichever the group took first is created.
    expect(statuses, `answers for run ${runId}`).toEqual(runAnswers.length === 2 ? ["200 duplicate", "201 created"] : ["201 created"]);
    const seqs = new Set(runAnswers.map((a) => a.body.seq));
    expect(seqs.size, `run ${runId}: its retry has the original's seq`).toBe(1);
    const seq = runAnswers[0]!.body.seq!;
    expect(stored.get(runId), `run ${runId}: stored once, with the acknowledged seq`).toEqual([seq]);
    created.push(seq);
  }
  expect(new Set(created).size, "no two events share a seq").toBe(160);
  // Nothing else of the scenario is in the log: no invalid event, no second copy.
  expect([...stored.values()].flat()).toHaveLength(160);
  return created;
}

/**
 * GET as JSON on a connection of its own: the scenario leaves kept-alive sockets idle for longer
 * than the server keeps them (5 s), and a request sent on one the server is closing is reset.
 */
export async function getFresh<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Connection: "close" } });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

interface AuditPage {
  events: { seq: number; runId: string }[];
  nextBefore: number | null;
}

/** The log's events of `ns`, runId → seqs, read through the audit API (job by job, newest first). */
export async function storedThroughApi(baseURL: string, ns: string): Promise<Map<string, number[]>> {
  const stored = new Map<string, number[]>();
  for (const job of [...JOBS, "broken"]) {
    let before: number | null = null;
    do {
      const url: string = `${baseURL}/api/v1/audit/events?job=${encodeURIComponent(`job:${ns}:${job}`)}&limit=200${before === null ? "" : `&before=${before}`}`;
      const page: AuditPage = await getFresh<AuditPage>(url);
      for (const e of page.events) stored.set(e.runId, [...(stored.get(e.runId) ?? []), e.seq]);
      before = page.nextBefore;
    } while (before !== null);
  }
  return stored;
}
