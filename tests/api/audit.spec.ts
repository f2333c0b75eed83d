import { expect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { getJson } from "./support/api";

/**
 * The audit API over HTTP against the seeded e2e server (which signs with a throwaway test key,
 * scripts/e2e-server.sh): the log newest first with filters, one record, verification of chain and
 * projection, the signed head and the public key.
 */

interface AuditEventAnswer {
  seq: number;
  kind: string;
  eventType: string | null;
  sender: string;
  hash: string;
  prevHash: string;
  jobKey: string | null;
  nodes: { id: string; type: string }[];
}
interface AuditPageAnswer {
  events: AuditEventAnswer[];
  nextBefore: number | null;
  prevAfter: number | null;
}

const events = (query: Record<string, string | number>) =>
  `/api/v1/audit/events?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;

test.describe("GET /api/v1/audit/events", () => {
  test("lists the log newest first, each record chained to the one before, with its sender", async ({ request }) => {
    const { status, body } = await getJson<AuditPageAnswer>(request, events({ limit: 20 }));
    expect(status).toBe(200);
    expect(body.events).toHaveLength(20);
    const seqs = body.events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    for (let i = 0; i + 1 < body.events.length; i++) {
      if (body.events[i].seq === body.events[i + 1].seq + 1) expect(body.events[i].prevHash).toBe(body.events[i + 1].hash);
    }
    expect(body.nextBefore).toBe(seqs[seqs.length - 1]);
    const older = await getJson<AuditPageAnswer>(request, events({ limit: 20, before: body.nextBefore as number }));
    expect(older.body.events[0].seq).toBeLessThan(seqs[seqs.length - 1]);
  });

  test("filters by dataset, job and event type, every record touching what was asked for", async ({ request }) => {
    const byDataset = await getJson<AuditPageAnswer>(request, events({ dataset: DEMO_STORY.biasedAssays, limit: 200 }));
    expect(byDataset.body.events.length).toBeGreaterThan(0);
    for (const e of byDataset.body.events) expect(e.nodes.map((n) => n.id)).toContain(DEMO_STORY.biasedAssays);

    const byJob = await getJson<AuditPageAnswer>(request, events({ job: DEMO_STORY.evaluateToxicityJob, type: "COMPLETE", limit: 200 }));
    expect(byJob.body.events).toHaveLength(14);
    for (const e of byJob.body.events) expect(e).toMatchObject({ jobKey: DEMO_STORY.evaluateToxicityJob, eventType: "COMPLETE", sender: "demo" });
  });

  test("takes a job or dataset by its bare name or namespace:name as well as by id", async ({ request }) => {
    const seqsOf = async (query: Record<string, string | number>) => (await getJson<AuditPageAnswer>(request, events({ limit: 200, ...query }))).body.events.map((e) => e.seq);
    const byId = await seqsOf({ dataset: DEMO_STORY.fineTunedModel });
    expect(byId.length).toBeGreaterThan(0);
    expect(await seqsOf({ dataset: "models/binding-affinity-ft" })).toEqual(byId);
    expect(await seqsOf({ dataset: "mlflow://helix-bio:models/binding-affinity-ft" })).toEqual(byId);
    expect(await seqsOf({ job: "evaluate-toxicity", type: "COMPLETE" })).toEqual(await seqsOf({ job: DEMO_STORY.evaluateToxicityJob, type: "COMPLETE" }));
    const unknown = await getJson<{ error: { code: string; details: { path: string; message: string }[] } }>(request, events({ job: "no-such-job" }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ path: "job", message: expect.stringContaining("no job is named “no-such-job”") }]);
  });

  test("filters by time range", async ({ request }) => {
    const { body } = await getJson<AuditPageAnswer & { events: { eventTime: string }[] }>(
      request,
      events({ from: "2026-10-24T00:00:00Z", to: "2026-10-25T00:00:00Z", limit: 200 }),
    );
    expect(body.events.length).toBeGreaterThan(0);
    for (const e of body.events) expect(e.eventTime.slice(0, 10)).toBe("2026-10-24");
  });

  test("answers 400 naming the filter that is wrong", async ({ request }) => {
    const { status, body } = await getJson<{ error: { code: string; details: { path: string }[] } }>(request, events({ job: "dataset:x:y" }));
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.details[0].path).toBe("job");
    expect((await getJson(request, events({ from: "last tuesday" }))).status).toBe(400);
    expect((await getJson(request, events({ limit: 0 }))).status).toBe(400);
  });
});

test.describe("GET /api/v1/audit/events/<seq>", () => {
  test("returns one record with the canonical payload the chain hashed", async ({ request }) => {
    const { status, body } = await getJson<{ seq: number; payload: { eventTime: string } }>(request, "/api/v1/audit/events/1");
    expect(status).toBe(200);
    expect(body.seq).toBe(1);
    expect(body.payload.eventTime).toEqual(expect.any(String));
    expect((await getJson(request, "/api/v1/audit/events/99999999")).status).toBe(404);
    expect((await getJson(request, "/api/v1/audit/events/abc")).status).toBe(400);
  });
});

test.describe("verification and signing", () => {
  test("GET /api/v1/audit/verify checks the chain and the projection and signs the verified head", async ({ request }) => {
    const { status, body } = await getJson<{
      ok: boolean;
      checked: number;
      head: { seq: number; hash: string };
      chain: { ok: boolean };
      projection: { ok: boolean } | null;
      signedHead: { signature: string | null; statement: { head: { seq: number } } } | null;
    }>(request, "/api/v1/audit/verify");
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, chain: { ok: true }, projection: { ok: true } });
    expect(body.checked).toBe(body.head.seq);
    expect(body.signedHead?.signature).toEqual(expect.any(String));
    const chainOnly = await getJson<{ projection: null }>(request, "/api/v1/audit/verify?projection=false");
    expect(chainOnly.body.projection).toBeNull();
    expect((await getJson(request, "/api/v1/audit/verify?projection=perhaps")).status).toBe(400);
  });

  test("the verification says which server checked and which full pass it rests on; a full pass on demand is for admins", async ({ request }) => {
    const { body } = await getJson<{ verifiedBy: string; fullCheck: { at: string; by: string } | null; verifiedAt: string }>(request, "/api/v1/audit/verify");
    expect(body.verifiedBy).toMatch(/^.+:\d+$/);
    // Due by itself (nobody here may ask for one): it names no one who asked.
    expect(body.fullCheck).toEqual({ at: expect.any(String), by: expect.stringMatching(/^.+:\d+$/), requestedBy: null });
    expect(Date.parse(body.fullCheck!.at)).toBeLessThanOrEqual(Date.parse(body.verifiedAt));
    // Nothing written since: the same answer, no new check.
    expect((await getJson<{ verifiedAt: string }>(request, "/api/v1/audit/verify")).body.verifiedAt).toBe(body.verifiedAt);
    const anonymous = await request.post("/api/v1/audit/verify");
    expect(anonymous.status()).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
  });

  test("GET /api/v1/audit/head is signed by the key GET /api/v1/audit/public-key publishes", async ({ request }) => {
    const { createPublicKey, verify } = await import("node:crypto");
    const head = await getJson<{ statement: Record<string, unknown> & { keyId: string; head: { seq: number } }; signature: string }>(request, "/api/v1/audit/head");
    const keyResponse = await request.get("/api/v1/audit/public-key");
    expect(keyResponse.status()).toBe(200);
    const pem = await keyResponse.text();
    expect(pem).toContain("BEGIN PUBLIC KEY");
    expect(keyResponse.headers()["threadline-key-id"]).toBe(head.body.statement.keyId);
    // The signature covers the statement's canonical JSON: keys sorted at every depth, no spaces.
    const canonical = (v: unknown): string =>
      v === null || typeof v !== "object"
        ? JSON.stringify(v)
        : Array.isArray(v)
          ? `[${v.map(canonical).join(",")}]`
          : `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
    const isValid = verify(null, Buffer.from(canonical(head.body.statement)), createPublicKey(pem), Buffer.from(head.body.signature, "base64"));
    expect(isValid).toBe(true);
    const tampered = { ...head.body.statement, head: { ...head.body.statement.head, seq: head.body.statement.head.seq + 1 } };
    expect(verify(null, Buffer.from(canonical(tampered)), createPublicKey(pem), Buffer.from(head.body.signature, "base64"))).toBe(false);
  });
});
