/**
 * npm run verify [-- --json] — recomputes the hash chain and checks that the projection equals a
 * replay of the log. Exits 1 and names the first broken record when either fails.
 */
import { closeDatabase, getStore } from "@/lib/server/db";
import { verifyChain } from "@/lib/server/event-log";
import { verifyProjection } from "@/lib/server/rebuild";

const store = getStore();
const chain = await verifyChain(store);
const projection = await verifyProjection(store);
const ok = chain.ok && projection.ok;
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ ok, chain, projection }));
} else {
  console.log(
    chain.ok
      ? `Hash chain intact: ${chain.checked} events, head #${chain.head?.seq ?? 0} ${chain.head?.hash ?? "(empty log)"}`
      : `Hash chain BROKEN at event #${chain.firstBroken?.seq}: ${chain.firstBroken?.reason}`,
  );
  console.log(
    projection.ok
      ? "Projection matches a replay of the log."
      : `Projection differs from the log: ${projection.firstDifference?.table} ${projection.firstDifference?.key} (${projection.firstDifference?.reason})`,
  );
}
await closeDatabase();
process.exit(ok ? 0 : 1);
