import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { ingestEvents } from "@/lib/server/ingest";
import { ANONYMOUS, type Principal } from "@/lib/server/auth";
import { hashToken } from "@/lib/server/auth-crypto";
import {
  createShare,
  DETAIL_ALL_LIMIT,
  getSharedNode,
  getSharedView,
  listShares,
  openShare,
  revokeShare,
  verifyChainUpTo,
} from "@/lib/server/shares";
import type { NodeDetail } from "@/lib/lineage/types";
import { FAN_OUT_PAGE_SIZE } from "@/lib/lineage/fan-out";
import { ShareCreateSchema } from "@/lib/schemas/share";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import { createTestDatabase, runEvent } from "../support/db";

const RUN_A = "0190a1b2-0000-7000-8000-00000000000a";
const RUN_B = "0190a1b2-0000-7000-8000-00000000000b";
const RUN_C = "0190a1b2-0000-7000-8000-00000000000c";

let db: Sqlite;
let cleanup: () => void;
beforeEach(async () => {
  ({ db, cleanup } = createTestDatabase());
  // raw -> clean -> corpus -> train -> model; eval reads model (outside a depth-1 view of clean).
  await ingestEvents(storeOver(db),
    [
      runEvent({ runId: RUN_A, job: "clean", inputs: [{ namespace: "lake", name: "raw" }], outputs: [{ namespace: "lake", name: "corpus" }] }),
      runEvent({ runId: RUN_B, job: "train", inputs: [{ namespace: "lake", name: "corpus" }], outputs: [{ namespace: "lake", name: "model" }] }),
    ],
    { sender: "test" },
  );
});
afterEach(() => cleanup());

/** Details from the graph alone: the share logic is under test here, not nodes.ts. */
const fakeDetail = async (id: string) => ({ node: { id }, description: `about ${id}` }) as unknown as NodeDetail;

const alice: Principal = { kind: "api-key", sender: "alice-ci", keyId: 1, role: "editor", isAdmin: false };
const bob: Principal = { kind: "api-key", sender: "bob-ci", keyId: 2, role: "editor", isAdmin: false };

function share(view: Record<string, unknown>, principal: Principal = alice, extra: Record<string, unknown> = {}) {
  return createShare(storeOver(db), ShareCreateSchema.parse({ view, ...extra }), principal, { loadDetail: fakeDetail });
}

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "ok";
  } catch (error) {
    return error instanceof AppError ? `${error.status}` : String(error);
  }
}

describe("createShare", () => {
  it("freezes the graph at the log head, with every node's details, and stores only the token's hash", async () => {
    const created = await share({ nodeId: "dataset:lake:corpus", depth: 1, note: undefined }, alice, { note: "for the audit" });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.path).toBe(`/share/${created.token}`);
    expect(created.share).toMatchObject({ focusId: "dataset:lake:corpus", head: { seq: 2 }, note: "for the audit", createdBy: "alice-ci", status: "active" });
    const stored = db.prepare("SELECT * FROM Share").get() as Record<string, string>;
    expect(stored.tokenHash).toBe(hashToken(created.token));
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const view = await getSharedView(storeOver(db), created.token);
    expect(view.graph.nodes.map((n) => n.id).sort()).toEqual(["dataset:lake:corpus", "job:tests:clean", "job:tests:train"]);
    expect(view.detailIds.sort()).toEqual(["dataset:lake:corpus", "job:tests:clean", "job:tests:train"]);
    expect(view.verification).toMatchObject({ ok: true, checked: 2 });
  });

  it("stays the same after more events touch the shared node", async () => {
    const { token } = await share({ nodeId: "dataset:lake:corpus", depth: 1 });
    const before = await getSharedView(storeOver(db), token);
    await ingestEvents(storeOver(db), [runEvent({ runId: RUN_C, job: "eval", inputs: [{ namespace: "lake", name: "corpus" }] })], { sender: "test" });
    const after = await getSharedView(storeOver(db), token);
    expect(after.graph).toEqual(before.graph);
    expect(after.share.head).toEqual(before.share.head);
  });

  it("opens at the node that was selected when it is in the graph", async () => {
    const { token } = await share({ nodeId: "dataset:lake:corpus", depth: 1, selectedId: "job:tests:train" });
    expect((await getSharedView(storeOver(db), token)).selectedId).toBe("job:tests:train");
  });

  it("keeps only the focus's and the selection's details when the graph has more than DETAIL_ALL_LIMIT nodes", async () => {
    const outputs = Array.from({ length: DETAIL_ALL_LIMIT + 5 }, (_, i) => ({ namespace: "lake", name: `shard-${i}` }));
    await ingestEvents(storeOver(db), [runEvent({ runId: RUN_C, job: "split", outputs })], { sender: "test" });
    const { token } = await share({
      nodeId: "job:tests:split",
      depth: 1,
      selectedId: "dataset:lake:shard-7",
      more: [{ id: "job:tests:split", direction: "downstream", shown: DETAIL_ALL_LIMIT + 5 }],
    });
    const view = await getSharedView(storeOver(db), token);
    expect(view.graph.nodes.length).toBe(DETAIL_ALL_LIMIT + 6);
    expect(view.graph.more).toEqual([]);
    expect(view.detailIds.sort()).toEqual(["dataset:lake:shard-7", "job:tests:split"]);
    expect(await codeOf(() => getSharedNode(storeOver(db), token, "dataset:lake:shard-8"))).toBe("404");
  });

  it("holds a wide fan-out folded as the screen shows it: the first page, the selection, and how many more", async () => {
    const outputs = Array.from({ length: 30 }, (_, i) => ({ namespace: "lake", name: `part-${String(i).padStart(2, "0")}` }));
    await ingestEvents(storeOver(db), [runEvent({ runId: RUN_C, job: "split", outputs })], { sender: "test" });
    const { token } = await share({ nodeId: "job:tests:split", depth: 1, selectedId: "dataset:lake:part-29" });
    const folded = (await getSharedView(storeOver(db), token)).graph;
    expect(folded.nodes).toHaveLength(1 + FAN_OUT_PAGE_SIZE + 1);
    expect(folded.nodes.map((n) => n.id)).toContain("dataset:lake:part-29");
    expect(folded.more).toEqual([{ id: "more:downstream:job:tests:split", parentId: "job:tests:split", direction: "downstream", hiddenCount: 29 - FAN_OUT_PAGE_SIZE }]);

    const paged = await share({ nodeId: "job:tests:split", depth: 1, more: [{ id: "job:tests:split", direction: "downstream", shown: 20 }] });
    const further = (await getSharedView(storeOver(db), paged.token)).graph;
    expect(further.nodes).toHaveLength(1 + 20);
    expect(further.more?.[0]?.hiddenCount).toBe(10);
    expect(further.edges).toHaveLength(20);
  });

  it("includes the view's +N expansions, merged as the explorer merges them", async () => {
    const { token } = await share({ nodeId: "dataset:lake:corpus", depth: 1, expand: [{ id: "job:tests:train", direction: "downstream" }] });
    expect((await getSharedView(storeOver(db), token)).graph.nodes.map((n) => n.id)).toContain("dataset:lake:model");
  });

  it("refuses an unknown node (404) and drops a selection outside the graph", async () => {
    await expect(share({ nodeId: "dataset:lake:nope" })).rejects.toMatchObject({ code: "not_found" });
    const { token } = await share({ nodeId: "dataset:lake:corpus", depth: 1, selectedId: "dataset:lake:model" });
    expect((await getSharedView(storeOver(db), token)).selectedId).toBeNull();
  });
});

