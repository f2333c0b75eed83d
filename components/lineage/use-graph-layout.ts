"use client";

import { useEffect, useRef, useState } from "react";
import type { LayoutEdgeInput, LayoutNodeInput } from "@/lib/lineage/layout";
import { computeLayout } from "./compute-layout";
import type { ComputedLayout, LayoutRequest, LayoutResponse } from "./layout-protocol";
import { useKeyedMemo } from "@/components/use-keyed-memo";

/**
 * Records how long a layout took, request to answer (worker round trip included), as the
 * performance measure "threadline:layout": the benchmark and the browser's profiler read it.
 */
function measureLayout(start: number): void {
  try {
    performance.measure("threadline:layout", { start, end: performance.now() });
  } catch {
    // An old browser without measure options: the figure is only informative.
  }
}

/** Views with at least this many boxes are laid out in the Web Worker; smaller ones inline (a few ms). */
export const WORKER_THRESHOLD = 150;

export interface GraphLayoutState {
  /** The latest finished layout; while a newer one computes, the previous one stays on screen. */
  layout: ComputedLayout | null;
  /** The structure key `layout` belongs to. */
  layoutKey: string | null;
  isComputing: boolean;
  error: string | null;
}

/** A new layout worker, or null where the browser cannot start one. */
function startWorker(): Worker | null {
  try {
    return new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return null;
  }
}

/** A worker started ahead of need (warmLayoutWorker), until a layout takes it. */
let spareWorker: Worker | null = null;

/**
 * Starts a layout worker now, for a view that may be large and whose answer is on its way: the
 * worker loads and compiles its code (the layout algorithms) meanwhile, rather than once the answer
 * is here (250–400 ms of a 500-node view's time to usable, measured in docs/benchmarks.md). One at
 * most; the next layout that needs a worker takes it.
 */
export function warmLayoutWorker(): void {
  spareWorker ??= startWorker();
}

function takeWorker(): Worker | null {
  const worker = spareWorker ?? startWorker();
  spareWorker = null;
  return worker;
}

/**
 * Lays out a view, keyed on its structure (`structureKey`): a relayout happens when nodes or edges
 * change, never because emphasis or selection did. Large views go to a Web Worker; a request made
 * stale by a newer one is cancelled by terminating the worker, after Marquez's useLayout.
 *
 * `isLargeAhead`: a view that may be large is on its way (its answer not here yet): the worker
 * starts now (see warmLayoutWorker).
 */
export function useGraphLayout(
  input: { nodes: LayoutNodeInput[]; edges: LayoutEdgeInput[] },
  key: string,
  isLargeAhead = false,
): GraphLayoutState {
  const isLarge = input.nodes.length >= WORKER_THRESHOLD;
  const inputRef = useRef(input);
  inputRef.current = input;

  // Small views: synchronous, memoised on the structure key only.
  const inline = useKeyedMemo(`${isLarge}#${key}`, () => {
    if (isLarge || input.nodes.length === 0) return null;
    try {
      const start = performance.now();
      const layout = computeLayout(input.nodes, input.edges);
      measureLayout(start);
      return { layout, error: null };
    } catch (error) {
      return { layout: null, error: error instanceof Error ? error.message : String(error) };
    }
  });

  const [offThread, setOffThread] = useState<{ key: string; layout: ComputedLayout } | null>(null);
  const [pendingKey, setPendingKey] = useState<string | null>(null);
  const [workerError, setWorkerError] = useState<string | null>(null);
  const workerRef = useRef<Worker | null>(null);
  const requestIdRef = useRef(0);
  const isBusyRef = useRef(false);

  useEffect(() => {
    if (!isLarge) return;
    const requestId = ++requestIdRef.current;
    const { nodes, edges } = inputRef.current;
    const start = performance.now();
    setPendingKey(key);

    const finish = (layout: ComputedLayout) => {
      if (requestId !== requestIdRef.current) return;
      measureLayout(start);
      isBusyRef.current = false;
      setOffThread({ key, layout });
      setPendingKey(null);
      setWorkerError(null);
    };
    const fail = (message: string) => {
      if (requestId !== requestIdRef.current) return;
      isBusyRef.current = false;
      setPendingKey(null);
      setWorkerError(message);
    };

    // A stale job still running is cancelled outright: a fresh worker is cheaper than waiting.
    if (isBusyRef.current && workerRef.current) {
      workerRef.current.terminate();
      workerRef.current = null;
    }
    workerRef.current ??= takeWorker();
    const worker = workerRef.current;
    if (!worker) {
      // No worker available (old browser, blocked): lay out on the main thread, after this paint.
      const timer = setTimeout(() => {
        try {
          finish(computeLayout(nodes, edges));
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
      }, 0);
      return () => clearTimeout(timer);
    }
    worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
      const response = event.data;
      if (response.requestId !== requestIdRef.current) return;
      if (response.ok) finish(response.layout);
      else fail(response.message);
    };
    worker.onerror = (event) => fail(event.message || "The layout worker failed.");
    isBusyRef.current = true;
    const request: LayoutRequest = { requestId, nodes, edges };
    worker.postMessage(request);
  }, [key, isLarge]);

  useEffect(() => {
    if (isLargeAhead) workerRef.current ??= takeWorker();
  }, [isLargeAhead]);

  useEffect(
    () => () => {
      workerRef.current?.terminate();
      workerRef.current = null;
    },
    [],
  );

  if (!isLarge) {
    return { layout: inline?.layout ?? null, layoutKey: inline?.layout ? key : null, isComputing: false, error: inline?.error ?? null };
  }
  return {
    layout: offThread?.layout ?? null,
    layoutKey: offThread?.key ?? null,
    isComputing: pendingKey !== null,
    error: workerError,
  };
}
