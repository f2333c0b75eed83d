-- Each node's edge counts on its row (Node.upstreamCount, Node.downstreamCount), kept by the
-- projection as it writes edges: a view read them per node from the two Edge indexes, which for a
-- hub meant counting its tens of thousands of index entries on every request that showed it.
-- ADD COLUMN rather than a redefined table: the table is not copied, only its rows backfilled.
-- AlterTable
ALTER TABLE "Node" ADD COLUMN "upstreamCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Node" ADD COLUMN "downstreamCount" INTEGER NOT NULL DEFAULT 0;

-- Backfill from the edges already stored (each count one range of an Edge index).
UPDATE "Node" SET
  "upstreamCount" = (SELECT COUNT(*) FROM "Edge" WHERE "Edge"."targetId" = "Node"."id"),
  "downstreamCount" = (SELECT COUNT(*) FROM "Edge" WHERE "Edge"."sourceId" = "Node"."id");
