-- Who asked for the last full verification pass (null when it was due by itself).
-- AlterTable
ALTER TABLE "Verification" ADD COLUMN "fullRequestedBy" TEXT;
