import "server-only";
import { MAX_SEQ, type Queryable } from "./store/types";
import { AppError } from "./errors";
import { isAsOfValue } from "@/lib/schemas/view-query";

/**
 * As-of views: a view "as of" a point shows only what the log held up to one event. The point is
 * given either as a sequence number (`asOf=182`) or as a time (`asOf=2026-10-25T00:00:00Z`).
 *
 * A time maps to the end of the longest prefix of the log whose events all happened (eventTime)
 * at or before it: the last seq before the first event that happened later. A prefix, never a
 * filter on event time, because the projection is a function of the log in order: a prefix is
 * always a state the store was really in, never an effect without its cause. (An event that
 * arrives late with an old eventTime is therefore only shown once the log has caught up to it.)
 */

export interface AsOfPoint {
  seq: number;
  /** eventTime of that event (ISO-8601), or the requested time; null when the log is empty. */
  time: string | null;
}

const INTEGER = /^\d+$/;

/** The event time of one log entry. */
export async function eventTimeOf(db: Queryable, seq: number): Promise<string | null> {
  const row = await db.get<{ eventTime: string }>(`SELECT "eventTime" FROM "Event" WHERE "seq" = ?`, [seq]);
  return row?.eventTime ?? null;
}

/** The last sequence number at or before `time` (see the module comment); 0 when nothing was. */
export async function seqAtTime(db: Queryable, time: string): Promise<number> {
  const later = await db.get<{ seq: number }>(`SELECT "seq" FROM "Event" WHERE "eventTime" > ? ORDER BY "seq" LIMIT 1`, [time]);
  if (later) return later.seq - 1;
  return (await db.get<{ seq: number | null }>(`SELECT MAX("seq") AS "seq" FROM "Event"`))?.seq ?? 0;
}

/**
 * Reads an `asOf` query value: undefined when absent or empty, a seq for an integer, the mapped seq
 * for an RFC 3339 / ISO-8601 time; anything else is a 400 naming the parameter.
 */
export async function resolveAsOf(db: Queryable, raw: string | null | undefined, name = "asOf"): Promise<AsOfPoint | undefined> {
  if (raw === null || raw === undefined || raw.trim() === "") return undefined;
  const value = raw.trim();
  if (INTEGER.test(value)) {
    const seq = Number(value);
    if (!Number.isSafeInteger(seq)) throw badAsOf(name, value);
    // Past the largest integer a store column holds there is no such event either.
    return { seq, time: seq <= MAX_SEQ ? await eventTimeOf(db, seq) : null };
  }
  if (!isAsOfValue(value)) throw badAsOf(name, value);
  // A date alone means the end of that day (UTC): "as of 2026-10-24" includes the 24th.
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);
  const time = new Date(ms).toISOString();
  return { seq: await seqAtTime(db, time), time };
}

function badAsOf(name: string, value: string): AppError {
  return new AppError("bad_request", `${name} must be an event sequence number or an ISO-8601 time.`, [
    { path: name, message: `expected e.g. 182 or 2026-10-25T00:00:00Z, got ${value}` },
  ]);
}
