"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";
import type { SearchResult } from "@/lib/lineage/types";
import { errorMessage, fetchJson, isAbortError } from "@/components/api-client";
import { lineageHref } from "@/lib/lineage/url-state";
import { NodeIcon, kindColour, nodeTypeLabel, visualKindOf } from "@/components/lineage/node-icon";
import { cn } from "@/components/ui/cn";

type SearchStatus = "idle" | "loading" | "done" | "error";

/** Any component can open the header's search by dispatching this event on window. */
export const OPEN_SEARCH_EVENT = "threadline:open-search";

export function openSearch() {
  window.dispatchEvent(new Event(OPEN_SEARCH_EVENT));
}

/** Waits this long after the last key before asking the server, so typing a word is one request. */
const DEBOUNCE_MS = 150;

/** What a search can be narrowed to (the API's `type`). */
const TYPE_FILTERS = [
  { value: "all", label: "All" },
  { value: "dataset", label: "Datasets" },
  { value: "model", label: "Models" },
  { value: "job", label: "Jobs" },
] as const;
type TypeFilter = (typeof TYPE_FILTERS)[number]["value"];

interface Suggestions {
  models: SearchResult[];
  recentlyChanged: SearchResult[];
  failed: SearchResult[];
}

/** The nodes last opened from search, newest first, kept in this browser only. */
const RECENT_KEY = "threadline:recent-searches";
const RECENT_LIMIT = 5;

function readRecent(): SearchResult[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(parsed) ? (parsed as SearchResult[]).filter((r) => typeof r?.id === "string" && typeof r?.name === "string").slice(0, RECENT_LIMIT) : [];
  } catch {
    return [];
  }
}

function rememberRecent(result: SearchResult): void {
  try {
    const next = [result, ...readRecent().filter((r) => r.id !== result.id)].slice(0, RECENT_LIMIT);
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused (private mode): recent items are a convenience.
  }
}

/** A titled group of the list: results, or when the box is empty recent and suggested nodes. */
interface ResultGroup {
  title: string | null;
  items: SearchResult[];
}

/**
 * The header's search box and its Ctrl/Cmd-K dialog: finds datasets, jobs, versions and runs by
 * name and jumps to their lineage. A combobox with a listbox of results (arrow keys, Enter, Esc).
 */
