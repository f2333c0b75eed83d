-- Text columns compare byte by byte (COLLATE "C"), as in every other table.
-- CreateTable
CREATE TABLE "Verification" (
    "scope" TEXT COLLATE "C" NOT NULL,
    "headSeq" INTEGER,
    "headHash" TEXT COLLATE "C",
    "result" TEXT COLLATE "C",
    "verifiedAt" TEXT COLLATE "C",
    "verifiedBy" TEXT COLLATE "C",
    "fullAt" TEXT COLLATE "C",
    "fullBy" TEXT COLLATE "C",
    "fullPasses" INTEGER NOT NULL DEFAULT 0,
    "leaseHolder" TEXT COLLATE "C",
    "leaseUntil" TEXT COLLATE "C",

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("scope")
);
