import "server-only";
import { getStats, listNamespaces } from "./catalog";
import type { Queryable } from "./store/types";
import type { FailedOutput, LineageSource, RunSummary, RunWithJob, StoreOverview } from "@/lib/lineage/types";
import { nodeId } from "@/lib/lineage/node-id";
import { readFailureReasons } from "@/lib/schemas/columns";
import { toVersionSummary } from "./nodes";

/** What the home page shows: counts, namespaces, recent and failed runs. */

/** A run as lists show it (without its node id), with its job's columns. */
type RunRow = Omit<RunSummary, "id"> & { jobKey: string; namespace: string; name: string; kind: string | null };

async function runsWithJob(store: Queryable, where: string, limit: number): Promise<RunWithJob[]> {
  // NULLS LAST said out loud: SQLite sorts nulls first ascending, PostgreSQL last.
  const rows = await store.all<RunRow>(
    `SELECT r."runId", r."state", r."startedAt", r."endedAt", r."reason", r."errorMessage", r."jobKey", j."namespace", j."name", j."kind"
     FROM "Run" r JOIN "Job" j ON j."key" = r."jobKey" ${where}
     ORDER BY COALESCE(r."endedAt", r."startedAt") DESC NULLS LAST, r."runId" LIMIT ?`,
    [limit],
  );
  return rows.map(({ jobKey, namespace, name, kind, ...run }) => ({
    id: nodeId.run(run.runId),
    ...run,
    job: { id: jobKey, type: "job", namespace, name, version: null, kind },
  }));
}

export async function getOverview(store: Queryable): Promise<StoreOverview> {
  return {
    stats: await getStats(store),
    namespaces: await listNamespaces(store),
    sources: await lineageSources(store),
    recentRuns: await runsWithJob(store, "", 12),
    failedRuns: await runsWithJob(store, `WHERE r."state" = 'FAILED'`, 12),
    failedOutputs: await listFailedOutputs(store, 12),
  };
}

/**
 * Jobs and runs by where they came from. The MLflow importer marks its jobs with jobType integration
 * MLFLOW; everything else arrived as OpenLineage. Read from Job (small) and the Run index on jobKey,
 * never by scanning the event log.
 */
async function lineageSources(store: Queryable): Promise<LineageSource[]> {
  const rows = await store.all<{ integration: string; jobs: number; runs: number }>(
    `SELECT COALESCE(UPPER(${store.dialect.jsonText(`j."facets"`, ["jobType", "integration"])}), '') AS "integration", COUNT(*) AS "jobs",
            SUM((SELECT COUNT(*) FROM "Run" r WHERE r."jobKey" = j."key")) AS "runs"
     FROM "Job" j GROUP BY 1 ORDER BY 1`,
  );
  const sources = new Map<LineageSource["name"], LineageSource>();
  for (const r of rows) {
    const name = r.integration === "MLFLOW" ? "MLflow" : "OpenLineage";
    const source = sources.get(name) ?? { name, integrations: [], jobs: 0, runs: 0 };
    if (r.integration && r.integration !== "MLFLOW") source.integrations.push(r.integration);
    source.jobs += r.jobs;
    source.runs += r.runs ?? 0;
    sources.set(name, source);
  }
  return [...sources.values()].sort((a, b) => b.runs - a.runs || a.name.localeCompare(b.name));
}

interface FailedVersionRow {
  key: string;
  version: string;
  createdAt: string;
  producedByRunId: string | null;
  reason: string | null;
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  isSynthetic: number | boolean;
  contentHash: string | null;
  failureReasons: string;
  datasetKey: string;
  namespace: string;
  name: string;
  kind: string;
}

/** The latest failed outputs (versions whose run or evaluation failed them), newest first. */
export async function listFailedOutputs(store: Queryable, limit: number): Promise<FailedOutput[]> {
  const rows = await store.all<FailedVersionRow>(
    `SELECT v."key", v."version", v."createdAt", v."producedByRunId", v."reason", v."isSynthetic", v."contentHash", v."failureReasons",
            d."key" AS "datasetKey", d."namespace", d."name", d."kind"
     FROM "DatasetVersion" v JOIN "Dataset" d ON d."key" = v."datasetKey"
     WHERE v."isFailed" = TRUE ORDER BY v."createdAt" DESC, v."key" LIMIT ?`,
    [limit],
  );
  return rows.map((r) => {
    const reasons = readFailureReasons(r.failureReasons).flatMap((x) => (x.message ? [x.message] : []));
    return {
      ...toVersionSummary({ ...r, isFailed: true }, null),
      dataset: { id: r.datasetKey, type: "dataset", namespace: r.namespace, name: r.name, version: null, kind: r.kind },
      reasons,
    };
  });
}
