/** The address of the investigate view; the one place it is built. */
export function investigateHref(node: string, extra: { compare?: string | null; asOf?: string | null } = {}): string {
  const params = new URLSearchParams({ node });
  if (extra.compare) params.set("compare", extra.compare);
  if (extra.asOf) params.set("asOf", extra.asOf);
  return `/investigate?${params.toString()}`;
}
