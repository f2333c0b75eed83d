/**
 * What changed between two steps of a node's history: pure functions the side panel's timeline and
 * the lineage diff both use.
 */

export interface ParameterLike {
  key: string;
  value: string;
}

export interface ParameterChange {
  key: string;
  from: string | null;
  to: string | null;
}

/** Parameters whose value differs, appeared or disappeared, sorted by key. */
export function diffParameters(before: readonly ParameterLike[], after: readonly ParameterLike[]): ParameterChange[] {
  const a = new Map(before.map((p) => [p.key, p.value]));
  const b = new Map(after.map((p) => [p.key, p.value]));
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: ParameterChange[] = [];
  for (const key of keys) {
    const from = a.get(key) ?? null;
    const to = b.get(key) ?? null;
    if (from !== to) changes.push({ key, from, to });
  }
  return changes;
}

/** Members added to and removed from a set, each sorted. */
export function diffSets(before: Iterable<string>, after: Iterable<string>): { added: string[]; removed: string[] } {
  const a = new Set(before);
  const b = new Set(after);
  return {
    added: [...b].filter((x) => !a.has(x)).sort(),
    removed: [...a].filter((x) => !b.has(x)).sort(),
  };
}
