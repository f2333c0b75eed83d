// `npm run ingest` of 100,000 events from an NDJSON file, end to end, as a person runs it.
import { measureCliIngest } from "../lib/ingest-bench";
import { round } from "../../harness/stats";
import type { Scenario } from "../scenario";

const EVENTS = 100_000;

export const cliIngestScenario: Scenario = {
  name: "ingest",
  async run(ctx) {
    ctx.log(`npm run ingest of ${EVENTS} events from an NDJSON file…`);
    const c = await measureCliIngest(ctx.work, { events: EVENTS, seed: ctx.seed + 3 });
    ctx.log(`  ${round(c.wallMs / 1000)} s end to end: ${Math.round(c.eventsPerSecond)} events/s; it said "${c.reported}"`);
    ctx.figures.cliIngest = c;
  },
  checks(f, checks) {
    const c = f.cliIngest;
    if (!c) return;
    checks.add({
      name: `npm run ingest (${c.events / 1000}k events from NDJSON)`,
      value: round(c.eventsPerSecond),
      unit: "events/s",
      target: "reported",
      isMet: true,
      note: `${round(c.wallMs / 1000)} s end to end; it said "${c.reported}"`,
    });
  },
  report(f, out) {
    const c = f.cliIngest;
    if (!c) return;
    out();
    out(`npm run ingest, ${c.events} events from an NDJSON file: ${round(c.wallMs / 1000)} s end to end, ${Math.round(c.eventsPerSecond)} events/s (it said "${c.reported}")`);
  },
};
