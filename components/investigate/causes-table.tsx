import Link from "next/link";
import type { CausesView } from "@/lib/lineage/investigate-view";
import { Card, CardHeader } from "@/components/ui/card";

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)} %`);

/** Upstream factors ranked by how much more often they sit behind failed outputs than passing ones. */
export function CausesTable({ causes, limit = 12 }: { causes: CausesView; limit?: number }) {
  return (
    <Card aria-labelledby="causes-heading" data-testid="causes-card">
      <CardHeader
        title={<span id="causes-heading">Common causes across {causes.scope.label}</span>}
        description={`${causes.failed} of ${causes.total} outputs failed (${pct(causes.baseRate)}). Factors behind at least two failed outputs, ranked by score = share of failed outputs with the factor minus share of passing ones; a factor behind everything scores 0 (lift 1). Each says where it sits: a factor set or read runs further up is not a setting of the failed run itself, and "transitive" marks one no output's own run had.`}
      />
      {causes.causes.length === 0 ? (
        <p className="px-4 py-3 text-sm text-ink-muted">
          {causes.failed === 0 ? "No output failed: nothing to explain." : causes.passing === 0 ? "Every output failed: nothing to contrast with." : "No factor stands out."}
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="causes-table">
            <thead>
              <tr className="border-b border-line text-left text-xs text-ink-muted">
                <th scope="col" className="px-4 py-2 font-medium">#</th>
                <th scope="col" className="px-2 py-2 font-medium">Factor</th>
                <th scope="col" className="px-2 py-2 text-right font-medium" title="Failed outputs with the factor / passing outputs with it">Failed / passing with it</th>
                <th scope="col" className="px-2 py-2 text-right font-medium">Failure rate with</th>
                <th scope="col" className="px-2 py-2 text-right font-medium">without</th>
                <th scope="col" className="px-2 py-2 text-right font-medium">Lift</th>
                <th scope="col" className="px-4 py-2 text-right font-medium">Score</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {causes.causes.slice(0, limit).map((c, i) => (
                <tr key={c.key} data-testid="cause-row" className="align-top">
                  <td className="px-4 py-2 tabular-nums text-ink-faint">{i + 1}</td>
                  <td className="px-2 py-2">
                    <span className="mr-1.5 rounded bg-surface-muted px-1 text-[10px] font-semibold uppercase text-ink-muted">{c.kind}</span>
                    <Link href={c.href} className="break-all font-medium text-ink underline decoration-dotted hover:text-accent" data-testid="cause-link">
                      {c.label}
                    </Link>
                    {c.isTransitive ? (
                      <span className="ml-1.5 rounded border border-line px-1 text-[10px] font-semibold uppercase text-ink-muted" title="Never set or read by the run that made an output: it reaches them only through other runs" data-testid="cause-transitive">
                        transitive
                      </span>
                    ) : null}
                    <span className="block text-xs text-ink-muted" data-testid="cause-place">
                      {c.place} · behind {c.failedWith} of {causes.failed} failed and {c.passingWith} of {causes.passing} passing outputs
                    </span>
                    {c.alsoPresent.length > 0 ? (
                      <details className="mt-0.5 text-xs text-ink-muted">
                        <summary className="cursor-pointer">always together with {c.alsoPresent.length} more</summary>
                        <ul className="mt-1 list-disc pl-4">
                          {c.alsoPresent.slice(0, 12).map((x) => (
                            <li key={x.key} className="break-all">{x.label}</li>
                          ))}
                          {c.alsoPresent.length > 12 ? <li>…and {c.alsoPresent.length - 12} more</li> : null}
                        </ul>
                      </details>
                    ) : null}
                  </td>
                  <td className="px-2 py-2 text-right tabular-nums">{c.failedWith} / {c.passingWith}</td>
                  <td className="px-2 py-2 text-right tabular-nums">{pct(c.rateWith)}</td>
                  <td className="px-2 py-2 text-right tabular-nums">{pct(c.rateWithout)}</td>
                  <td className="px-2 py-2 text-right tabular-nums">{c.lift.toFixed(2)}</td>
                  <td className="px-4 py-2 text-right font-semibold tabular-nums">{c.score.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
