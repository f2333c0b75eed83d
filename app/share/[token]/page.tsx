import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getStore } from "@/lib/server/db";
import { getSharedNode, getSharedView, openShare } from "@/lib/server/shares";
import { SharedViewer } from "@/components/share/shared-view";

// Nothing here may be cached or indexed: a share is for its holder, and it can be revoked any time.
export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Shared lineage view", robots: { index: false, follow: false } };

// /share/<token> — a frozen, read-only view; an unknown, expired or revoked link shows nothing (404)
export default async function SharePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const store = getStore();
  const opened = await openShare(store, token);
  if (opened.status !== "active") notFound();
  const view = await getSharedView(store, token);
  const firstId = view.selectedId ?? view.graph.focus;
  const initialDetail = view.detailIds.includes(firstId) ? await getSharedNode(store, token, firstId) : null;
  return <SharedViewer token={token} view={view} initialDetail={initialDetail} />;
}
