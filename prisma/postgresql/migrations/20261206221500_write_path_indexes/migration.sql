-- Indexes no read uses, paid for by every event (see the SQLite migration of the same name):
-- Node.name, Run.parentRunId, DatasetVersion.producedByRunId and RunDataset.datasetKey.
-- DropIndex
DROP INDEX "Node_name_idx";

-- DropIndex
DROP INDEX "Run_parentRunId_idx";

-- DropIndex
DROP INDEX "DatasetVersion_producedByRunId_idx";

-- DropIndex
DROP INDEX "RunDataset_datasetKey_idx";
