-- CreateTable
CREATE TABLE "Event" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "contentHash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "eventType" TEXT,
    "eventTime" TEXT NOT NULL,
    "receivedAt" TEXT NOT NULL,
    "producer" TEXT,
    "sender" TEXT NOT NULL,
    "runId" TEXT,
    "jobKey" TEXT,
    "payload" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Node" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "seq" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "Edge" (
    "sourceId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("sourceId", "targetId")
);

-- CreateTable
CREATE TABLE "Job" (
    "nodeId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT,
    "description" TEXT,
    "facets" TEXT NOT NULL,
    "latestRunId" TEXT,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Run" (
    "nodeId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "jobKey" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "startedAt" TEXT,
    "endedAt" TEXT,
    "nominalTime" TEXT,
    "parentRunId" TEXT,
    "errorMessage" TEXT,
    "stackTrace" TEXT,
    "parameters" TEXT NOT NULL,
    "failedChecks" TEXT NOT NULL DEFAULT '[]',
    "reason" TEXT,
    "facets" TEXT NOT NULL,
    "jobFacets" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Dataset" (
    "nodeId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT,
    "facets" TEXT NOT NULL,
    "latestVersionKey" TEXT,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "DatasetVersion" (
    "nodeId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "datasetKey" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "producedByRunId" TEXT,
    "reason" TEXT,
    "contentHash" TEXT,
    "isSynthetic" BOOLEAN NOT NULL DEFAULT false,
    "isFailed" BOOLEAN NOT NULL DEFAULT false,
    "failureReasons" TEXT NOT NULL DEFAULT '[]',
    "facets" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL,
    "updatedAt" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "RunDataset" (
    "runId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "datasetVersionKey" TEXT NOT NULL,
    "datasetKey" TEXT NOT NULL,
    "facets" TEXT NOT NULL,

    PRIMARY KEY ("runId", "direction", "datasetVersionKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "Event_contentHash_key" ON "Event"("contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "Event_hash_key" ON "Event"("hash");

-- CreateIndex
CREATE INDEX "Event_runId_idx" ON "Event"("runId");

-- CreateIndex
CREATE INDEX "Event_jobKey_idx" ON "Event"("jobKey");

-- CreateIndex
CREATE INDEX "Event_receivedAt_idx" ON "Event"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Node_key_key" ON "Node"("key");

-- CreateIndex
CREATE INDEX "Node_type_name_idx" ON "Node"("type", "name");

-- CreateIndex
CREATE INDEX "Node_name_idx" ON "Node"("name");

-- CreateIndex
CREATE INDEX "Edge_targetId_sourceId_idx" ON "Edge"("targetId", "sourceId");

-- CreateIndex
CREATE UNIQUE INDEX "Job_key_key" ON "Job"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Run_runId_key" ON "Run"("runId");

-- CreateIndex
CREATE INDEX "Run_jobKey_startedAt_idx" ON "Run"("jobKey", "startedAt");

-- CreateIndex
CREATE INDEX "Run_parentRunId_idx" ON "Run"("parentRunId");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_key_key" ON "Dataset"("key");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetVersion_key_key" ON "DatasetVersion"("key");

-- CreateIndex
CREATE INDEX "DatasetVersion_datasetKey_createdAt_idx" ON "DatasetVersion"("datasetKey", "createdAt");

-- CreateIndex
CREATE INDEX "DatasetVersion_producedByRunId_idx" ON "DatasetVersion"("producedByRunId");

-- CreateIndex
CREATE INDEX "RunDataset_datasetVersionKey_idx" ON "RunDataset"("datasetVersionKey");

-- CreateIndex
CREATE INDEX "RunDataset_datasetKey_idx" ON "RunDataset"("datasetKey");
