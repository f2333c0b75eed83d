import type { ReactNode } from "react";
import { cn } from "./cn";

/** Why an action failed, in the API's words; announced as it appears (role="alert"). */
export function ErrorMessage({ children, className, testId }: { children: ReactNode; className?: string; testId?: string }) {
  return (
    <p role="alert" className={cn("rounded-md bg-danger-soft px-3 py-2 text-sm text-danger", className)} data-testid={testId}>
      {children}
    </p>
  );
}
