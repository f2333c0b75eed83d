import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileStore } from "@/lib/importers/mlflow/file-store";
import { follow, importSnapshot } from "@/lib/importers/mlflow/import";
import { runIdToUuid, type MlflowRun } from "@/lib/importers/mlflow/model";
import { ImportError } from "@/lib/importers/errors";
import { RestStore } from "@/lib/importers/mlflow/rest-store";
import { createTestDatabase } from "../support/db";
import { ingestSink, MLFLOW_FIXTURES } from "../support/mlflow";
import { startTrackingServer, type FakeTrackingServer } from "../support/mlflow-rest-server";

/**
 * The tracking-server source over real HTTP: a local server answering MLflow's REST shapes (two
 * items a page, bearer token required) serves the registry_v3 and census_income stores; the import
 * must equal the file import of the same store, and --follow must pick up a run logged later.
 */

const NAMESPACE = "mlflow:test";
let registry: FakeTrackingServer;
let census: FakeTrackingServer;

beforeAll(async () => {
  registry = await startTrackingServer(path.join(MLFLOW_FIXTURES, "registry_v3", "mlruns"), "s3cret");
  census = await startTrackingServer(path.join(MLFLOW_FIXTURES, "census_income", "mlruns"), "s3cret");
});
afterAll(async () => {
  await registry.close();
  await census.close();
});

function rowsOf(db: ReturnType<typeof createTestDatabase>["db"]) {
  return {
    runs: db.prepare("SELECT runId, state, parentRunId, parameters, reason FROM Run ORDER BY runId").all(),
    versions: db.prepare("SELECT key, producedByRunId FROM DatasetVersion ORDER BY key").all(),
    edges: (db.prepare("SELECT COUNT(*) AS n FROM Edge").get() as { n: number }).n,
  };
}

describe.each(["registry_v3", "census_income"])("importing %s from a tracking server", (fixture) => {
  it("follows every page and gives the same lineage as the file store", async () => {
    const server = fixture === "registry_v3" ? registry : census;
    const viaRest = createTestDatabase();
    const viaFiles = createTestDatabase();
    try {
      const rest = await importSnapshot(await new RestStore(server.url, { token: "s3cret" }).read(), ingestSink(viaRest.db), { namespace: NAMESPACE });
      await importSnapshot(readFileStore(path.join(MLFLOW_FIXTURES, fixture, "mlruns")), ingestSink(viaFiles.db), { namespace: NAMESPACE });
      expect(rest.rejections).toEqual([]);
      expect(rowsOf(viaRest.db)).toEqual(rowsOf(viaFiles.db));
      // More runs than one page holds: the client went through next_page_token.
      expect(server.calls.filter((c) => c === "runs/search").length).toBeGreaterThan(1);
    } finally {
      viaRest.cleanup();
      viaFiles.cleanup();
    }
  });
});

describe("the tracking-server source", () => {
  it("fetches each metric's history for its length and MLflow's latest value", async () => {
    const snapshot = await new RestStore(registry.url, { token: "s3cret" }).read();
    const run = snapshot.runs.find((r) => r.id === "1c3ad6ed2fad4886b68a1eae234484a6")!;
    // The mse file holds the same point twice.
    expect(run.metrics).toEqual([expect.objectContaining({ key: "mse", historyLength: 2, latest: expect.objectContaining({ value: 356.6847104398046 }) })]);
  });

  it("names the server when it refuses the credentials", async () => {
    await expect(new RestStore(registry.url, { token: "wrong" }).read()).rejects.toThrow(/the tracking server answered 401: UNAUTHENTICATED Missing or invalid token \(set MLFLOW_TRACKING_TOKEN/);
  });

  it("names the server when it cannot be reached", async () => {
    const error = await new RestStore("http://127.0.0.1:9", {}).read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(/^http:\/\/127\.0\.0\.1:9: cannot reach the MLflow tracking server/);
  });

  it("with --follow, picks up a run logged after the first poll", async () => {
    const store = createTestDatabase();
    const controller = new AbortController();
    const polls: number[] = [];
    const source = new RestStore(registry.url, { token: "s3cret" });
    const following = follow(() => source.read(), ingestSink(store.db), {
      namespace: NAMESPACE,
      intervalMs: 50,
      signal: controller.signal,
      onPoll: (_s, changed) => polls.push(changed),
    });
    try {
      await waitFor(() => polls.length >= 1);
      const before = (store.db.prepare("SELECT COUNT(*) AS n FROM Run").get() as { n: number }).n;
      const template = registry.snapshot.runs[0];
      const added: MlflowRun = { ...template, id: "feedfacefeedfacefeedfacefeedface", name: "late-run", startTime: Date.now() - 1000, endTime: Date.now(), outputModelIds: [] };
      registry.snapshot.runs.push(added);
      await waitFor(() => (store.db.prepare("SELECT COUNT(*) AS n FROM Run").get() as { n: number }).n === before + 1);
      expect(store.db.prepare("SELECT state FROM Run WHERE runId = ?").get(runIdToUuid(added.id))).toEqual({ state: "COMPLETED" });
      // Later polls send only what changed: the new run once, then nothing.
      await waitFor(() => polls.length >= 4);
      expect(polls.slice(-2)).toEqual([0, 0]);
    } finally {
      controller.abort();
      await following;
      registry.snapshot.runs.pop();
      store.cleanup();
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