export function SearchDialog() {
  const router = useRouter();
  const [isOpen, setIsOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<SearchResult[]>([]);
  const [status, setStatus] = useState<SearchStatus>("idle");
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [typeFilter, setTypeFilter] = useState<TypeFilter>("all");
  const [suggestions, setSuggestions] = useState<Suggestions | null>(null);
  const [recent, setRecent] = useState<SearchResult[]>([]);
  const [shortcut, setShortcut] = useState("Ctrl K");
  const inputRef = useRef<HTMLInputElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const listId = useId();

  useEffect(() => {
    if (/Mac|iPhone|iPad/.test(navigator.platform)) setShortcut("⌘K");
  }, []);

  const open = useCallback(() => setIsOpen(true), []);
  const close = useCallback(() => {
    setIsOpen(false);
    triggerRef.current?.focus();
  }, []);

  // Ctrl/Cmd-K from anywhere; "/" too when the user is not typing somewhere.
  useEffect(() => {
    function onKeyDown(event: globalThis.KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      const isTyping = !!target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
      if ((event.key === "k" || event.key === "K") && (event.metaKey || event.ctrlKey)) {
        event.preventDefault();
        setIsOpen(true);
      } else if (event.key === "/" && !isTyping) {
        event.preventDefault();
        setIsOpen(true);
      }
    }
    const onOpenRequest = () => setIsOpen(true);
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener(OPEN_SEARCH_EVENT, onOpenRequest);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener(OPEN_SEARCH_EVENT, onOpenRequest);
    };
  }, []);

  useEffect(() => {
    if (!isOpen) return;
    inputRef.current?.select();
    setRecent(readRecent());
    // Suggestions for the empty box, asked once per opening.
    const controller = new AbortController();
    fetchJson<{ suggestions: Suggestions }>("/api/v1/search?q=", controller.signal)
      .then((body) => setSuggestions(body.suggestions))
      .catch(() => setSuggestions(null));
    return () => controller.abort();
  }, [isOpen]);

  useEffect(() => {
    const q = query.trim();
    if (!isOpen || q === "") {
      setResults([]);
      setStatus("idle");
      setError(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setStatus("loading");
      fetchJson<{ results: SearchResult[] }>(`/api/v1/search?q=${encodeURIComponent(q)}&type=${typeFilter}`, controller.signal)
        .then((body) => {
          setResults(body.results);
          setActive(0);
          setStatus("done");
          setError(null);
        })
        .catch((err: unknown) => {
          if (isAbortError(err)) return;
          setError(errorMessage(err));
          setStatus("error");
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, isOpen, typeFilter]);

  // What the list shows: the results, or with an empty box the recent and suggested nodes.
  const isEmptyQuery = query.trim() === "";
  const groups: ResultGroup[] = useMemo(() => {
    if (!isEmptyQuery) return [{ title: null, items: results }];
    const list: ResultGroup[] = [];
    if (recent.length > 0) list.push({ title: "Recent", items: recent });
    if (suggestions) {
      const shown = new Set(recent.map((r) => r.id));
      const fresh = (items: SearchResult[]) => items.filter((r) => !shown.has(r.id) && (shown.add(r.id), true));
      for (const [title, items] of [
        ["Models", suggestions.models],
        ["Recently changed", suggestions.recentlyChanged],
        ["Failed outputs", suggestions.failed],
      ] as const) {
        const unique = fresh(items);
        if (unique.length > 0) list.push({ title, items: unique });
      }
    }
    return list;
  }, [isEmptyQuery, results, recent, suggestions]);
  const options = useMemo(() => groups.flatMap((group) => group.items), [groups]);

  const go = useCallback(
    (result: SearchResult) => {
      rememberRecent(result);
      setIsOpen(false);
      setQuery("");
      router.push(lineageHref(result.id));
    },
    [router],
  );

  const onInputKeyDown = useCallback(
    (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive((i) => (options.length === 0 ? 0 : (i + 1) % options.length));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive((i) => (options.length === 0 ? 0 : (i - 1 + options.length) % options.length));
      } else if (event.key === "Enter") {
        event.preventDefault();
        const hit = options[active];
        if (hit) go(hit);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    },
    [options, active, go, close],
  );

  const activeId = options[active] ? `${listId}-option-${active}` : undefined;

  const overlay = (
    <div
      className="fixed inset-0 z-50 flex items-start justify-center bg-black/40 px-4 pt-[12vh]"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) close();
      }}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Search lineage"
        data-testid="search-dialog"
        className="w-full max-w-xl overflow-hidden rounded-xl border border-line bg-surface-raised shadow-overlay"
      >
        <div className="flex items-center gap-2 border-b border-line px-4">
          <SearchGlyph />
          <input
            ref={inputRef}
            role="combobox"
            aria-expanded={options.length > 0}
            aria-controls={listId}
            aria-activedescendant={activeId}
            aria-autocomplete="list"
            aria-label="Search by name"
            placeholder="Search names, descriptions, owners, tags…"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onInputKeyDown}
            className="h-12 flex-1 bg-transparent text-base text-ink outline-none placeholder:text-ink-faint focus-visible:outline-none"
            autoComplete="off"
            spellCheck={false}
          />
          {status === "loading" ? <span className="text-xs text-ink-faint">Searching…</span> : null}
        </div>

        <div role="group" aria-label="Show only" className="flex gap-1 border-b border-line px-3 py-2">
          {TYPE_FILTERS.map((filter) => (
            <button
              key={filter.value}
              type="button"
              aria-pressed={typeFilter === filter.value}
              onClick={() => {
                setTypeFilter(filter.value);
                inputRef.current?.focus();
              }}
              className={cn(
                "rounded-full border px-2.5 py-0.5 text-xs font-medium",
                typeFilter === filter.value ? "border-accent bg-accent-soft text-accent" : "border-line text-ink-muted hover:text-ink",
              )}
              data-testid={`search-type-${filter.value}`}
            >
              {filter.label}
            </button>
          ))}
        </div>

        <ul id={listId} role="listbox" aria-label={isEmptyQuery ? "Recent and suggested" : "Search results"} className="max-h-[50vh] overflow-y-auto py-1">
          {groups.map((group) => {
            const offset = options.indexOf(group.items[0]);
            return [
              group.title ? (
                <li key={`title-${group.title}`} role="presentation" className="px-4 pb-1 pt-2 text-[11px] font-semibold uppercase tracking-wide text-ink-faint">
                  {group.title}
                </li>
              ) : null,
              ...group.items.map((result, i) => {
                const index = offset + i;
                const kind = visualKindOf(result.type, result.kind);
                return (
                  <li
                    key={`${group.title ?? "result"}-${result.id}`}
                    id={`${listId}-option-${index}`}
                    role="option"
                    aria-selected={index === active}
                    data-testid={isEmptyQuery ? "search-suggestion" : "search-result"}
                    data-node-id={result.id}
                    onMouseDown={(event) => event.preventDefault()}
                    onClick={() => go(result)}
                    onMouseMove={() => setActive(index)}
                    className={cn("mx-1 flex cursor-pointer items-center gap-3 rounded-md px-3 py-2", index === active ? "bg-accent-soft" : "")}
                  >
                    <span style={{ color: kindColour(kind) }}>
                      <NodeIcon kind={kind} size={18} />
                    </span>
                    <span className="min-w-0 flex-1">
                      <span className="block truncate text-sm font-medium text-ink">
                        {result.name}
                        {result.version ? <span className="text-ink-muted"> @ {result.version}</span> : null}
                      </span>
                      <span className="block truncate text-xs text-ink-muted">{result.namespace}</span>
                    </span>
                    <span className="text-xs text-ink-faint">{kind === "model" ? "Model" : nodeTypeLabel[result.type]}</span>
                  </li>
                );
              }),
            ];
          })}
        </ul>

        {status === "done" && results.length === 0 ? (
          <p className="px-4 pb-4 pt-2 text-sm text-ink-muted">
            Nothing matches “{query.trim()}”{typeFilter !== "all" ? " among these types: try All" : ""}.
          </p>
        ) : null}
        {status === "error" ? (
          <p role="alert" className="px-4 pb-4 pt-2 text-sm text-danger">
            Search failed: {error}
          </p>
        ) : null}
        {status === "idle" ? (
          <p className="px-4 pb-4 pt-2 text-sm text-ink-muted">
            Type a few letters of a name, description, owner or tag. <kbd className="font-mono">↑</kbd> <kbd className="font-mono">↓</kbd> to move,{" "}
            <kbd className="font-mono">Enter</kbd> to open, <kbd className="font-mono">Esc</kbd> to close.
          </p>
        ) : null}
      </div>
    </div>
  );

  return (
    <>
      <button
        ref={triggerRef}
        type="button"
        onClick={open}
        data-testid="search-trigger"
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        aria-label="Search datasets, models, jobs"
        className="flex h-9 min-w-0 items-center gap-2 rounded-md border border-line bg-surface-muted px-2.5 text-sm text-ink-muted transition-colors hover:border-line-strong hover:text-ink xl:w-full xl:max-w-xs xl:px-3"
      >
        <SearchGlyph />
        <span className="hidden min-w-0 flex-1 truncate text-left xl:block">Search datasets, models, jobs…</span>
        <kbd className="hidden rounded border border-line bg-surface px-1.5 font-mono text-[11px] text-ink-faint xl:inline">
          {shortcut}
        </kbd>
      </button>

      {/* Portalled to <body>: the sticky, blurred header would otherwise trap the fixed overlay. */}
      {isOpen ? createPortal(overlay, document.body) : null}
    </>
  );
}

function SearchGlyph() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className="shrink-0 text-ink-faint">
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" strokeLinecap="round" />
    </svg>
  );
}
