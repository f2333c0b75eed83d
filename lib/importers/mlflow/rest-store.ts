import { ImportError } from "../errors";
import { modelVersionOf, num, text } from "./values";
import { loggedModelsFromHistory } from "./file-store";
import { emptySkipCounts, latestMetricPoint, parseRunStatus } from "./model";
import type { MlflowDatasetInput, MlflowLoggedModel, MlflowMetric, MlflowMetricPoint, MlflowModelVersion, MlflowRun, MlflowSnapshot } from "./model";

/**
 * Reads a tracking server through MLflow's REST API (2.0 paths, the ones `mlflow server` serves;
 * shapes from mlflow/protos/service.proto and model_registry.proto):
 *
 *   POST experiments/search        { max_results, page_token, view_type: ALL }   -> experiments, next_page_token
 *   POST runs/search               { experiment_ids, max_results, page_token, run_view_type: ALL } -> runs
 *   GET  metrics/get-history       ?run_id&metric_key[&page_token]               -> metrics (every point)
 *   POST logged-models/search      { experiment_ids, max_results, page_token }   -> models (MLflow 3; 404 before)
 *   GET  model-versions/search     ?max_results&page_token                       -> model_versions (with aliases)
 *
 * Every list is followed through `next_page_token` to its end. A run's metrics in runs/search are
 * the latest values only, so each metric's history is fetched for its length (and to apply MLflow's
 * latest rule to the points themselves); `historyCache` keeps them between polls of `--follow`
 * for runs that did not change. Credentials come from MLflow's own variables:
 * MLFLOW_TRACKING_TOKEN (bearer) or MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (basic).
 */

export interface RestOptions {
  token?: string;
  username?: string;
  password?: string;
  /** Page size asked of the server (it may answer with fewer). */
  pageSize?: number;
}

type Row = Record<string, unknown>;

export function restOptionsFromEnv(env: NodeJS.ProcessEnv): RestOptions {
  return {
    token: env.MLFLOW_TRACKING_TOKEN || undefined,
    username: env.MLFLOW_TRACKING_USERNAME || undefined,
    password: env.MLFLOW_TRACKING_PASSWORD || undefined,
  };
}

export class RestStore {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly pageSize: number;
  /** run id + its latest metrics -> the metrics with their history lengths. */
  private readonly historyCache = new Map<string, MlflowMetric[]>();

