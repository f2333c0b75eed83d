/**
 * Formatting shared by server and client components. Times are shown in UTC with the zone spelled
 * out: deterministic (no hydration mismatch between server and browser) and unambiguous in an audit.
 */

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Duration between two ISO times, when both are known. */
export function durationBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null;
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** "3 h ago" relative to `now`; falls back to the date for anything older than a month. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const then = new Date(iso).getTime();
  if (!Number.isFinite(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 0) return formatDateTime(iso);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  if (seconds < 86400 * 31) return `${Math.floor(seconds / 86400)} d ago`;
  return formatDateTime(iso);
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

/** A run id is a UUID; its first block is enough to tell runs apart in a list. */
export function shortRunId(runId: string): string {
  return runId.length > 13 ? runId.slice(0, 8) : runId;
}

/** Compact UTC time for node boxes, where space is short: "2026-11-02 22:05". */
export function formatShortDateTime(iso: string | null | undefined): string {
  const full = formatDateTime(iso);
  return full.endsWith(" UTC") ? full.slice(0, -4) : full;
}