describe("reading a share", () => {
  it("serves details of snapshot nodes only: a node outside it is a 404 even though the store has it", async () => {
    const { token } = await share({ nodeId: "dataset:lake:corpus", depth: 1 });
    expect((await getSharedNode(storeOver(db), token, "job:tests:train")).description).toBe("about job:tests:train");
    expect(await codeOf(() => getSharedNode(storeOver(db), token, "dataset:lake:model"))).toBe("404");
    expect(await codeOf(() => getSharedNode(storeOver(db), token, "__proto__"))).toBe("404");
  });

  it("answers 404 for an unknown or malformed token", async () => {
    expect((await openShare(storeOver(db), "x".repeat(43))).status).toBe("not_found");
    expect(await codeOf(() => getSharedView(storeOver(db), "../../etc"))).toBe("404");
  });

  it("answers 410 once revoked, and for an expired link", async () => {
    const { token, share: s } = await share({ nodeId: "dataset:lake:corpus" }, alice, { expiresInHours: 1 });
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect((await openShare(storeOver(db), token, later)).status).toBe("expired");
    expect(await codeOf(() => getSharedView(storeOver(db), token, later))).toBe("410");
    await revokeShare(sqliteStore(db), s.id, alice, true);
    expect(await codeOf(() => getSharedView(storeOver(db), token))).toBe("410");
    expect(await codeOf(() => getSharedNode(storeOver(db), token, "dataset:lake:corpus"))).toBe("410");
    expect(db.prepare("SELECT COUNT(*) AS n FROM Share").get()).toEqual({ n: 1 });
  });
});

describe("owners", () => {
  it("list and revoke their own shares only in protected mode; an admin manages all; demo mode is open", async () => {
    const a = await share({ nodeId: "dataset:lake:corpus" }, alice);
    await share({ nodeId: "dataset:lake:model" }, bob);
    const store = sqliteStore(db);
    expect((await listShares(store, alice, true)).map((s) => s.id)).toEqual([a.share.id]);
    expect(await listShares(store, ANONYMOUS, false)).toHaveLength(2);
    const admin: Principal = { kind: "user", sender: "user:root", userId: 1, username: "root", role: "admin", isAdmin: true, sessionHash: "" };
    expect(await listShares(store, admin, true)).toHaveLength(2);
    await expect(revokeShare(store, a.share.id, bob, true)).rejects.toMatchObject({ status: 404 });
    expect(await revokeShare(store, a.share.id, admin, true)).toMatchObject({ status: "revoked", revokedBy: "user:root" });
  });
});

describe("verifyChainUpTo", () => {
  it("names the first record that no longer recomputes when the log is edited behind Threadline's back", async () => {
    const { share: s } = await share({ nodeId: "dataset:lake:corpus" });
    expect((await verifyChainUpTo(storeOver(db), s.head.seq, s.head.hash)).ok).toBe(true);
    db.prepare("UPDATE Event SET payload = replace(payload, 'clean', 'CLEAN') WHERE seq = 1").run();
    const tampered = await verifyChainUpTo(storeOver(db), s.head.seq, s.head.hash, new Date(Date.now() + 60_000));
    expect(tampered.ok).toBe(false);
    expect(tampered.problem).toMatch(/event #1/);
  });

  it("ignores events after the share's head", async () => {
    const { share: s } = await share({ nodeId: "dataset:lake:corpus" });
    await ingestEvents(storeOver(db), [runEvent({ runId: RUN_C, job: "eval" })], { sender: "test" });
    expect((await verifyChainUpTo(storeOver(db), s.head.seq, s.head.hash, new Date(Date.now() + 60_000)))).toMatchObject({ ok: true, checked: 2 });
  });
});