  constructor(
    readonly trackingUri: string,
    options: RestOptions = {},
  ) {
    this.base = trackingUri.replace(/\/+$/, "");
    this.pageSize = options.pageSize ?? 1000;
    this.headers = { accept: "application/json" };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    else if (options.username) {
      this.headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`;
    }
  }

  async read(): Promise<MlflowSnapshot> {
    const snapshot: MlflowSnapshot = {
      trackingUri: this.base,
      experiments: [],
      runs: [],
      loggedModels: [],
      modelVersions: [],
      skipped: emptySkipCounts(),
    };
    const experiments = await this.pages("POST", "experiments/search", { max_results: this.pageSize, view_type: "ALL" }, "experiments");
    for (const e of experiments) {
      if (e.lifecycle_stage === "deleted") {
        snapshot.skipped.deletedExperiments++;
        continue;
      }
      snapshot.experiments.push({
        id: String(e.experiment_id),
        name: String(e.name),
        artifactLocation: text(e.artifact_location),
        creationTime: num(e.creation_time),
        lastUpdateTime: num(e.last_update_time),
        tags: keyValues(e.tags),
      });
    }
    const ids = snapshot.experiments.map((e) => e.id);
    // runs/search takes a list of experiments; a few at a time keeps the request small.
    for (let i = 0; i < ids.length; i += 50) {
      const runs = await this.pages("POST", "runs/search", { experiment_ids: ids.slice(i, i + 50), max_results: this.pageSize, run_view_type: "ALL" }, "runs");
      for (const r of runs) {
        const run = await this.toRun(r);
        if (run === "deleted") snapshot.skipped.deletedRuns++;
        else {
          snapshot.runs.push(run);
          snapshot.loggedModels.push(...loggedModelsFromHistory(run));
        }
      }
      snapshot.loggedModels.push(...(await this.loggedModels(ids.slice(i, i + 50))));
    }
    snapshot.modelVersions = await this.modelVersions();
    return snapshot;
  }

  private async toRun(r: Row): Promise<MlflowRun | "deleted"> {
    const info = obj(r.info);
    const data = obj(r.data);
    if (info.lifecycle_stage === "deleted") return "deleted";
    const id = String(info.run_id ?? info.run_uuid);
    const status = parseRunStatus(info.status);
    if (status === null) throw new ImportError(`${this.base} (run ${id})`, `status ${JSON.stringify(info.status)} is not an MLflow run status`);
    const tags = keyValues(data.tags);
    const latest = list(data.metrics).map((m) => point(m));
    const inputs: MlflowDatasetInput[] = list(obj(r.inputs).dataset_inputs).map((di) => {
      const d = obj(di.dataset);
      const t = Object.fromEntries(list(di.tags).map((x) => [String(x.key), String(x.value ?? "")]));
      return {
        dataset: {
          name: String(d.name),
          digest: String(d.digest),
          sourceType: String(d.source_type ?? "unknown"),
          source: String(d.source ?? ""),
          schema: text(d.schema),
          profile: text(d.profile),
        },
        context: t["mlflow.data.context"] ?? null,
        tags: t,
      };
    });
    return {
      id,
      experimentId: String(info.experiment_id),
      name: tags["mlflow.runName"] ?? text(info.run_name),
      status,
      startTime: num(info.start_time),
      endTime: num(info.end_time),
      userId: text(info.user_id),
      artifactUri: text(info.artifact_uri),
      params: keyValues(data.params),
      tags,
      metrics: await this.metricsOf(id, latest, num(info.end_time)),
      inputs,
      outputModelIds: list(obj(r.outputs).model_outputs).map((o) => String(o.model_id)).sort(),
    };
  }

  private async metricsOf(runId: string, latest: MlflowMetricPoint[], endTime: number | null): Promise<MlflowMetric[]> {
    const cacheKey = `${runId}\u0000${endTime}\u0000${JSON.stringify(latest)}`;
    const cached = this.historyCache.get(cacheKey);
    if (cached) return cached;
    const metrics: MlflowMetric[] = [];
    for (const m of [...latest].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      const history = (await this.pages("GET", "metrics/get-history", { run_id: runId, metric_key: m.key }, "metrics")).map(point);
      metrics.push({ key: m.key, latest: latestMetricPoint(history) ?? m, historyLength: history.length || null });
    }
    this.historyCache.set(cacheKey, metrics);
    return metrics;
  }

  private async loggedModels(experimentIds: string[]): Promise<MlflowLoggedModel[]> {
    // MLflow 3 only: an older server does not know the endpoint, and has no logged models.
    const models = await this.pages("POST", "logged-models/search", { experiment_ids: experimentIds, max_results: 50 }, "models", { optional: true });
    return models.map((m): MlflowLoggedModel => {
      const info = obj(m.info);
      const data = obj(m.data);
      return {
        id: String(info.model_id),
        experimentId: String(info.experiment_id),
        name: String(info.name ?? "model"),
        sourceRunId: text(info.source_run_id),
        status: text(info.status)?.replace(/^LOGGED_MODEL_/, "") ?? null,
        creationTime: num(info.creation_timestamp_ms),
        lastUpdatedTime: num(info.last_updated_timestamp_ms),
        modelType: text(info.model_type),
        flavors: [],
        params: keyValues(data.params),
        tags: keyValues(info.tags),
      };
    });
  }

  private async modelVersions(): Promise<MlflowModelVersion[]> {
    const versions = await this.pages("GET", "model-versions/search", { max_results: Math.min(this.pageSize, 10_000) }, "model_versions", { optional: true });
    return versions.map((v) => modelVersionOf(v, { aliases: list(v.aliases as unknown).map(String).sort(), tags: keyValues(v.tags) }));
  }

  /** Every item of a paged list endpoint, following next_page_token. */
  private async pages(method: "GET" | "POST", endpoint: string, params: Row, field: string, options: { optional?: boolean } = {}): Promise<Row[]> {
    const items: Row[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      const body = await this.call(method, endpoint, pageToken ? { ...params, page_token: pageToken } : params, options);
      if (body === null) return items;
      items.push(...list(body[field]));
      pageToken = typeof body.next_page_token === "string" && body.next_page_token ? body.next_page_token : undefined;
      if (!pageToken) return items;
    }
    return items;
  }

  private async call(method: "GET" | "POST", endpoint: string, params: Row, options: { optional?: boolean }): Promise<Row | null> {
    const url = new URL(`${this.base}/api/2.0/mlflow/${endpoint}`);
    const init: RequestInit = { method, headers: { ...this.headers } };
    if (method === "GET") {
      for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    } else {
      init.body = JSON.stringify(params);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      throw new ImportError(this.base, `cannot reach the MLflow tracking server (${cause?.code ?? cause?.message ?? (error as Error).message})`);
    }
    if (options.optional && (response.status === 404 || response.status === 501)) return null;
    const body = (await response.json().catch(() => null)) as Row | null;
    if (!response.ok || body === null) {
      const reason = body && typeof body.message === "string" ? `: ${String(body.error_code ?? "")} ${body.message}`.trimEnd() : "";
      const hint = response.status === 401 || response.status === 403 ? " (set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)" : "";
      throw new ImportError(url.href, `the tracking server answered ${response.status}${reason}${hint}`);
    }
    return body;
  }
}

function point(m: Row): MlflowMetricPoint {
  return {
    key: String(m.key),
    // The REST API writes NaN and infinities as strings ("NaN", "Infinity").
    value: typeof m.value === "number" ? m.value : Number(m.value),
    timestamp: Number(m.timestamp ?? 0),
    step: Number(m.step ?? 0),
    ...(m.dataset_name ? { datasetName: String(m.dataset_name), datasetDigest: String(m.dataset_digest ?? "") } : {}),
    ...(m.model_id ? { modelId: String(m.model_id) } : {}),
  };
}

function obj(v: unknown): Row {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Row) : {};
}

function list(v: unknown): Row[] {
  return Array.isArray(v) ? v.filter((x): x is Row => typeof x === "object" && x !== null || typeof x === "string") : [];
}

function keyValues(v: unknown): Record<string, string> {
  return Object.fromEntries(list(v).map((x) => [String(x.key), String(x.value ?? "")]));
}


