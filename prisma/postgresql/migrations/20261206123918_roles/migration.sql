-- Roles (viewer, editor, admin) for API keys. Keys made before roles existed could write, so they
-- become editors. People were all admins (User.role already defaulted to admin) and stay so.
-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "role" TEXT COLLATE "C" NOT NULL DEFAULT 'editor';
