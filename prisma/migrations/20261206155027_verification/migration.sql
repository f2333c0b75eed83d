-- CreateTable
CREATE TABLE "Verification" (
    "scope" TEXT NOT NULL PRIMARY KEY,
    "headSeq" INTEGER,
    "headHash" TEXT,
    "result" TEXT,
    "verifiedAt" TEXT,
    "verifiedBy" TEXT,
    "fullAt" TEXT,
    "fullBy" TEXT,
    "fullPasses" INTEGER NOT NULL DEFAULT 0,
    "leaseHolder" TEXT,
    "leaseUntil" TEXT
);
