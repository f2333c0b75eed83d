-- Roles (viewer, editor, admin) for API keys. Keys made before roles existed could write, so they
-- become editors. People were all admins (User.role already defaulted to admin) and stay so.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'editor',
    "createdAt" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "lastUsedAt" TEXT,
    "revokedAt" TEXT,
    "revokedBy" TEXT
);
INSERT INTO "new_ApiKey" ("createdAt", "createdBy", "id", "keyHash", "lastUsedAt", "name", "prefix", "revokedAt", "revokedBy") SELECT "createdAt", "createdBy", "id", "keyHash", "lastUsedAt", "name", "prefix", "revokedAt", "revokedBy" FROM "ApiKey";
DROP TABLE "ApiKey";
ALTER TABLE "new_ApiKey" RENAME TO "ApiKey";
CREATE UNIQUE INDEX "ApiKey_name_key" ON "ApiKey"("name");
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
