/**
 * npm run restore -- <backup-file> [--force] [--target <file>] — restores a backup into the store
 * (DATABASE_URL, or --target). Checks the backup's integrity and hash chain first; refuses to
 * overwrite a store that holds events or that a running server has open, unless --force.
 * Exit codes: 0 restored, 1 failed, 2 usage, 3 refused.
 */
import { restoreStore, RestoreRefused } from "@/lib/server/backup";
import { getConfig } from "@/lib/config";

const args = process.argv.slice(2);
const targetAt = args.indexOf("--target");
const location = getConfig().DATABASE_URL;
if (targetAt < 0 && location.kind !== "sqlite") {
  console.error("npm run restore restores a SQLite store. Restore a PostgreSQL store with pg_restore, or copy a SQLite backup across with npm run store:copy.");
  process.exit(2);
}
const target = targetAt >= 0 ? args[targetAt + 1] : location.kind === "sqlite" ? location.file : undefined;
const backup = args.find((a, i) => !a.startsWith("--") && (targetAt < 0 || i !== targetAt + 1));
if (!backup || !target || args.includes("--help")) {
  console.log("Usage: npm run restore -- <backup-file> [--force] [--target <store-file>]");
  process.exit(backup ? 0 : 2);
}

try {
  const report = await restoreStore(backup, target, { force: args.includes("--force") });
  console.log(
    `Restored ${backup} into ${report.file}: ${report.events} events, hash chain intact ` +
      `(head #${report.chain.head?.seq ?? 0} ${report.chain.head?.hash ?? "(empty log)"}).` +
      " Run npm run verify to check the projection too; restart a server that had the store open.",
  );
} catch (error) {
  console.error(`restore ${error instanceof RestoreRefused ? "refused" : "failed"}: ${(error as Error).message}`);
  process.exit(error instanceof RestoreRefused ? 3 : 1);
}
