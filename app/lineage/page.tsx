import type { Metadata } from "next";
import { Suspense } from "react";
import { LineageExplorer } from "@/components/lineage/lineage-explorer";
import { getSqlite } from "@/lib/server/db";
import { describeNodes } from "@/lib/server/lineage";
import { nodeTitle } from "@/lib/lineage/node-title";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The tab names the node in view ("models/binding-affinity-ft · Explorer"), so tabs and history tell views apart. */
export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const param = (await searchParams).node;
  const id = Array.isArray(param) ? param[0] : param;
  if (!id) return { title: "Explorer" };
  const [node] = describeNodes(getSqlite(), [id]);
  return { title: node ? `${nodeTitle(node)} · Explorer` : "Explorer" };
}

// The explorer reads its state from the address on the client (useSearchParams), inside Suspense.
export default function LineagePage() {
  return (
    <Suspense fallback={<p className="p-6 text-sm text-ink-muted">Loading the explorer…</p>}>
      <LineageExplorer />
    </Suspense>
  );
}
