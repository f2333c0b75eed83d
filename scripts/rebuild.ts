/** npm run rebuild — re-derives every projection table from the event log. */
import { closeDatabase, getStore } from "@/lib/server/db";
import { replayLog } from "@/lib/server/rebuild";

const started = performance.now();
const { events } = await replayLog(getStore());
console.log(`Rebuilt the projection from ${events} events in ${Math.round(performance.now() - started)} ms.`);
await closeDatabase();
