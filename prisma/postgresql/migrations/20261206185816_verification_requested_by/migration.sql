-- Who asked for the last full verification pass (null when it was due by itself); byte-wise text, as every other column.
-- AlterTable
ALTER TABLE "Verification" ADD COLUMN "fullRequestedBy" TEXT COLLATE "C";
