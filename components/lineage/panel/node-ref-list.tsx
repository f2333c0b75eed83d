"use client";

import type { ReactNode } from "react";
import type { DetailListName, NodeRef } from "@/lib/lineage/types";
import { NodeIcon, kindColour, nodeTypeLabel, visualKindOf } from "../node-icon";
import { ShowMore } from "./show-more";
import { usePagedList, type PageLoader } from "./use-paged-list";

/** A list of linked nodes (inputs, outputs, upstream, downstream); each opens that node. */
export function NodeRefList({ refs, onOpen, testId }: { refs: NodeRef[]; onOpen: (id: string) => void; testId?: string }) {
  return (
    <ul className="space-y-0.5" data-testid={testId}>
      {refs.map((ref) => (
        <li key={ref.id}>
          <NodeRefButton nodeRef={ref} onOpen={onOpen} />
        </li>
      ))}
    </ul>
  );
}

/** A NodeRefList of one paged list of a node's details: the first page, then "Show more". */
export function PagedNodeRefList({ list, refs, total, loadPage, onOpen, testId }: {
  list: DetailListName;
  refs: NodeRef[];
  total: number;
  loadPage?: PageLoader;
  onOpen: (id: string) => void;
  testId?: string;
}) {
  const paged = usePagedList(list, refs, total, loadPage);
  return (
    <>
      <NodeRefList refs={paged.items} onOpen={onOpen} testId={testId} />
      <ShowMore {...paged} onMore={paged.loadMore} testId={testId ? `${testId}-more` : undefined} />
    </>
  );
}

/**
 * One of a node's lists of neighbours (upstream, downstream, a run's inputs or outputs) under its
 * heading and full count, paged; or, when there are none, `empty`: why not.
 */
export function NodeRefSection({
  list,
  title,
  count,
  total,
  refs,
  empty,
  loadPage,
  onOpen,
  testId,
}: {
  list: DetailListName;
  title: string;
  /** The count the heading shows, when the node states its own (else `total`). */
  count?: number;
  /** How many the list holds in all (the first page may hold fewer). */
  total: number;
  refs: NodeRef[];
  empty: ReactNode;
  loadPage?: PageLoader;
  onOpen: (id: string) => void;
  testId: string;
}) {
  return (
    <div>
      <h4 className="mb-1 text-sm font-semibold text-ink">
        {title} · {(count ?? total).toLocaleString("en-US")}
      </h4>
      {refs.length > 0 ? <PagedNodeRefList list={list} refs={refs} total={total} loadPage={loadPage} onOpen={onOpen} testId={testId} /> : empty}
    </div>
  );
}

export function NodeRefButton({ nodeRef, onOpen }: { nodeRef: NodeRef; onOpen: (id: string) => void }) {
  const kind = visualKindOf(nodeRef.type, nodeRef.kind);
  return (
    <button
      type="button"
      onClick={() => onOpen(nodeRef.id)}
      className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left hover:bg-surface-muted"
      data-node-id={nodeRef.id}
      title={`${nodeTypeLabel[nodeRef.type]} ${nodeRef.namespace}/${nodeRef.name}`}
    >
      <span style={{ color: kindColour(kind) }} className="shrink-0">
        <NodeIcon kind={kind} size={15} />
      </span>
      <span className="min-w-0 flex-1 truncate text-sm text-ink">
        {nodeRef.name}
        {nodeRef.version ? <span className="font-mono text-xs text-ink-muted"> @{nodeRef.version}</span> : null}
      </span>
      <span className="shrink-0 text-[11px] text-ink-faint">{nodeTypeLabel[nodeRef.type]}</span>
    </button>
  );
}
