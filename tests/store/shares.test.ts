// Share management (list, revoke) on every backend: a share made by one server is listed and
// revoked by another, and a revocation is recorded once whoever revokes first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ANONYMOUS, type Principal } from "@/lib/server/auth";
import { ingestEvents } from "@/lib/server/ingest";
import { createShare, listShares, revokeShare } from "@/lib/server/shares";
import { storeOver } from "@/lib/server/db";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import type { NodeDetail } from "@/lib/lineage/types";
import { ShareCreateSchema } from "@/lib/schemas/share";
import { createTestDatabase, runEvent } from "../support/db";
import { BACKENDS, copyLineageTables, LINEAGE_TABLES, testStoreFor } from "../support/stores";

const alice: Principal = { kind: "api-key", sender: "alice-ci", keyId: 1, role: "editor", isAdmin: false };
const bob: Principal = { kind: "api-key", sender: "bob-ci", keyId: 2, role: "editor", isAdmin: false };
const admin: Principal = { kind: "user", sender: "user:root", userId: 1, username: "root", role: "admin", isAdmin: true, sessionHash: "" };

// Two shares made on SQLite through the write path and createShare.
const source = createTestDatabase();
const ids: Record<string, string> = {};
beforeAll(async () => {
  await ingestEvents(storeOver(source.db),
    [runEvent({ runId: "0190a1b2-0000-7000-8000-00000000000a", job: "clean", inputs: [{ namespace: "lake", name: "raw" }], outputs: [{ namespace: "lake", name: "corpus" }] })],
    { sender: "test" },
  );
  const detail = async (id: string) => ({ node: { id } }) as unknown as NodeDetail;
  const make = async (principal: Principal, createdAt: string) =>
    (await createShare(sqliteStore(source.db), ShareCreateSchema.parse({ view: { nodeId: "dataset:lake:corpus" } }), principal, { loadDetail: detail, now: new Date(createdAt) })).share.id;
  ids["alice"] = await make(alice, "2026-12-01T10:00:00.000Z");
  ids["bob"] = await make(bob, "2026-12-02T10:00:00.000Z");
});
afterAll(() => source.cleanup());

describe.each(BACKENDS)("on %s", (backend) => {
  const t = testStoreFor(backend, async () => {
    await copyLineageTables(sqliteStore(source.db), t.store, [...LINEAGE_TABLES, "Share"]);
  });

  it("lists a principal's own shares in protected mode, every share for an admin and in demo mode, newest first", async () => {
    expect((await listShares(t.store, alice, true)).map((s) => s.id)).toEqual([ids["alice"]]);
    expect((await listShares(t.store, admin, true)).map((s) => s.id)).toEqual([ids["bob"], ids["alice"]]);
    expect(await listShares(t.store, ANONYMOUS, false)).toHaveLength(2);
  });

  it("hides another's share from a revocation (404) and records the first revocation, seen by another server", async () => {
    await expect(revokeShare(t.store, ids["alice"]!, bob, true)).rejects.toMatchObject({ status: 404 });

    const other = t.openAnother();
    const first = await revokeShare(t.store, ids["alice"]!, alice, true, new Date("2026-12-03T00:00:00.000Z"));
    const second = await revokeShare(other, ids["alice"]!, admin, true, new Date("2026-12-04T00:00:00.000Z"));

    expect(first).toMatchObject({ status: "revoked", revokedBy: "alice-ci", revokedAt: "2026-12-03T00:00:00.000Z" });
    expect(second).toEqual(first);
    expect((await listShares(other, admin, true)).find((s) => s.id === ids["alice"])).toMatchObject({ status: "revoked", revokedBy: "alice-ci" });
  });
});
