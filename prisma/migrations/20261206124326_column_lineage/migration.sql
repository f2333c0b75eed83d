-- CreateTable
CREATE TABLE "FieldNode" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "datasetKey" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "dataset" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "seq" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "FieldEdge" (
    "sourceId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "transformations" TEXT NOT NULL,
    "transformationDescription" TEXT,
    "transformationType" TEXT,
    "isMasked" INTEGER NOT NULL DEFAULT 0,
    "versionKey" TEXT NOT NULL,
    "runId" TEXT,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("sourceId", "targetId")
);

-- CreateTable
CREATE TABLE "DatasetField" (
    "versionKey" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "datasetKey" TEXT NOT NULL,
    "type" TEXT,
    "description" TEXT,
    "position" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("versionKey", "field")
);

-- CreateIndex
CREATE UNIQUE INDEX "FieldNode_key_key" ON "FieldNode"("key");

-- CreateIndex
CREATE INDEX "FieldNode_datasetKey_idx" ON "FieldNode"("datasetKey");

-- CreateIndex
CREATE INDEX "FieldEdge_targetId_sourceId_idx" ON "FieldEdge"("targetId", "sourceId");

-- CreateIndex
CREATE INDEX "DatasetField_datasetKey_idx" ON "DatasetField"("datasetKey");
