-- The log's chain hash and job key are never looked up (verification walks seq; the audit log's
-- job filter goes through EventNode): their indexes only cost every append.
-- DropIndex
DROP INDEX "Event_hash_key";

-- DropIndex
DROP INDEX "Event_jobKey_idx";
