import type { ViewQueryProblem } from "@/lib/schemas/view-query";

/** What each part of a view address accepts, said as the fix. */
const FIX: Record<string, string> = {
  node: "Use a node id such as dataset:<namespace>:<name>, or open the node from search (Ctrl K).",
  depth: "Use a whole number of hops from 0 to 50, e.g. depth=2.",
  direction: "Use direction=upstream, downstream or both.",
  view: "Use view=entity or view=version.",
  limit: "Use a node budget from 1 to 20000, e.g. limit=300.",
  asOf: "Use an event number (asOf=182) or a date or time (asOf=2026-10-25 or 2026-10-25T00:00:00Z).",
  expand: "Each expand is up:<node id> or down:<node id>.",
  more: "Each more is down:<how many shown>:<node id> or up:<how many shown>:<node id>.",
  fold: "Use fold=1 (wide fan-outs folded, the default) or fold=0.",
  selected: "Use a node id such as run:<runId>.",
};

/**
 * A page whose address is not a valid view: every bad part, why, and how to fix it, instead of
 * quietly showing some other view (the API answers the same address with a 400).
 */
export function ViewAddressProblems({ problems, fixedHref }: { problems: ViewQueryProblem[]; fixedHref?: string }) {
  return (
    <div role="alert" data-testid="view-address-problems" className="mx-auto my-10 w-full max-w-2xl rounded-lg border border-danger/30 bg-danger-soft p-5 text-left">
      <p className="text-sm font-semibold text-danger">This address does not describe a view</p>
      <ul className="mt-2 space-y-2 text-sm text-ink">
        {problems.map((p, i) => {
          const field = p.field.split(".")[0];
          return (
            <li key={`${p.field}:${i}`}>
              <code className="font-mono text-xs">{p.field}</code>: {p.message}. <span className="text-ink-muted">{FIX[field] ?? ""}</span>
            </li>
          );
        })}
      </ul>
      {fixedHref ? (
        <p className="mt-3 text-sm">
          <a className="font-medium text-accent underline-offset-2 hover:underline" href={fixedHref} data-testid="view-address-fix">
            Open the view with these parts left at their defaults
          </a>
        </p>
      ) : null}
    </div>
  );
}
