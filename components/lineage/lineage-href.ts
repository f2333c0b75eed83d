/**
 * URL of the lineage page for a node; the one place this address is built. The node opens
 * selected, so its side panel (a run's error, a version's failed checks) shows at once.
 */
export function lineageHref(id: string, extra?: Record<string, string>): string {
  const params = new URLSearchParams({ node: id, selected: id, ...extra });
  return `/lineage?${params.toString()}`;
}
