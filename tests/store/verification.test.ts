// Verification shared by every server on the database, the same on both backends: one server
// checks (the lease on the Verification row) and the others read its result; records appended
// since a check are checked from its head on; a full pass runs when asked, when the last one is
// too old, and after a rebuild; a crashed verifier's lease lapses; an edited log row is found by
// the next full pass.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getLogHead } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { replayLog } from "@/lib/server/rebuild";
import type { Store } from "@/lib/server/store/types";
import { readSharedVerification, SERVER_NAME, verifyStore, type VerifyOptions } from "@/lib/server/verification";
import { runEvent } from "../support/db";
import { BACKENDS, createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from "../support/stores";

const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;

const append = (store: Store, from: number, count: number) =>
  ingestEvents(
    store,
    Array.from({ length: count }, (_, i) =>
      runEvent({ runId: RUN(from + i), job: `job-${(from + i) % 7}`, inputs: [{ namespace: "s3://lake", name: `in-${(from + i) % 5}` }], outputs: [{ namespace: "s3://lake", name: `out-${from + i}` }] }),
    ),
    { sender: "test" },
  );

// On SQLite another connection's commit (here: the other handle publishing its result) may be an
// edit behind Threadline's back, so a check with maxAge 0 makes its own full pass; these cases
// accept a recent one, as the header badge does. PostgreSQL has no such stamp and ignores it.
const AS_A_BADGE: VerifyOptions = { signer: null, maxAgeMs: 60_000 };

const fullPasses = async (store: Store) => (await readSharedVerification(store, "store"))?.fullPasses ?? 0;

describe.each(BACKENDS)("verification shared by servers on %s", (backend) => {
  let t: TestStore;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    t = await createTestStore(backend);
    a = t.store;
    b = t.openAnother();
    await append(a, 1, 40);
  }, STORE_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.cleanup();
  });

  it("runs one full pass for two servers checking at once, and both answer its result", async () => {
    const [fromA, fromB] = await Promise.all([verifyStore(a, AS_A_BADGE), verifyStore(b, AS_A_BADGE)]);
    expect(fromA).toMatchObject({ ok: true, checked: 40, head: await getLogHead(a), projection: { ok: true } });
    expect(fromB).toEqual(fromA);
    expect(fromA.verifiedBy).toBe(SERVER_NAME);
    expect(fromA.fullCheck?.by).toBe(SERVER_NAME);
    expect(await fullPasses(a)).toBe(1);
    // Nothing written since: the stored answer, no work.
    expect(await verifyStore(b, AS_A_BADGE)).toEqual(fromA);
    expect(await fullPasses(b)).toBe(1);
  });

  it("checks only the records appended since, from the verified head, whichever server appended them", async () => {
    const before = await verifyStore(a, AS_A_BADGE);
    await append(b, 100, 5);
    const after = await verifyStore(a, AS_A_BADGE);
    expect(after).toMatchObject({ ok: true, checked: before.checked + 5, head: await getLogHead(a), chain: { ok: true, checked: before.checked + 5 } });
    // The full pass it rests on is still the first one.
    expect(after.fullCheck).toEqual(before.fullCheck);
    expect(await fullPasses(a)).toBe(1);
    expect(await verifyStore(b, AS_A_BADGE)).toEqual(after);
  });

  it("finds an edited log row on the next full pass (asked for, or once the last is too old), and every server then reports it", async () => {
    const { payload } = (await a.get<{ payload: string }>(`SELECT payload FROM "Event" WHERE seq = 7`))!;
    await b.run(`UPDATE "Event" SET payload = ? WHERE seq = 7`, [`${payload} `]);
    try {
      expect(await verifyStore(a, { signer: null, full: true })).toMatchObject({ ok: false, firstBroken: { seq: 7, reason: "its content does not match its content hash" } });
      expect(await verifyStore(b, AS_A_BADGE)).toMatchObject({ ok: false, firstBroken: { seq: 7 } });
      await b.run(`UPDATE "Event" SET payload = ? WHERE seq = 7`, [payload]);
      // A full pass older than fullEveryMs is made again: the store is whole again.
      const passes = await fullPasses(a);
      expect(await verifyStore(b, { ...AS_A_BADGE, fullEveryMs: 0 })).toMatchObject({ ok: true });
      expect(await fullPasses(a)).toBe(passes + 1);
    } finally {
      await b.run(`UPDATE "Event" SET payload = ? WHERE seq = 7`, [payload]);
    }
  });

  it("names who asked for a full pass on every server, and nobody once a pass was due by itself", async () => {
    const asked = await verifyStore(a, { signer: null, full: true, requestedBy: "user:root" });
    expect(asked.fullCheck).toEqual({ at: expect.any(String), by: SERVER_NAME, requestedBy: "user:root" });
    expect((await verifyStore(b, AS_A_BADGE)).fullCheck).toEqual(asked.fullCheck);
    expect(await readSharedVerification(b, "store")).toMatchObject({ fullRequestedBy: "user:root" });
    // The next pass made because the last was too old names nobody.
    expect((await verifyStore(b, { ...AS_A_BADGE, fullEveryMs: 0 })).fullCheck?.requestedBy).toBeNull();
  });

  it("makes a full pass after a rebuild rewrote the projection", async () => {
    expect((await verifyStore(a, AS_A_BADGE)).ok).toBe(true);
    const passes = await fullPasses(a);
    await replayLog(b);
    expect((await verifyStore(a, AS_A_BADGE)).ok).toBe(true);
    expect(await fullPasses(a)).toBe(passes + 1);
  });

  it("waits for a live verifier, and replaces one whose lease lapsed (it crashed)", async () => {
    await append(a, 200, 3);
    // A server took the lease and died: its claim holds for another 1.5 s, then lapses.
    await a.run(`UPDATE "Verification" SET "leaseHolder" = 'crashed', "leaseUntil" = ? WHERE "scope" = 'store'`, [new Date(Date.now() + 1_500).toISOString()]);
    const startedAt = Date.now();
    const result = await verifyStore(b, AS_A_BADGE);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    expect(result).toMatchObject({ ok: true, head: await getLogHead(a) });
    expect(await readSharedVerification(a, "store")).toMatchObject({ leaseHolder: null, leaseUntil: null, headSeq: result.head?.seq });
  });

  it("keeps the chain-only check apart from the full one", async () => {
    const chain = await verifyStore(b, { ...AS_A_BADGE, projection: false });
    expect(chain).toMatchObject({ ok: true, projection: null, head: await getLogHead(a) });
    expect((await readSharedVerification(a, "chain"))?.fullPasses).toBe(1);
  });
});
