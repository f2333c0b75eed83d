/**
 * npm run backup -- <file> — an online backup of the store (DATABASE_URL) into a new file, safe while
 * the server runs and writes. The copy is checked (SQLite integrity, hash chain) before it is kept.
 */
import { backupStore } from "@/lib/server/backup";
import { DEFAULT_DATABASE_URL, getConfig } from "@/lib/config";

const args = process.argv.slice(2);
const destination = args.find((a) => !a.startsWith("--"));
if (!destination || args.includes("--help")) {
  console.log(`Usage: npm run backup -- <backup-file>   (the store is DATABASE_URL, default ${DEFAULT_DATABASE_URL})`);
  process.exit(destination ? 0 : 2);
}

const location = getConfig().DATABASE_URL;
if (location.kind !== "sqlite") {
  console.error("npm run backup copies a SQLite store. Back a PostgreSQL store up with pg_dump or your provider's managed backups.");
  process.exit(2);
}
const source = location.file;
const started = performance.now();
try {
  const report = await backupStore(source, destination);
  const took = Math.round(performance.now() - started);
  if (args.includes("--json")) console.log(JSON.stringify({ ok: true, source, ...report, ms: took }));
  else
    console.log(
      `Backed up ${source} to ${report.file}: ${report.events} events, ${report.bytes} bytes, hash chain intact ` +
        `(head #${report.chain.head?.seq ?? 0} ${report.chain.head?.hash ?? "(empty log)"}), ${took} ms.`,
    );
} catch (error) {
  console.error(`backup failed: ${(error as Error).message}`);
  process.exit(1);
}
