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

/**
 * How long ago `iso` was, always in the same relative form ("just now", "12 min ago", "5 h ago",
 * "3 d ago", "4 mo ago", "2 y ago"; "in 3 h" for a clock ahead of ours), so a list sorted by time
 * reads in one unit of thought. Lists pair it with the exact UTC time in a tooltip (RelativeTime).
 */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const then = new Date(iso).getTime();
  if (!Number.isFinite(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  const span = Math.abs(seconds);
  if (span < 60) return "just now";
  const minutes = Math.floor(span / 60);
  const hours = Math.floor(span / 3600);
  const days = Math.floor(span / 86400);
  const amount =
    minutes < 60 ? `${minutes} min` : hours < 48 ? `${hours} h` : days < 60 ? `${days} d` : days < 365 ? `${Math.floor(days / 30.44)} mo` : `${Math.floor(days / 365.25)} y`;
  return seconds < 0 ? `in ${amount}` : `${amount} ago`;
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
