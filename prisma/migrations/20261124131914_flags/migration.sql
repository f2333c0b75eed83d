-- CreateTable
CREATE TABLE "Flag" (
    "flagId" TEXT NOT NULL PRIMARY KEY,
    "versionKey" TEXT NOT NULL,
    "datasetKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "removedAt" TEXT,
    "removedBy" TEXT,
    "removedReason" TEXT,
    "removedSeq" INTEGER
);

-- CreateIndex
CREATE INDEX "Flag_versionKey_idx" ON "Flag"("versionKey");

-- CreateIndex
CREATE INDEX "Flag_seq_idx" ON "Flag"("seq");
