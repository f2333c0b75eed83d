import type { Metadata } from "next";
import { Suspense } from "react";
import { LineageExplorer } from "@/components/lineage/lineage-explorer";

export const metadata: Metadata = { title: "Explorer" };

// The explorer reads its state from the address on the client (useSearchParams), inside Suspense.
export default function LineagePage() {
  return (
    <Suspense fallback={<p className="p-6 text-sm text-ink-muted">Loading the explorer…</p>}>
      <LineageExplorer />
    </Suspense>
  );
}
