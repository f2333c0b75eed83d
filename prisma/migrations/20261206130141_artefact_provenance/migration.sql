-- CreateTable
CREATE TABLE "ArtefactDigest" (
    "digest" TEXT NOT NULL,
    "versionKey" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "mediaType" TEXT,
    "size" BIGINT,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("digest", "versionKey", "file")
);

-- CreateTable
CREATE TABLE "ArtefactWatermark" (
    "scheme" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "versionKey" TEXT NOT NULL,
    "keyId" TEXT,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("scheme", "payload", "versionKey")
);

-- CreateTable
CREATE TABLE "ArtefactSignature" (
    "versionKey" TEXT NOT NULL PRIMARY KEY,
    "namespace" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "signerKeyId" TEXT,
    "seq" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "Signer" (
    "keyId" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "namespaces" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "revokedAt" TEXT,
    "revokedBy" TEXT
);

-- CreateTable
CREATE TABLE "InstanceKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "privateKey" TEXT NOT NULL,
    "createdAt" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "ArtefactDigest_versionKey_idx" ON "ArtefactDigest"("versionKey");

-- CreateIndex
CREATE INDEX "ArtefactWatermark_versionKey_idx" ON "ArtefactWatermark"("versionKey");

-- CreateIndex
CREATE INDEX "ArtefactSignature_signerKeyId_idx" ON "ArtefactSignature"("signerKeyId");
