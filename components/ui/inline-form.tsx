import type { FormEvent } from "react";
import { Button } from "./button";
import { cn } from "./cn";

/**
 * One small input and its button on a line (a toolbar's "as of", "compare with"): the label is for
 * screen readers, the placeholder says what to type; `onSubmit` runs without a page load.
 */
export function InlineForm({
  id,
  label,
  value,
  onValueChange,
  placeholder,
  submitLabel,
  onSubmit,
  className,
  inputClassName,
  ariaLabel,
}: {
  id: string;
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  placeholder: string;
  submitLabel: string;
  onSubmit: () => void;
  className?: string;
  inputClassName?: string;
  /** The form's own name, when it is a landmark of the page. */
  ariaLabel?: string;
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit();
  }
  return (
    <form onSubmit={submit} className={cn("flex gap-1", className)} aria-label={ariaLabel}>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        placeholder={placeholder}
        className={cn("h-7 rounded-md border border-line bg-surface px-2 text-xs", inputClassName)}
      />
      <Button type="submit" size="sm">
        {submitLabel}
      </Button>
    </form>
  );
}
