-- Every text column compares byte by byte (COLLATE "C"), as SQLite's BINARY does: names sort and
-- keyset pages turn the same on both backends, whatever locale the database was created with, and
-- prefix LIKE can use the indexes. Prisma's datamodel cannot say this, so it is written here, and
-- tests/db/migrations.test.ts checks that every text column of a migrated database has it.
-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Event" (
    "seq" SERIAL NOT NULL,
    "contentHash" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C" NOT NULL,
    "eventType" TEXT COLLATE "C",
    "eventTime" TEXT COLLATE "C" NOT NULL,
    "receivedAt" TEXT COLLATE "C" NOT NULL,
    "producer" TEXT COLLATE "C",
    "sender" TEXT COLLATE "C" NOT NULL,
    "runId" TEXT COLLATE "C",
    "jobKey" TEXT COLLATE "C",
    "payload" TEXT COLLATE "C" NOT NULL,
    "prevHash" TEXT COLLATE "C" NOT NULL,
    "hash" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "Node" (
    "id" SERIAL NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "type" TEXT COLLATE "C" NOT NULL,
    "namespace" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Edge" (
    "sourceId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "Edge_pkey" PRIMARY KEY ("sourceId","targetId")
);

-- CreateTable
CREATE TABLE "Job" (
    "nodeId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "namespace" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C",
    "description" TEXT COLLATE "C",
    "facets" TEXT COLLATE "C" NOT NULL,
    "latestRunId" TEXT COLLATE "C",
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "updatedAt" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("nodeId")
);

-- CreateTable
CREATE TABLE "Run" (
    "nodeId" INTEGER NOT NULL,
    "runId" TEXT COLLATE "C" NOT NULL,
    "jobKey" TEXT COLLATE "C" NOT NULL,
    "state" TEXT COLLATE "C" NOT NULL,
    "startedAt" TEXT COLLATE "C",
    "endedAt" TEXT COLLATE "C",
    "nominalTime" TEXT COLLATE "C",
    "parentRunId" TEXT COLLATE "C",
    "errorMessage" TEXT COLLATE "C",
    "stackTrace" TEXT COLLATE "C",
    "parameters" TEXT COLLATE "C" NOT NULL,
    "failedChecks" TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    "reason" TEXT COLLATE "C",
    "facets" TEXT COLLATE "C" NOT NULL,
    "jobFacets" TEXT COLLATE "C" NOT NULL,
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "updatedAt" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("nodeId")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "nodeId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "namespace" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C" NOT NULL,
    "description" TEXT COLLATE "C",
    "facets" TEXT COLLATE "C" NOT NULL,
    "latestVersionKey" TEXT COLLATE "C",
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "updatedAt" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("nodeId")
);

-- CreateTable
CREATE TABLE "DatasetVersion" (
    "nodeId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "datasetKey" TEXT COLLATE "C" NOT NULL,
    "version" TEXT COLLATE "C" NOT NULL,
    "producedByRunId" TEXT COLLATE "C",
    "reason" TEXT COLLATE "C",
    "contentHash" TEXT COLLATE "C",
    "isSynthetic" BOOLEAN NOT NULL DEFAULT false,
    "isFailed" BOOLEAN NOT NULL DEFAULT false,
    "failureReasons" TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    "facets" TEXT COLLATE "C" NOT NULL,
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "updatedAt" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "DatasetVersion_pkey" PRIMARY KEY ("nodeId")
);

-- CreateTable
CREATE TABLE "RunDataset" (
    "runId" TEXT COLLATE "C" NOT NULL,
    "direction" TEXT COLLATE "C" NOT NULL,
    "datasetVersionKey" TEXT COLLATE "C" NOT NULL,
    "datasetKey" TEXT COLLATE "C" NOT NULL,
    "facets" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "RunDataset_pkey" PRIMARY KEY ("runId","direction","datasetVersionKey")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "username" TEXT COLLATE "C" NOT NULL,
    "passwordHash" TEXT COLLATE "C" NOT NULL,
    "role" TEXT COLLATE "C" NOT NULL DEFAULT 'admin',
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "updatedAt" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "tokenHash" TEXT COLLATE "C" NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "expiresAt" TEXT COLLATE "C" NOT NULL,
    "lastSeenAt" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" SERIAL NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "keyHash" TEXT COLLATE "C" NOT NULL,
    "prefix" TEXT COLLATE "C" NOT NULL,
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "createdBy" TEXT COLLATE "C" NOT NULL,
    "lastUsedAt" TEXT COLLATE "C",
    "revokedAt" TEXT COLLATE "C",
    "revokedBy" TEXT COLLATE "C",

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Share" (
    "id" TEXT COLLATE "C" NOT NULL,
    "tokenHash" TEXT COLLATE "C" NOT NULL,
    "viewKind" TEXT COLLATE "C" NOT NULL,
    "focusId" TEXT COLLATE "C" NOT NULL,
    "params" TEXT COLLATE "C" NOT NULL,
    "snapshot" TEXT COLLATE "C" NOT NULL,
    "nodeCount" INTEGER NOT NULL,
    "headSeq" INTEGER NOT NULL,
    "headHash" TEXT COLLATE "C" NOT NULL,
    "note" TEXT COLLATE "C",
    "createdBy" TEXT COLLATE "C" NOT NULL,
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "expiresAt" TEXT COLLATE "C",
    "revokedAt" TEXT COLLATE "C",
    "revokedBy" TEXT COLLATE "C",

    CONSTRAINT "Share_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventNode" (
    "seq" INTEGER NOT NULL,
    "nodeId" INTEGER NOT NULL,

    CONSTRAINT "EventNode_pkey" PRIMARY KEY ("seq","nodeId")
);

-- CreateTable
CREATE TABLE "Flag" (
    "flagId" TEXT COLLATE "C" NOT NULL,
    "versionKey" TEXT COLLATE "C" NOT NULL,
    "datasetKey" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C" NOT NULL,
    "severity" TEXT COLLATE "C" NOT NULL,
    "reason" TEXT COLLATE "C" NOT NULL,
    "createdBy" TEXT COLLATE "C" NOT NULL,
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "seq" INTEGER NOT NULL,
    "removedAt" TEXT COLLATE "C",
    "removedBy" TEXT COLLATE "C",
    "removedReason" TEXT COLLATE "C",
    "removedSeq" INTEGER,

    CONSTRAINT "Flag_pkey" PRIMARY KEY ("flagId")
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
CREATE INDEX "Event_eventTime_idx" ON "Event"("eventTime");

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

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_name_key" ON "ApiKey"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE UNIQUE INDEX "Share_tokenHash_key" ON "Share"("tokenHash");

-- CreateIndex
CREATE INDEX "Share_createdBy_createdAt_idx" ON "Share"("createdBy", "createdAt");

-- CreateIndex
CREATE INDEX "EventNode_nodeId_seq_idx" ON "EventNode"("nodeId", "seq");

-- CreateIndex
CREATE INDEX "Flag_versionKey_idx" ON "Flag"("versionKey");

-- CreateIndex
CREATE INDEX "Flag_seq_idx" ON "Flag"("seq");
