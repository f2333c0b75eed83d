"use client";

import { buttonClasses } from "@/components/ui/button";

/** Opens the browser's print dialog (Save as PDF); not printed itself. */
export function PrintButton() {
  return (
    <button type="button" className={buttonClasses("primary", "md", "print:hidden")} onClick={() => window.print()} data-testid="print-report">
      Print or save as PDF
    </button>
  );
}
