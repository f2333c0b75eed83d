import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORY } from "@/lib/demo/drug-discovery";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { getAuditEvent, listAuditEvents } from "@/lib/server/audit";
import { AuditQuerySchema, parseTimeBound, toDateTimeLocal } from "@/lib/schemas/audit";
import { createTestDatabase, ingestDemoStory } from "../support/db";

let db: Sqlite;
let cleanup: () => void;
let total: number;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  await ingestDemoStory(db);
  total = (db.prepare("SELECT COUNT(*) AS n FROM Event").get() as { n: number }).n;
});
afterAll(() => cleanup());

const list = (params: Record<string, string | number>) =>
  listAuditEvents(storeOver(db), AuditQuerySchema.parse(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))));

describe("listAuditEvents", () => {
  it("returns the log newest first with who sent each event, its hash and the nodes it touched", async () => {
    const page = await list({ limit: 5 });
    expect(page.events.map((e) => e.seq)).toEqual([total, total - 1, total - 2, total - 3, total - 4]);
    const [newest] = page.events;
    expect(newest).toMatchObject({ sender: "demo", receivedAt: "2026-11-24T00:00:00.000Z", hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(newest.nodes.length).toBeGreaterThan(0);
    expect(page.prevAfter).toBeNull();
    expect(page.nextBefore).toBe(total - 4);
  });

  it("pages by sequence number both ways without gaps or overlaps", async () => {
    const seen: number[] = [];
    let before: number | null = null;
    for (;;) {
      const page = await list(before === null ? { limit: 37 } : { limit: 37, before });
      seen.push(...page.events.map((e) => e.seq));
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));
    const second = await list({ limit: 10, before: total - 9 });
    const back = await list({ limit: 10, after: second.prevAfter as number });
    expect(back.events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => total - i));
    expect(back.prevAfter).toBeNull();
  });

  it("filters by dataset: every event that touched it, and only those", async () => {
    const page = await list({ dataset: DEMO_STORY.biasedAssays, limit: 200 });
    expect(page.events.length).toBeGreaterThan(0);
    for (const e of page.events) expect(e.nodes.map((n) => n.id)).toContain(DEMO_STORY.biasedAssays);
    const all = await list({ limit: 200, before: total + 1 });
    const expected = all.events.filter((e) => e.nodes.some((n) => n.id === DEMO_STORY.biasedAssays)).map((e) => e.seq);
    expect(page.events.map((e) => e.seq)).toEqual(expected);
  });

  it("filters by job and event type together", async () => {
    const page = await list({ job: DEMO_STORY.generateJob, type: "COMPLETE", limit: 200 });
    expect(page.events.length).toBe(14);
    for (const e of page.events) {
      expect(e.jobKey).toBe(DEMO_STORY.generateJob);
      expect(e.eventType).toBe("COMPLETE");
    }
  });

  it("filters by time range on the event's own time, the end date covering its whole day", async () => {
    const page = await list({ from: "2026-11-02", to: "2026-11-02", limit: 200 });
    expect(page.events.length).toBeGreaterThan(0);
    for (const e of page.events) expect(e.eventTime.slice(0, 10)).toBe("2026-11-02");
    expect((await list({ from: "2026-11-02", to: "2026-11-02", timeField: "receivedAt" })).events).toEqual([]);
  });

  it("filters by kind of event for dataset events", async () => {
    const page = await list({ type: "DatasetEvent", limit: 200 });
    expect(page.events.length).toBeGreaterThan(0);
    for (const e of page.events) expect(e.kind).toBe("DatasetEvent");
  });

  it("answers an empty page for a node the store does not know", async () => {
    expect(await list({ dataset: "dataset:nowhere:nothing" })).toEqual({ events: [], nextBefore: null, prevAfter: null });
  });
});

describe("AuditQuerySchema", () => {
  it("refuses a job filter that is not a job id, naming the field", async () => {
    const result = AuditQuerySchema.safeParse({ job: "dataset:x:y" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(["job"]);
  });

  it("accepts a bare run id and an empty form field", async () => {
    expect(AuditQuerySchema.parse({ run: "0190a1b2-0000-7000-8000-00000000000a", dataset: "" })).toMatchObject({
      run: "run:0190a1b2-0000-7000-8000-00000000000a",
      dataset: undefined,
    });
  });
});

describe("parseTimeBound", () => {
  it("reads a form's datetime-local value as UTC", async () => {
    expect(parseTimeBound("2026-10-24T10:00", false)).toBe("2026-10-24T10:00:00.000Z");
  });
  it("makes an end date exclusive at the next midnight", async () => {
    expect(parseTimeBound("2026-10-24", true)).toBe("2026-10-25T00:00:00.000Z");
  });
  it("rejects text that is no time", async () => {
    expect(parseTimeBound("yesterday", false)).toBeNull();
  });
});

describe("toDateTimeLocal", () => {
  it("gives a bound back in the form the date-time input shows, minutes unless it has seconds", () => {
    expect(toDateTimeLocal("2026-10-24T10:00:00.000Z")).toBe("2026-10-24T10:00");
    expect(toDateTimeLocal("2026-10-24T10:00:30.000Z")).toBe("2026-10-24T10:00:30");
    // What the input shows parses back to the same bound: a link's filters survive the form.
    for (const bound of ["2026-10-24T10:00:00.000Z", "2026-10-24T10:00:30.000Z"]) expect(parseTimeBound(toDateTimeLocal(bound), false)).toBe(bound);
  });
});

describe("getAuditEvent", () => {
  it("returns the canonical payload the chain hashed", async () => {
    const event = await getAuditEvent(storeOver(db), 1);
    expect(event.seq).toBe(1);
    expect(event.payload).toMatchObject({ eventTime: expect.any(String) });
  });
});
