/**
 * npm run store:copy -- --from <DATABASE_URL> --to <DATABASE_URL>
 * Moves a store, for example from the embedded SQLite file to PostgreSQL: migrates the target,
 * refuses it unless it is empty, copies the event log record for record (projecting it again on
 * the target) with a progress bar, and the producers' keys and Threadline's signing key with it,
 * then checks that both heads are equal and the copy's chain verifies. Exit codes: 0 copied, 1 failed, 2 usage, 3 refused (target not empty, source broken).
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError, parseDatabaseUrl, redactUrl, type DatabaseLocation } from "@/lib/config";
import { openStore } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { copyStore } from "@/lib/server/store-copy";
import { verifyProjection } from "@/lib/server/rebuild";
import { applyPendingMigrations, getDefaultPaths } from "./lib/migrations";

const USAGE = "Usage: npm run store:copy -- --from file:./data/threadline.db --to postgresql://user:password@host:5432/threadline";

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function progress(done: number, total: number): void {
  if (!process.stderr.isTTY || total === 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} events`);
  if (done === total) process.stderr.write("\n");
}

/** What store:copy carried over besides the log, in words. */
function describeKeys({ producerKeys, signingKey }: { producerKeys: number; signingKey: "copied" | "replaced" | "none" }): string {
  const producers = `${producerKeys} producer key${producerKeys === 1 ? "" : "s"}`;
  if (signingKey === "none") return `carried over: ${producers}; the source has no signing key of its own (nothing to carry).`;
  const replaced = signingKey === "replaced" ? ", in place of the one a server made on the empty target" : "";
  return `carried over: ${producers} and Threadline's signing key${replaced} (what it signed before still verifies).`;
}

async function migrate(location: DatabaseLocation): Promise<void> {
  const root = process.cwd();
  const paths = getDefaultPaths(root, location.kind);
  if (location.kind === "postgresql") await applyPendingMigrations({ ...paths, target: { backend: "postgresql", connection: location.connection } });
  else await applyPendingMigrations({ ...paths, databasePath: path.resolve(root, location.file) });
}

const from = option("--from");
const to = option("--to");
if (!from || !to || process.argv.includes("--help")) {
  console.log(USAGE);
  process.exit(from && to ? 0 : 2);
}

/** A store's location from one option, its errors naming the option rather than DATABASE_URL. */
function locationOf(name: "--from" | "--to", url: string): DatabaseLocation {
  try {
    return parseDatabaseUrl(url);
  } catch (error) {
    if (error instanceof ConfigError) throw new AppError("bad_request", error.message.replace(/^DATABASE_URL/, name));
    throw error;
  }
}

try {
  const source = locationOf("--from", from);
  const target = locationOf("--to", to);
  if (source.url === target.url) throw new AppError("bad_request", "--from and --to name the same store.");
  // Opening a SQLite file that is not there would create an empty one, and the copy would then
  // fail on a missing table: a mistyped --from is said as such, and leaves no file behind.
  if (source.kind === "sqlite" && source.file !== ":memory:" && !fs.existsSync(source.file)) {
    throw new AppError("bad_request", `--from names no SQLite store: ${source.file} does not exist (a relative file: URL is read from the project root).`);
  }
  await migrate(target);
  const sourceStore = openStore(source);
  const targetStore = openStore(target);
  try {
    const started = performance.now();
    const result = await copyStore(sourceStore, targetStore, progress);
    const projection = await verifyProjection(targetStore);
    const sameHead = result.sourceHead?.seq === result.targetHead?.seq && result.sourceHead?.hash === result.targetHead?.hash;
    console.log(
      `Copied ${result.events} events from ${redactUrl(source.url)} to ${redactUrl(target.url)} in ${Math.round(performance.now() - started)} ms.\n` +
        `  source head #${result.sourceHead?.seq ?? 0} ${result.sourceHead?.hash ?? "(empty log)"}\n` +
        `  target head #${result.targetHead?.seq ?? 0} ${result.targetHead?.hash ?? "(empty log)"}${sameHead ? " (equal)" : " (DIFFERENT)"}\n` +
        `  target chain ${result.chain.ok ? "intact" : `BROKEN at #${result.chain.firstBroken?.seq}`}, projection ${projection.ok ? "matches a replay of the log" : "DIFFERS"}\n` +
        `  ${describeKeys(result)}`,
    );
    process.exitCode = sameHead && result.chain.ok && projection.ok ? 0 : 1;
  } finally {
    await sourceStore.close();
    await targetStore.close();
  }
} catch (error) {
  console.error(`store:copy: ${(error as Error).message}`);
  process.exitCode = error instanceof AppError && error.code === "conflict" ? 3 : 1;
}
