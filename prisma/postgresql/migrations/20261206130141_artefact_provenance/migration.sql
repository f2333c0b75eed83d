-- Text columns compare byte by byte (COLLATE "C"), as in every migration (see the init migration).
-- CreateTable
CREATE TABLE "ArtefactDigest" (
    "digest" TEXT COLLATE "C" NOT NULL,
    "versionKey" TEXT COLLATE "C" NOT NULL,
    "file" TEXT COLLATE "C" NOT NULL,
    "mediaType" TEXT COLLATE "C",
    "size" BIGINT,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "ArtefactDigest_pkey" PRIMARY KEY ("digest","versionKey","file")
);

-- CreateTable
CREATE TABLE "ArtefactWatermark" (
    "scheme" TEXT COLLATE "C" NOT NULL,
    "payload" TEXT COLLATE "C" NOT NULL,
    "versionKey" TEXT COLLATE "C" NOT NULL,
    "keyId" TEXT COLLATE "C",
    "seq" INTEGER NOT NULL,

    CONSTRAINT "ArtefactWatermark_pkey" PRIMARY KEY ("scheme","payload","versionKey")
);

-- CreateTable
CREATE TABLE "ArtefactSignature" (
    "versionKey" TEXT COLLATE "C" NOT NULL,
    "namespace" TEXT COLLATE "C" NOT NULL,
    "contentHash" TEXT COLLATE "C" NOT NULL,
    "signature" TEXT COLLATE "C" NOT NULL,
    "signerKeyId" TEXT COLLATE "C",
    "seq" INTEGER NOT NULL,

    CONSTRAINT "ArtefactSignature_pkey" PRIMARY KEY ("versionKey")
);

-- CreateTable
CREATE TABLE "Signer" (
    "keyId" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "publicKey" TEXT COLLATE "C" NOT NULL,
    "namespaces" TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    "createdAt" TEXT COLLATE "C" NOT NULL,
    "createdBy" TEXT COLLATE "C" NOT NULL,
    "revokedAt" TEXT COLLATE "C",
    "revokedBy" TEXT COLLATE "C",

    CONSTRAINT "Signer_pkey" PRIMARY KEY ("keyId")
);

-- CreateTable
CREATE TABLE "InstanceKey" (
    "id" TEXT COLLATE "C" NOT NULL,
    "privateKey" TEXT COLLATE "C" NOT NULL,
    "createdAt" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "InstanceKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ArtefactDigest_versionKey_idx" ON "ArtefactDigest"("versionKey");

-- CreateIndex
CREATE INDEX "ArtefactWatermark_versionKey_idx" ON "ArtefactWatermark"("versionKey");

-- CreateIndex
CREATE INDEX "ArtefactSignature_signerKeyId_idx" ON "ArtefactSignature"("signerKeyId");
