/**
 * npm run verify [-- --full] [-- --json] — checks the hash chain and that the projection equals a
 * replay of the log, sharing the result with the servers on the same database: records appended
 * since the last check are checked from its head on, and the whole log when no full pass is recent
 * (on SQLite, whenever this process cannot tell that nothing else wrote). `--full` checks the whole
 * log and replays the projection now. Exits 1 and names the first broken record when either fails.
 */
import { closeDatabase, getStore } from "@/lib/server/db";
import { verifyStore } from "@/lib/server/verification";

// A --full pass is the operator's request: recorded as asked for from the command line ("cli", the
// sender the command-line tools write as), not as a pass that was due by itself.
const isFull = process.argv.includes("--full");
const { signedHead: _signedHead, ...result } = await verifyStore(getStore(), { full: isFull, requestedBy: isFull ? "cli" : undefined, signer: null });
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(result));
} else {
  const { chain, projection, head } = result;
  console.log(
    chain.ok
      ? `Hash chain intact: ${chain.checked} events, head #${head?.seq ?? 0} ${head?.hash ?? "(empty log)"}`
      : `Hash chain BROKEN at event #${chain.firstBroken?.seq}: ${chain.firstBroken?.reason}`,
  );
  console.log(
    projection?.ok
      ? "Projection matches a replay of the log."
      : `Projection differs from the log: ${projection?.firstDifference?.table} ${projection?.firstDifference?.key} (${projection?.firstDifference?.reason})`,
  );
  if (result.fullCheck) {
    const asked = result.fullCheck.requestedBy ? `, asked for by ${result.fullCheck.requestedBy}` : "";
    console.log(`Last full pass: ${result.fullCheck.at} by ${result.fullCheck.by}${asked}; this check by ${result.verifiedBy}.`);
  }
}
await closeDatabase();
process.exit(result.ok ? 0 : 1);
