// Moving a store (npm run store:copy): the demo's log copied from SQLite into an empty store of each
// backend has the same head, a chain that verifies, the projection a replay gives, and the same
// lineage answers, and the same signature statuses and signing key; a target that holds events is
// refused, by the service and by the command.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_NAMESPACES } from "@/lib/demo/drug-discovery";
import { DEMO_SIGNER_NAME, DEMO_SIGNER_PUBLIC_KEY } from "@/lib/demo/provenance";
import { ANONYMOUS } from "@/lib/server/auth";
import { storeOver } from "@/lib/server/db";
import { getLogHead } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { getLineage } from "@/lib/server/lineage";
import { verifyProjection } from "@/lib/server/rebuild";
import { registerSigner, versionSignatures } from "@/lib/server/signers";
import { getInstanceSigner } from "@/lib/server/signing";
import { copyStore } from "@/lib/server/store-copy";
import type { Store } from "@/lib/server/store/types";
import { createTestDatabase, ingestDemoStory, runEvent } from "../support/db";
import { BACKENDS, testStoreFor } from "../support/stores";

const source = createTestDatabase();
const NODES = [
  `dataset:${DEMO_NAMESPACES.lake}:assays/kinase-binding-2026q3`,
  `job:${DEMO_NAMESPACES.jobs}:generate-candidates`,
];

beforeAll(async () => {
  await ingestDemoStory(source.db);
});
afterAll(() => source.cleanup());

describe.each(BACKENDS)("copying a SQLite store into %s in pages of 25 events (on PostgreSQL each projected while the one before is written)", (backend) => {
  const t = testStoreFor(backend);

  it("copies every event with its head and a projection equal to a replay, answering the same lineage", async () => {
    const progress: number[] = [];
    const result = await copyStore(storeOver(source.db), t.store, (copied) => progress.push(copied), { pageEvents: 25 });
    const head = await getLogHead(storeOver(source.db));
    expect(result).toMatchObject({ events: head!.seq, sourceHead: head, targetHead: head, chain: { ok: true, checked: head!.seq } });
    expect(progress).toEqual(Array.from({ length: Math.ceil(head!.seq / 25) }, (_, i) => Math.min((i + 1) * 25, head!.seq)));
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
    for (const nodeId of NODES) {
      const query = { nodeId, depth: 3, direction: "both" as const, limit: 500 };
      expect(await getLineage(t.store, query)).toEqual(await getLineage(storeOver(source.db), query));
    }
  });
});

describe.each(BACKENDS)("copying a SQLite store into %s", (backend) => {
  const t = testStoreFor(backend);

  it("copies every event with its head, and the copy verifies and answers the same lineage", async () => {
    const progress: number[] = [];
    const result = await copyStore(storeOver(source.db), t.store, (copied) => progress.push(copied));
    const head = await getLogHead(storeOver(source.db));
    expect(result).toMatchObject({ events: head!.seq, sourceHead: head, targetHead: head, chain: { ok: true, checked: head!.seq } });
    expect(progress.at(-1)).toBe(head!.seq);
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
    for (const nodeId of NODES) {
      const query = { nodeId, depth: 3, direction: "both" as const, limit: 500 };
      const [original, copied] = [await getLineage(storeOver(source.db), query), await getLineage(t.store, query)];
      expect(copied.nodes.length).toBeGreaterThan(1);
      expect(copied).toEqual(original);
    }
  });

  it("refuses a target that holds events, and leaves it as it was", async () => {
    const before = await getLogHead(t.store);
    await expect(copyStore(storeOver(source.db), t.store)).rejects.toThrow(/holds \d+ events already/);
    expect(await getLogHead(t.store)).toEqual(before);
  });
});

/** Every signed version of a store and its signature status (verified, unknown-signer, ...). */
async function signatureStatusesOf(store: Store): Promise<Record<string, string>> {
  const keys = await store.all<{ versionKey: string }>(`SELECT "versionKey" FROM "ArtefactSignature" ORDER BY "versionKey"`);
  const statuses = await versionSignatures(store, keys.map((k) => k.versionKey));
  return Object.fromEntries([...statuses].map(([key, info]) => [key, `${info.status} ${info.signerName ?? ""}`]));
}

