-- Each node's edge counts on its row, kept by the projection as it writes edges (see the SQLite
-- migration of the same name): a view no longer counts a hub's Edge index entries per request.
-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "downstreamCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "upstreamCount" INTEGER NOT NULL DEFAULT 0;

-- Backfill from the edges already stored, one pass over Node (every row is rewritten once: run
-- VACUUM ANALYZE "Node" afterwards on a big store, so index-only reads of Node stay index-only).
UPDATE "Node" n SET "upstreamCount" = c."up", "downstreamCount" = c."down"
FROM (
  SELECT "id", SUM("up")::integer AS "up", SUM("down")::integer AS "down" FROM (
    SELECT "targetId" AS "id", COUNT(*) AS "up", 0 AS "down" FROM "Edge" GROUP BY "targetId"
    UNION ALL
    SELECT "sourceId" AS "id", 0 AS "up", COUNT(*) AS "down" FROM "Edge" GROUP BY "sourceId"
  ) AS per_direction GROUP BY "id"
) AS c
WHERE n."id" = c."id";
