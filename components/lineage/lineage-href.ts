/** URL of the lineage page for a node; the one place this address is built. */
export function lineageHref(id: string, extra?: Record<string, string>): string {
  const params = new URLSearchParams({ node: id, ...extra });
  return `/lineage?${params.toString()}`;
}
