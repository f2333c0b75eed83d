import type { InputHTMLAttributes, ReactNode } from "react";
import { cn } from "./cn";

/** Class names of a text input or select, so every form looks the same. */
export const inputClasses =
  "block w-full rounded-md border border-line bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-faint focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30";

/** A labelled form control: the label above, pointing at the control's `id`. */
export function Field({ id, label, className, children }: { id: string; label: ReactNode; className?: string; children: ReactNode }) {
  return (
    <div className={cn("space-y-1", className)}>
      <label htmlFor={id} className="block text-xs font-medium text-ink">
        {label}
      </label>
      {children}
    </div>
  );
}

type TextInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className" | "value" | "onChange">;

/** A labelled text input; tests find it by its id (`data-testid` is the id). */
export function TextField({
  id,
  label,
  value,
  onValueChange,
  className,
  inputClassName,
  ...input
}: TextInputProps & { id: string; label: ReactNode; value: string; onValueChange: (value: string) => void; className?: string; inputClassName?: string }) {
  return (
    <Field id={id} label={label} className={className}>
      <input id={id} value={value} onChange={(event) => onValueChange(event.target.value)} className={cn(inputClasses, inputClassName)} data-testid={id} {...input} />
    </Field>
  );
}
