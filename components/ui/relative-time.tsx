import { formatDateTime, formatRelative } from "@/components/format";

/**
 * When something happened, as lists show it: relative to `now` ("3 d ago"), with the exact UTC time
 * in its tooltip and in the machine-readable `dateTime`. One form for every list, so a column never
 * mixes "2 h ago" with "2026-10-20 16:45 UTC".
 */
export function RelativeTime({ iso, now, className }: { iso: string | null | undefined; now: number; className?: string }) {
  if (!iso) return <span className={className}>—</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)} className={className} data-testid="relative-time">
      {formatRelative(iso, now)}
    </time>
  );
}
