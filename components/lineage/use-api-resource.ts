"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useSyncExternalStore } from "react";
import { errorMessage, fetchJson, isAbortError } from "@/components/api-client";
import { useIsServerRender } from "./first-frame";

/**
 * A small shared cache of GET responses, by URL. The canvas, the side panel and expansions read
 * through it, so going back to a view (browser back) draws at once from memory, and two components
 * asking for the same node make one request.
 */
type Entry =
  | { status: "loading"; controller: AbortController }
  | { status: "done"; data: unknown }
  | { status: "error"; message: string; httpStatus: number | null };

const MAX_ENTRIES = 200;
const cache = new Map<string, Entry>();
const listeners = new Set<() => void>();
let version = 0;

function notify() {
  version += 1;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function getVersion() {
  return version;
}

function load(url: string) {
  // An error stays until retry() forgets it: re-asking on every render would hammer a failing server.
  if (cache.has(url)) return;
  const controller = new AbortController();
  cache.set(url, { status: "loading", controller });
  while (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  fetchJson<unknown>(url, controller.signal)
    .then((data) => {
      if (cache.get(url)?.status !== "loading") return;
      cache.set(url, { status: "done", data });
      notify();
    })
    .catch((error: unknown) => {
      if (isAbortError(error)) return;
      const httpStatus = typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : null;
      cache.set(url, { status: "error", message: errorMessage(error), httpStatus });
      notify();
    });
}

function invalidate(url: string) {
  const existing = cache.get(url);
  if (existing?.status === "loading") existing.controller.abort();
  cache.delete(url);
}

/**
 * Starts loading a URL into the cache ahead of any reader: the explorer asks for a view the page
 * did not read on the server while the page hydrates (lineage-explorer.tsx).
 */
export function preloadResource(url: string): void {
  load(url);
}

/**
 * Answers the server read while it rendered the page (the explorer's first view), by URL: read as
 * if they were in the cache until the cache holds the URL, so the first paint needs no request.
 * A context, not the module cache: on the server that cache would be shared by every request.
 */
export const PrefetchedResources = createContext<ReadonlyMap<string, unknown>>(new Map());

/**
 * Moves a prefetched answer into the cache (browser only), so later visits and retries use it. A
 * new version, so hooks that read the URL before it was cached (as loading) read it again: without
 * it the hydrated explorer showed "Loading…" for a view it already had.
 */
function adopt(url: string, data: unknown) {
  if (cache.has(url)) return;
  cache.set(url, { status: "done", data });
  notify();
}

function prefetchedState<T>(data: unknown): ResourceState<T> {
  return { data: data as T, error: null, errorStatus: null, isLoading: false };
}

export interface ResourceState<T> {
  data: T | null;
  error: string | null;
  /** The HTTP status of a failed request (404: no such node), null for network errors. */
  errorStatus: number | null;
  isLoading: boolean;
}

/**
 * The state of each url in the cache at `version` (the store's snapshot): answers change only when
 * the version does, so memoising on it keeps unchanged answers the same objects.
 */
function readEntries<T>(urls: readonly (string | null)[], _version: number): ResourceState<T>[] {
  return urls.map((url) => readEntry<T>(url));
}

function readEntry<T>(url: string | null): ResourceState<T> {
  if (url === null) return { data: null, error: null, errorStatus: null, isLoading: false };
  const entry = cache.get(url);
  if (!entry || entry.status === "loading") return { data: null, error: null, errorStatus: null, isLoading: true };
  if (entry.status === "error") return { data: null, error: entry.message, errorStatus: entry.httpStatus, isLoading: false };
  return { data: entry.data as T, error: null, errorStatus: null, isLoading: false };
}

const LOADING: ResourceState<never> = { data: null, error: null, errorStatus: null, isLoading: true };

/** One GET resource; `null` url means nothing to load. `retry` forgets the answer and asks again. */
export function useApiResource<T>(url: string | null): ResourceState<T> & { retry: () => void } {
  const snapshot = useSyncExternalStore(subscribe, getVersion, getVersion);
  const prefetched = useContext(PrefetchedResources);
  // While hydrating, what the server drew: a preloaded answer may be here already, but the
  // server's HTML shows it loading (the render after hydration shows the answer).
  const isHydrating = useIsServerRender();
  const initial =
    url !== null && !cache.has(url) && prefetched.has(url) ? prefetchedState<T>(prefetched.get(url)) : url !== null && isHydrating && !prefetched.has(url) ? LOADING : null;
  useEffect(() => {
    if (!url) return;
    if (prefetched.has(url)) adopt(url, prefetched.get(url));
    load(url);
  }, [url, snapshot, prefetched]);
  const retry = useCallback(() => {
    if (!url) return;
    invalidate(url);
    load(url);
    notify();
  }, [url]);
  const state = useMemo(() => readEntries<T>([url], snapshot)[0], [url, snapshot]);
  if (initial) return { ...initial, retry };
  return { ...state, retry };
}

/** Several GET resources at once (the expansions of a view), in the order of `urls`. */
export function useApiResources<T>(urls: readonly string[]): { states: ResourceState<T>[]; retry: () => void } {
  const snapshot = useSyncExternalStore(subscribe, getVersion, getVersion);
  // The same list in a new array (a re-render) is the same resources: key the hooks on its content.
  const key = urls.join("\n");
  const stableUrls = useMemo(() => (key === "" ? [] : key.split("\n")), [key]);
  const prefetched = useContext(PrefetchedResources);
  useEffect(() => {
    for (const url of stableUrls) {
      if (prefetched.has(url)) adopt(url, prefetched.get(url));
      load(url);
    }
  }, [stableUrls, snapshot, prefetched]);
  const retry = useCallback(() => {
    for (const url of stableUrls) if (cache.get(url)?.status === "error") invalidate(url);
    for (const url of stableUrls) load(url);
    notify();
  }, [stableUrls]);
  const isHydrating = useIsServerRender();
  const states = useMemo(
    () =>
      readEntries<T>(stableUrls, snapshot).map((state, i) => {
        const url = stableUrls[i]!;
        if (!cache.has(url) && prefetched.has(url)) return prefetchedState<T>(prefetched.get(url));
        // While hydrating, what the server drew (see useApiResource).
        return isHydrating && !prefetched.has(url) ? LOADING : state;
      }),
    [stableUrls, snapshot, prefetched, isHydrating],
  );
  return { states, retry };
}

/** Fetches through the cache outside React (the entity/version toggle resolving a target). */
export async function fetchCached<T>(url: string): Promise<T> {
  const entry = cache.get(url);
  if (entry?.status === "done") return entry.data as T;
  const data = await fetchJson<T>(url);
  cache.set(url, { status: "done", data });
  return data;
}
