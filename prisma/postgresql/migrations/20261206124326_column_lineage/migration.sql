-- Text columns compare byte by byte (COLLATE "C"), as in every migration (see the init migration).
-- CreateTable
CREATE TABLE "FieldNode" (
    "id" SERIAL NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "datasetKey" TEXT COLLATE "C" NOT NULL,
    "namespace" TEXT COLLATE "C" NOT NULL,
    "dataset" TEXT COLLATE "C" NOT NULL,
    "field" TEXT COLLATE "C" NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "FieldNode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FieldEdge" (
    "sourceId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "transformations" TEXT COLLATE "C" NOT NULL,
    "transformationDescription" TEXT COLLATE "C",
    "transformationType" TEXT COLLATE "C",
    "isMasked" INTEGER NOT NULL DEFAULT 0,
    "versionKey" TEXT COLLATE "C" NOT NULL,
    "runId" TEXT COLLATE "C",
    "seq" INTEGER NOT NULL,

    CONSTRAINT "FieldEdge_pkey" PRIMARY KEY ("sourceId","targetId")
);

-- CreateTable
CREATE TABLE "DatasetField" (
    "versionKey" TEXT COLLATE "C" NOT NULL,
    "field" TEXT COLLATE "C" NOT NULL,
    "datasetKey" TEXT COLLATE "C" NOT NULL,
    "type" TEXT COLLATE "C",
    "description" TEXT COLLATE "C",
    "position" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "DatasetField_pkey" PRIMARY KEY ("versionKey","field")
);

-- CreateIndex
CREATE UNIQUE INDEX "FieldNode_key_key" ON "FieldNode"("key");

-- CreateIndex
CREATE INDEX "FieldNode_datasetKey_idx" ON "FieldNode"("datasetKey");

-- CreateIndex
CREATE INDEX "FieldEdge_targetId_sourceId_idx" ON "FieldEdge"("targetId", "sourceId");

-- CreateIndex
CREATE INDEX "DatasetField_datasetKey_idx" ON "DatasetField"("datasetKey");
