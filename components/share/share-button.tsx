"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { CreatedShare, ShareViewInput } from "@/lib/schemas/share";
import { Button } from "@/components/ui/button";
import { ApiError, sendJson } from "@/components/api-client";
import { useDismiss } from "@/components/use-dismiss";
import { inputClasses } from "@/components/ui/field";

const EXPIRY_CHOICES: { label: string; hours: number | null }[] = [
  { label: "1 day", hours: 24 },
  { label: "7 days", hours: 24 * 7 },
  { label: "30 days", hours: 24 * 30 },
  { label: "90 days", hours: 24 * 90 },
  { label: "Never (until revoked)", hours: null },
];

/**
 * "Share": freezes the current view (graph, panel data, log head) into a read-only link. The server
 * rebuilds the view from these parameters, so the link shows exactly what the store said.
 */
export function ShareButton({ view, className }: { view: ShareViewInput; className?: string }) {
  const [isOpen, setIsOpen] = useState(false);
  const [note, setNote] = useState("");
  const [expiry, setExpiry] = useState(2);
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<{ message: string; needsSignIn: boolean } | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [isCopied, setIsCopied] = useState(false);
  const panelRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  // A different view is a different share: forget the last link when the view changes.
  const viewKey = JSON.stringify(view);
  useEffect(() => {
    setLink(null);
    setError(null);
  }, [viewKey]);

  useDismiss(isOpen, [panelRef, buttonRef], (reason) => {
    setIsOpen(false);
    if (reason === "escape") buttonRef.current?.focus();
  });

  async function create() {
    setIsBusy(true);
    setError(null);
    try {
      const hours = EXPIRY_CHOICES[expiry].hours;
      const created = await sendJson<CreatedShare>("POST", "/api/v1/shares", {
        view,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(hours ? { expiresInHours: hours } : {}),
      });
      setLink(`${window.location.origin}${created.path}`);
    } catch (caught) {
      const status = caught instanceof ApiError ? caught.status : 0;
      setError({ message: caught instanceof Error ? caught.message : "Could not create the link.", needsSignIn: status === 401 });
    } finally {
      setIsBusy(false);
    }
  }

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setIsCopied(true);
      setTimeout(() => setIsCopied(false), 1500);
    } catch {
      setIsCopied(false);
    }
  }

  const signInHref = typeof window === "undefined" ? "/signin" : `/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;

  return (
    <div className={`relative ${className ?? ""}`}>
      <Button ref={buttonRef} size="sm" onClick={() => setIsOpen((open) => !open)} aria-expanded={isOpen} aria-haspopup="dialog" data-testid="share-button">
        <svg width="13" height="13" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" aria-hidden="true">
          <path d="M4 12v7a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-7M16 6l-4-4-4 4M12 2v13" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        Share
      </Button>
      {isOpen ? (
        <div
          ref={panelRef}
          role="dialog"
          aria-labelledby={titleId}
          className="absolute right-0 top-full z-50 mt-2 w-[22rem] rounded-lg border border-line bg-surface p-4 text-left shadow-overlay"
          data-testid="share-dialog"
        >
          <h2 id={titleId} className="text-sm font-semibold text-ink">
            Share a frozen view
          </h2>
          <p className="mt-1 text-xs text-ink-muted">
            Anyone with the link sees this graph and its details exactly as they are now, read-only, with the log head they were taken at. Later events do not change it.
          </p>
          {link ? (
            <div className="mt-3 space-y-2">
              <label className="block text-xs font-medium text-ink" htmlFor={`${titleId}-link`}>
                Link (shown once; keep it safe)
              </label>
              <div className="flex gap-1.5">
                <input id={`${titleId}-link`} readOnly value={link} onFocus={(event) => event.currentTarget.select()} className={`${inputClasses} font-mono text-xs`} data-testid="share-link" />
                <Button size="md" onClick={copy}>
                  {isCopied ? "Copied" : "Copy"}
                </Button>
              </div>
              <div className="flex items-center justify-between pt-1 text-xs">
                <a href={link} target="_blank" rel="noopener noreferrer" className="font-medium text-accent hover:underline">
                  Open the link
                </a>
                <Link href="/share" className="font-medium text-accent hover:underline">
                  Manage shared links
                </Link>
              </div>
            </div>
          ) : (
            <div className="mt-3 space-y-3">
              <div className="space-y-1">
                <label className="block text-xs font-medium text-ink" htmlFor={`${titleId}-note`}>
                  Note for the reader <span className="font-normal text-ink-muted">(optional)</span>
                </label>
                <textarea
                  id={`${titleId}-note`}
                  value={note}
                  onChange={(event) => setNote(event.target.value)}
                  maxLength={2000}
                  rows={3}
                  className={inputClasses}
                  placeholder="What the reviewer should look at"
                  data-testid="share-note-input"
                />
              </div>
              <div className="space-y-1">
                <label className="block text-xs font-medium text-ink" htmlFor={`${titleId}-expiry`}>
                  Link works for
                </label>
                <select id={`${titleId}-expiry`} value={expiry} onChange={(event) => setExpiry(Number(event.target.value))} className={inputClasses} data-testid="share-expiry">
                  {EXPIRY_CHOICES.map((choice, index) => (
                    <option key={choice.label} value={index}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              </div>
              {error ? (
                <p role="alert" className="rounded-md bg-danger-soft px-2.5 py-1.5 text-xs text-danger">
                  {error.message}{" "}
                  {error.needsSignIn ? (
                    <a href={signInHref} className="font-semibold underline">
                      Sign in
                    </a>
                  ) : null}
                </p>
              ) : null}
              <div className="flex justify-end gap-2">
                <Button size="md" variant="ghost" onClick={() => setIsOpen(false)}>
                  Cancel
                </Button>
                <Button size="md" variant="primary" onClick={create} disabled={isBusy} data-testid="share-create">
                  {isBusy ? "Creating…" : "Create link"}
                </Button>
              </div>
            </div>
          )}
        </div>
      ) : null}
    </div>
  );
}

