// Prisma CLI configuration. The CLI itself is only used for `prisma generate`; migrations are
// applied offline by scripts/db-migrate.ts (see docs/architecture.md).
import { defineConfig } from "prisma/config";
import { DEFAULT_DATABASE_URL } from "./lib/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL || DEFAULT_DATABASE_URL },
});
