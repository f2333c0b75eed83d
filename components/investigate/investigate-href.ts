/** The address of the investigate view; the one place it is built. */
export function investigateHref(node: string, extra: { compare?: string | null; asOf?: string | null } = {}): string {
  const params = new URLSearchParams({ node });
  if (extra.compare) params.set("compare", extra.compare);
  if (extra.asOf) params.set("asOf", extra.asOf);
  return `/investigate?${params.toString()}`;
}

/** The common-causes page of a job or a dataset (a version or run stands for its dataset or job). */
export function causesHref(node: string): string {
  return `/investigate/causes?${new URLSearchParams({ node }).toString()}`;
}
