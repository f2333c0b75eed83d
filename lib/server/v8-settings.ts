import "server-only";
import { setFlagsFromString } from "node:v8";

/**
 * V8 settings the server gives itself when it starts (instrumentation.ts), where no way of
 * starting it can leave them out: Node refuses these in NODE_OPTIONS, where `npm start` sets the
 * heap's sizes.
 *
 * `--no-allocation-site-pretenuring`: V8 allocates an object literal's objects straight into the
 * old generation once most of them from that place in the code outlive a scavenge. A big view
 * holds some 2,000 described rows and 2,000 nodes (and the driver's rows) until its answer is
 * written, so those places turn "old" after a few requests and every request after puts megabytes
 * into the old generation that only a mark-compact frees: one every ~12 requests at 1M edges on
 * PostgreSQL, with its pause and its marking threads on two cores shared with the database, the
 * slowest requests of a pass. Off, those objects die young like the request's other garbage
 * (docs/benchmarks.md, "The tail of the 2,000-node read").
 */
export const SERVER_V8_FLAGS = ["--no-allocation-site-pretenuring"] as const;

export function applyServerV8Flags(): void {
  for (const flag of SERVER_V8_FLAGS) setFlagsFromString(flag);
}
