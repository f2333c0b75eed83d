"use client";

import { createContext, useContext } from "react";

/**
 * What a node on the canvas can ask the explorer to do. Passed through context rather than node
 * data so node objects stay plain and memoised nodes do not re-render when a callback is recreated.
 */
export interface ExplorerActions {
  /** Fetch and merge the node's hidden neighbours on one side ("+N"). */
  expand: (id: string, direction: "upstream" | "downstream") => void;
  /** Show the next page of a fan-out placeholder ("N more"). */
  showMore: (placeholderId: string) => void;
  /** Columns view: highlight a field's column-lineage path (null clears it). */
  selectField: (fieldId: string | null) => void;
  /** Columns view: unfold more of a dataset's fields. */
  showMoreFields: (datasetId: string) => void;
}

const noop: ExplorerActions = { expand: () => {}, showMore: () => {}, selectField: () => {}, showMoreFields: () => {} };

export const ExplorerActionsContext = createContext<ExplorerActions>(noop);

export function useExplorerActions(): ExplorerActions {
  return useContext(ExplorerActionsContext);
}