describe.each(BACKENDS)("copying a store whose producer keys are registered and whose own key has signed, into %s", (backend) => {
  const t = testStoreFor(backend);

  it("carries both over: the signed batches read verified as before, and the copy signs with the same key", async () => {
    const original = storeOver(source.db);
    await registerSigner(original, { name: DEMO_SIGNER_NAME, publicKey: DEMO_SIGNER_PUBLIC_KEY }, ANONYMOUS);
    const signingKey = await getInstanceSigner(original);
    // A server that ran on the empty target before the copy made a key of its own.
    await getInstanceSigner(t.openAnother());
    const result = await copyStore(original, t.store);
    const before = await signatureStatusesOf(original);
    expect(Object.values(before)).toContain(`verified ${DEMO_SIGNER_NAME}`);
    expect(await signatureStatusesOf(t.store)).toEqual(before);
    const copySigner = await getInstanceSigner(t.openAnother());
    expect(copySigner.keyId).toBe(signingKey.keyId);
    expect(result).toMatchObject({ producerKeys: 1, signingKey: "replaced" });
  });
});

describe("npm run store:copy", () => {
  const root = path.resolve(__dirname, "../..");
  const copy = (...args: string[]) =>
    spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/store-copy.ts", ...args], { cwd: root, encoding: "utf8" });

  it("copies into a new SQLite file, says the heads are equal, and refuses to copy into it again (exit 3)", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-copy-"));
    const target = { file: path.join(folder, "copy.db"), cleanup: () => fs.rmSync(folder, { recursive: true, force: true }) };
    try {
      const copied = copy("--from", `file:${source.file}`, "--to", `file:${target.file}`);
      expect(copied.stderr).toBe("");
      expect(copied.stdout).toMatch(/Copied \d+ events/);
      expect(copied.stdout).toMatch(/\(equal\)/);
      expect(copied.stdout).toMatch(/target chain intact, projection matches a replay of the log/);
      expect(copied.status).toBe(0);
      const again = copy("--from", `file:${source.file}`, "--to", `file:${target.file}`);
      expect(again.stderr).toMatch(/holds \d+ events already/);
      expect(again.status).toBe(3);
    } finally {
      target.cleanup();
    }
  }, 120_000);

  it("says so when --from names no SQLite file, and leaves none behind; a bad --to is named as --to", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-copy-"));
    try {
      const missing = path.join(folder, "typo.db");
      const copied = copy("--from", `file:${missing}`, "--to", `file:${path.join(folder, "copy.db")}`);
      expect(copied.stderr).toContain(`--from names no SQLite store: ${missing} does not exist`);
      expect(copied.status).toBe(1);
      expect(fs.existsSync(missing)).toBe(false);
      const badTarget = copy("--from", `file:${source.file}`, "--to", "mysql://u:hunter2@db/t");
      expect(badTarget.stderr).toMatch(/^store:copy: --to must be a SQLite file URL/);
      expect(badTarget.stderr).not.toContain("hunter2");
      expect(badTarget.status).toBe(1);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it("is refused a source whose chain is broken, copying nothing", async () => {
    const broken = createTestDatabase();
    const target = createTestDatabase();
    try {
      await ingestEvents(storeOver(broken.db), [runEvent({ runId: "0190a1b2-0000-7000-8000-000000000001" }), runEvent({ runId: "0190a1b2-0000-7000-8000-000000000002" })], { sender: "test" });
      broken.db.prepare(`UPDATE "Event" SET payload = replace(payload, 'train', 'TRAIN') WHERE seq = 1`).run();
      await expect(copyStore(storeOver(broken.db), storeOver(target.db))).rejects.toThrow(/broken at event #1/);
      expect(await getLogHead(storeOver(target.db))).toBeNull();
    } finally {
      broken.cleanup();
      target.cleanup();
    }
  });
});
