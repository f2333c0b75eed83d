-- What one event writes, fewer B-tree entries and pages (counted per table and index with
-- scripts/bench/wal-pages.ts): indexes no read uses go, and the two tables whose primary key is
-- their only content are stored in it (WITHOUT ROWID), so each row is one entry less.
-- Node.name (search has its own index; the audit log's namesakes use (type, name)),
-- Run.parentRunId, DatasetVersion.producedByRunId and RunDataset.datasetKey are never looked up.
-- DropIndex
DROP INDEX "Node_name_idx";

-- DropIndex
DROP INDEX "Run_parentRunId_idx";

-- DropIndex
DROP INDEX "DatasetVersion_producedByRunId_idx";

-- DropIndex
DROP INDEX "RunDataset_datasetKey_idx";

-- Edge and EventNode WITHOUT ROWID (Prisma's schema cannot state it; a migration that redefines
-- either table must keep the clause).
CREATE TABLE "new_Edge" (
    "sourceId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("sourceId", "targetId")
) WITHOUT ROWID;
INSERT INTO "new_Edge" ("sourceId", "targetId", "seq") SELECT "sourceId", "targetId", "seq" FROM "Edge";
DROP TABLE "Edge";
ALTER TABLE "new_Edge" RENAME TO "Edge";
CREATE INDEX "Edge_targetId_sourceId_idx" ON "Edge"("targetId", "sourceId");

CREATE TABLE "new_EventNode" (
    "seq" INTEGER NOT NULL,
    "nodeId" INTEGER NOT NULL,

    PRIMARY KEY ("seq", "nodeId")
) WITHOUT ROWID;
INSERT INTO "new_EventNode" ("seq", "nodeId") SELECT "seq", "nodeId" FROM "EventNode";
DROP TABLE "EventNode";
ALTER TABLE "new_EventNode" RENAME TO "EventNode";
CREATE INDEX "EventNode_nodeId_seq_idx" ON "EventNode"("nodeId", "seq");
