// Lays out large lineage views off the main thread, so panning and the side panel stay responsive.
import { computeLayout } from "./compute-layout";
import type { LayoutRequest, LayoutResponse } from "./layout-protocol";

// The project's tsconfig has no "webworker" lib; this is the part of the worker scope we use.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
};

scope.onmessage = (event) => {
  const { requestId, nodes, edges } = event.data;
  try {
    scope.postMessage({ requestId, ok: true, layout: computeLayout(nodes, edges) });
  } catch (error) {
    scope.postMessage({ requestId, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
};
