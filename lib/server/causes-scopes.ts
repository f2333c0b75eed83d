import "server-only";
import type { Queryable } from "./store/types";
import type { FailureScope } from "@/lib/lineage/investigate-view";

/**
 * Where common causes can be looked for: the jobs and the output families (a dataset's versions)
 * that have failed outputs, the most failures first. Common causes contrast failed outputs with
 * passing ones of one job or one dataset (`getCauses`), so these are the places the /investigate
 * page and its causes page offer to start from. A job's run counts as failed when it failed or one
 * of its outputs did, as `getCauses` counts it.
 */
export async function listFailureScopes(store: Queryable, limit = 40): Promise<FailureScope[]> {
  const datasets = await store.all<FailureScope>(
    `SELECT * FROM (
       SELECT d."key" AS "id", 'dataset' AS "type", d."namespace", d."name",
              SUM(CASE WHEN v."isFailed" = TRUE THEN 1 ELSE 0 END) AS "failed", COUNT(*) AS "total"
       FROM "DatasetVersion" v JOIN "Dataset" d ON d."key" = v."datasetKey"
       GROUP BY d."key", d."namespace", d."name"
     ) t WHERE t."failed" > 0 ORDER BY t."failed" DESC, t."name", t."id" LIMIT ?`,
    [limit],
  );
  const jobs = await store.all<FailureScope>(
    `SELECT * FROM (
       SELECT j."key" AS "id", 'job' AS "type", j."namespace", j."name",
              SUM(CASE WHEN r."state" = 'FAILED' OR EXISTS (
                SELECT 1 FROM "RunDataset" rd JOIN "DatasetVersion" v ON v."key" = rd."datasetVersionKey"
                WHERE rd."runId" = r."runId" AND rd."direction" = 'output' AND v."isFailed" = TRUE
              ) THEN 1 ELSE 0 END) AS "failed",
              COUNT(*) AS "total"
       FROM "Run" r JOIN "Job" j ON j."key" = r."jobKey"
       GROUP BY j."key", j."namespace", j."name"
     ) t WHERE t."failed" > 0 ORDER BY t."failed" DESC, t."name", t."id" LIMIT ?`,
    [limit],
  );
  return [...datasets, ...jobs]
    .map((scope) => ({ ...scope, failed: Number(scope.failed), total: Number(scope.total) }))
    .sort((a, b) => b.failed - a.failed || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit);
}
