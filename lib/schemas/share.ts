import { z } from "zod";
import type { LineageGraph, NodeDetail } from "@/lib/lineage/types";
import { ViewQuerySchema, withViewAliases } from "./view-query";

/**
 * Share links: the body of POST /api/v1/shares and the shapes the share API and page return.
 * The server builds the snapshot itself from the view's parameters, so a client cannot put into a
 * share anything the store did not say.
 */

/** Most nodes a shared graph may hold (a share is a frozen copy, not a database dump). */
export const SHARE_MAX_NODES = 2_000;

/**
 * The view a share freezes: the one view query (focus, depth, direction, budget, expansions,
 * selection, as-of point) with a label of where it came from, and a smaller node budget.
 */
export const ShareViewSchema = withViewAliases(
  ViewQuerySchema.extend({
    /** Which view the share was made from; only a label, the parameters say what is in it. */
    kind: z.enum(["graph", "node", "investigation"]).default("graph"),
    limit: z.number().int().min(1).max(SHARE_MAX_NODES).default(300),
  }),
);

export const ShareCreateSchema = z.object({
  view: ShareViewSchema,
  note: z.string().trim().max(2_000).optional(),
  /** Hours until the link stops working; omitted: it never expires (it can always be revoked). */
  expiresInHours: z.number().int().min(1).max(24 * 366).optional(),
});

export type ShareView = z.output<typeof ShareViewSchema>;
export type ShareCreateInput = z.infer<typeof ShareCreateSchema>;

export type ShareStatus = "active" | "expired" | "revoked";

/** A share as its owner lists it: never the token, never the snapshot. */
export interface ShareSummary {
  id: string;
  viewKind: ShareView["kind"];
  focusId: string;
  nodeCount: number;
  head: { seq: number; hash: string };
  note: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  status: ShareStatus;
}

/** What the snapshot holds. */
export interface ShareSnapshot {
  graph: LineageGraph;
  /** NodeDetail of every node, or of the focus and selection only when the graph is large. */
  details: Record<string, NodeDetail>;
  selectedId: string | null;
}

/** Whether the log up to the share's head still recomputes to the recorded hash. */
export interface ShareVerification {
  ok: boolean;
  /** Records recomputed. */
  checked: number;
  /** When it is not ok: which record, and why. */
  problem?: string;
  checkedAt: string;
}

/** What a link holder sees: GET /api/v1/shares/<token>. */
export interface SharedView {
  share: Omit<ShareSummary, "createdBy" | "revokedAt" | "revokedBy" | "status"> & { view: ShareView };
  graph: LineageGraph;
  selectedId: string | null;
  /** Nodes whose details the snapshot holds (GET /api/v1/shares/<token>/nodes/<id>). */
  detailIds: string[];
  verification: ShareVerification;
}

/** Answer of POST /api/v1/shares: the token appears here and nowhere else, ever. */
export interface CreatedShare {
  share: ShareSummary;
  token: string;
  /** Path of the link (`/share/<token>`); the client prefixes its origin. */
  path: string;
}

/** What a view sends to POST /api/v1/shares (defaults filled in by the server). */
export type ShareViewInput = z.input<typeof ShareViewSchema>;
