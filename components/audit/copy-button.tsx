"use client";

import { useState } from "react";
import { cn } from "@/components/ui/cn";

/** Copies a value (a full hash) to the clipboard and says so. */
export function CopyButton({ value, label, className }: { value: string; label: string; className?: string }) {
  const [isCopied, setIsCopied] = useState(false);
  return (
    <button
      type="button"
      className={cn(
        "inline-flex h-6 items-center rounded border border-line px-1.5 text-[11px] font-medium text-ink-muted hover:bg-surface-muted hover:text-ink print:hidden",
        className,
      )}
      aria-label={label}
      title={label}
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(
          () => {
            setIsCopied(true);
            setTimeout(() => setIsCopied(false), 1500);
          },
          () => setIsCopied(false),
        );
      }}
    >
      {isCopied ? "Copied" : "Copy"}
    </button>
  );
}
