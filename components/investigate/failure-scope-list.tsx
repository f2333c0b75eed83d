import Link from "next/link";
import type { FailureScope } from "@/lib/lineage/investigate-view";
import { causesHref } from "./investigate-href";

/** "3 of 10 runs failed" / "2 of 9 versions failed". */
export function failureShare(scope: FailureScope): string {
  return `${scope.failed} of ${scope.total} ${scope.type === "job" ? (scope.total === 1 ? "run" : "runs") : scope.total === 1 ? "version" : "versions"} failed`;
}

/** Jobs and output families with failures, each opening its common causes. */
export function FailureScopeList({ scopes, currentId }: { scopes: FailureScope[]; currentId?: string }) {
  return (
    <ul className="divide-y divide-line" data-testid="failure-scopes">
      {scopes.map((scope) => (
        <li key={scope.id}>
          <Link
            href={causesHref(scope.id)}
            aria-current={scope.id === currentId ? "page" : undefined}
            className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-2.5 hover:bg-surface-muted aria-[current=page]:bg-accent-soft"
            data-testid="failure-scope-link"
          >
            <span className="min-w-0">
              <span className="mr-1.5 rounded bg-surface-muted px-1 text-[10px] font-semibold uppercase text-ink-muted">{scope.type === "job" ? "job" : "outputs"}</span>
              <span className="break-all font-medium text-ink">{scope.name}</span>
              <span className="block truncate text-xs text-ink-muted">{scope.namespace}</span>
            </span>
            <span className="shrink-0 text-xs text-ink-muted" data-testid="failure-scope-share">{failureShare(scope)}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
