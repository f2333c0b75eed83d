"use client";

import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { isAsOfValue } from "@/lib/schemas/view-query";

/**
 * "As of": show a lineage view with only the events up to a time (or event number). The value
 * goes into the address (asOf=...), so the view can be shared; "Now" clears it.
 */
export function AsOfControl({ asOf, onChange, className }: { asOf: string | null | undefined; onChange: (asOf: string | null) => void; className?: string }) {
  const [text, setText] = useState(asOf ?? "");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(asOf ?? ""), [asOf]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    if (value === "") {
      onChange(null);
      return;
    }
    if (!isAsOfValue(value)) {
      setError("Use a date (2026-10-25), a time (2026-10-25T12:00:00Z) or an event number.");
      return;
    }
    setError(null);
    onChange(value);
  };

  return (
    <form onSubmit={submit} className={cn("flex items-center gap-1", className)} aria-label="Show the lineage as of a time" data-testid="as-of-control">
      <label htmlFor="explorer-as-of" className={cn("text-xs font-medium", asOf ? "text-warning" : "text-ink-muted")}>
        As of
      </label>
      <input
        id="explorer-as-of"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="now (date, time)"
        aria-invalid={error ? true : undefined}
        title={error ?? "A date, an ISO time or an event number; empty for now"}
        className={cn(
          "h-7 w-32 rounded-md border bg-surface px-2 text-xs",
          error ? "border-danger" : asOf ? "border-warning" : "border-line",
        )}
        data-testid="as-of-input"
      />
      {/* Enter submits; the button is there for pointer users once a value is typed. */}
      {text.trim() !== (asOf ?? "") ? (
        <Button type="submit" size="sm">
          Show
        </Button>
      ) : null}
      {asOf ? (
        <Button size="sm" variant="ghost" onClick={() => onChange(null)} data-testid="as-of-clear">
          Now
        </Button>
      ) : null}
      {error ? <span role="alert" className="sr-only">{error}</span> : null}
    </form>
  );
}
