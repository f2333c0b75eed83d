/**
 * A local HTTP server that answers the MLflow REST API endpoints the importer reads, with MLflow's
 * documented shapes (mlflow/protos/service.proto, model_registry.proto; JSON field names as the
 * tracking server writes them, statuses as enum names, int64 as numbers), serving the contents of
 * a file store. It pages every list two items at a time through `next_page_token`, whatever
 * `max_results` asks, and wants a bearer token: what a real server may do and the client must follow.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { readFileStore } from "@/lib/importers/mlflow/file-store";
import type { MlflowRun, MlflowSnapshot } from "@/lib/importers/mlflow/model";

type Json = Record<string, unknown>;

export interface FakeTrackingServer {
  url: string;
  snapshot: MlflowSnapshot;
  /** Requests served, by endpoint, to check paging happened. */
  calls: string[];
  close: () => Promise<void>;
}

const PAGE = 2;

export async function startTrackingServer(storeRoot: string, token: string): Promise<FakeTrackingServer> {
  const snapshot = readFileStore(storeRoot);
  const calls: string[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const endpoint = url.pathname.replace(/^\/api\/2\.0\/mlflow\//, "");
    calls.push(endpoint);
    const send = (status: number, body: Json) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error_code: "UNAUTHENTICATED", message: "Missing or invalid token" });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body: Json = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    const token_ = String(body.page_token ?? url.searchParams.get("page_token") ?? "");
    const page = (items: Json[], field: string) => {
      const start = token_ ? Number(Buffer.from(token_, "base64").toString()) : 0;
      const next = start + PAGE < items.length ? Buffer.from(String(start + PAGE)).toString("base64") : undefined;
      send(200, { [field]: items.slice(start, start + PAGE), ...(next ? { next_page_token: next } : {}) });
    };
    switch (`${req.method} ${endpoint}`) {
      case "POST experiments/search":
        return page(snapshot.experiments.map((e) => ({ experiment_id: e.id, name: e.name, artifact_location: e.artifactLocation, lifecycle_stage: "active", creation_time: e.creationTime, last_update_time: e.lastUpdateTime, tags: kv(e.tags) })), "experiments");
      case "POST runs/search": {
        const ids = new Set((body.experiment_ids as string[]) ?? []);
        return page(snapshot.runs.filter((r) => ids.has(r.experimentId)).map(runJson), "runs");
      }
      case "GET metrics/get-history": {
        const run = snapshot.runs.find((r) => r.id === url.searchParams.get("run_id"));
        if (!run) return send(404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Run not found" });
        return page(metricHistory(storeRoot, run, String(url.searchParams.get("metric_key"))), "metrics");
      }
      case "POST logged-models/search": {
        const ids = new Set((body.experiment_ids as string[]) ?? []);
        return page(
          snapshot.loggedModels
            .filter((m) => ids.has(m.experimentId) && m.id.startsWith("m-"))
            .map((m) => ({ info: { model_id: m.id, experiment_id: m.experimentId, name: m.name, source_run_id: m.sourceRunId, status: `LOGGED_MODEL_${m.status}`, creation_timestamp_ms: m.creationTime, last_updated_timestamp_ms: m.lastUpdatedTime, tags: kv(m.tags) }, data: { params: kv(m.params) } })),
          "models",
        );
      }
      case "GET model-versions/search":
        return page(
          snapshot.modelVersions.map((v) => ({ name: v.name, version: v.version, creation_timestamp: v.creationTime, last_updated_timestamp: v.lastUpdatedTime, current_stage: v.currentStage, description: v.description ?? "", source: v.source, run_id: v.runId, status: v.status, tags: kv(v.tags), aliases: v.aliases })),
          "model_versions",
        );
      default:
        return send(404, { error_code: "ENDPOINT_NOT_FOUND", message: `No endpoint ${req.method} ${url.pathname}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, snapshot, calls, close: () => new Promise((r) => server.close(() => r())) };
}

function kv(record: Record<string, string>): Json[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

/** GetRun / SearchRuns's Run: info, data (latest metrics only), inputs, outputs. */
function runJson(r: MlflowRun): Json {
  return {
    info: { run_id: r.id, run_uuid: r.id, run_name: r.name, experiment_id: r.experimentId, user_id: r.userId, status: r.status, start_time: r.startTime, end_time: r.endTime, artifact_uri: r.artifactUri, lifecycle_stage: "active" },
    data: {
      metrics: r.metrics.map((m) => ({ key: m.key, value: m.latest.value, timestamp: m.latest.timestamp, step: m.latest.step })),
      params: kv(r.params),
      tags: kv(r.tags),
    },
    inputs: {
      dataset_inputs: r.inputs.map((i) => ({
        tags: kv(i.tags),
        dataset: { name: i.dataset.name, digest: i.dataset.digest, source_type: i.dataset.sourceType, source: i.dataset.source, schema: i.dataset.schema ?? "", profile: i.dataset.profile ?? "" },
      })),
    },
    outputs: { model_outputs: r.outputModelIds.map((model_id) => ({ model_id, step: 0 })) },
  };
}

/** Every logged point of one metric, read from the run's metric file. */
function metricHistory(root: string, run: MlflowRun, key: string): Json[] {
  const file = path.join(root, run.experimentId, run.id, "metrics", key);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const [timestamp, value, step] = l.trim().split(/\s+/);
      return { key, value: Number(value), timestamp: Number(timestamp), step: Number(step ?? 0) };
    });
}
