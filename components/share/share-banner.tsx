"use client";

import { useState } from "react";
import type { SharedView } from "@/lib/schemas/share";
import { formatDateTime } from "@/components/format";

const KIND_LABEL: Record<SharedView["share"]["viewKind"], string> = {
  graph: "Lineage graph",
  node: "Node",
  investigation: "Investigation",
};

/**
 * The strip above a shared view: that it is frozen and read-only, the log head it was taken at
 * ("as of event #N, chain hash H") and whether the log up to N still recomputes to H.
 */
export function ShareBanner({ view }: { view: SharedView }) {
  const { share, verification } = view;
  const [isCopied, setIsCopied] = useState(false);
  const shortHash = `${share.head.hash.slice(0, 12)}…${share.head.hash.slice(-6)}`;

  async function copyHash() {
    try {
      await navigator.clipboard.writeText(share.head.hash);
      setIsCopied(true);
      setTimeout(() => setIsCopied(false), 1500);
    } catch {
      setIsCopied(false);
    }
  }

  return (
    <section aria-label="About this shared view" className="border-b border-line bg-surface px-4 py-2.5" data-testid="share-banner">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5 text-sm">
        <span className="inline-flex items-center gap-1.5 rounded-full bg-accent-soft px-2 py-0.5 text-xs font-semibold text-accent">
          <LockGlyph /> Frozen view · read-only
        </span>
        <span className="text-ink" data-testid="share-head">
          As of event <strong className="font-semibold tabular-nums">#{share.head.seq}</strong>, chain hash{" "}
          <code className="rounded bg-surface-muted px-1 font-mono text-xs" title={share.head.hash} data-testid="share-hash">
            {shortHash}
          </code>
          <button type="button" onClick={copyHash} className="ml-1 text-xs font-medium text-accent hover:underline" aria-label="Copy the full chain hash">
            {isCopied ? "copied" : "copy"}
          </button>
        </span>
        {verification.ok ? (
          <span
            className="inline-flex items-center gap-1 rounded-full bg-success-soft px-2 py-0.5 text-xs font-semibold text-success"
            title={`The ${verification.checked} events up to #${share.head.seq} were recomputed at ${formatDateTime(verification.checkedAt)} and still end in this hash: nothing in them was changed.`}
            data-testid="share-verified"
          >
            <CheckGlyph /> verified
          </span>
        ) : (
          <span role="alert" className="inline-flex items-center gap-1 rounded-full bg-danger-soft px-2 py-0.5 text-xs font-semibold text-danger" data-testid="share-broken">
            ✕ chain broken: {verification.problem}
          </span>
        )}
      </div>
      <p className="mt-1 text-xs text-ink-muted">
        {KIND_LABEL[share.viewKind]} around <span className="font-medium text-ink">{focusName(view)}</span> · {share.nodeCount} nodes ·
        depth {share.view.depth}, {share.view.direction} · shared {formatDateTime(share.createdAt)}
        {share.expiresAt ? ` · link expires ${formatDateTime(share.expiresAt)}` : ""}
      </p>
      {share.note ? (
        <p className="mt-1.5 max-w-4xl whitespace-pre-wrap rounded-md border-l-2 border-accent bg-surface-muted px-2.5 py-1.5 text-sm text-ink" data-testid="share-note">
          {share.note}
        </p>
      ) : null}
    </section>
  );
}

function focusName(view: SharedView): string {
  const focus = view.graph.nodes.find((node) => node.id === view.graph.focus);
  return focus ? `${focus.name}${focus.version && focus.type !== "dataset" ? ` @${focus.version}` : ""}` : view.graph.focus;
}

function LockGlyph() {
  return (
    <svg width="11" height="11" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" aria-hidden="true">
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </svg>
  );
}

function CheckGlyph() {
  return (
    <svg width="11" height="11" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3" aria-hidden="true">
      <path d="M5 12l5 5L20 7" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
