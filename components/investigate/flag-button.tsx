"use client";

import Link from "next/link";
import { useId, useRef, useState, type FormEvent } from "react";
import { FLAG_KINDS, FLAG_SEVERITIES, type FlagKind, type FlagSeverity } from "@/lib/lineage/flags";
import type { FlagView } from "@/lib/lineage/investigate-view";
import { sendJson } from "@/components/api-client";
import { useServerWrite } from "@/components/use-server-write";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { ErrorMessage } from "@/components/ui/error-message";

const KIND_WORDS: Record<FlagKind, string> = {
  bias: "Bias found",
  licence: "Licence problem",
  pii: "Personal data (PII)",
  contamination: "Contamination (test data leaked)",
  toxic: "Toxic output",
  failed: "Failed (mark as failed)",
  other: "Other",
};

/**
 * "Flag this version" / "Mark failed": a dialog asking what is wrong, how bad and why, then
 * POST /api/v1/flags. The flag becomes an event in the log; the page refreshes to show it spread.
 * Flags go on dataset versions: from a dataset, `versions` lists its versions to choose from
 * (`node`, the latest, chosen at first).
 */
export function FlagButton({
  node,
  label,
  defaultKind = "bias",
  buttonLabel = "Flag this version",
  variant = "secondary",
  versions,
  onSaved,
}: {
  node: string;
  label: string;
  /** The versions to choose from (flagging from a dataset); without it, `node` is flagged. */
  versions?: { id: string; label: string }[];
  defaultKind?: FlagKind;
  buttonLabel?: string;
  variant?: ButtonVariant;
  /** Called after the flag is recorded (client views that hold their own data re-fetch here). */
  onSaved?: (flag: FlagView) => void;
}) {
  const { error, isBusy: isSaving, run, setError } = useServerWrite();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const formId = useId();
  const [kind, setKind] = useState<FlagKind>(defaultKind);
  const [severity, setSeverity] = useState<FlagSeverity>(defaultKind === "failed" ? "high" : "medium");
  const [reason, setReason] = useState("");
  const [by, setBy] = useState("");
  const [saved, setSaved] = useState<FlagView | null>(null);
  const [target, setTarget] = useState(node);

  const open = () => {
    setError(null);
    setSaved(null);
    setKind(defaultKind);
    setTarget(node);
    dialogRef.current?.showModal();
  };
  const close = () => dialogRef.current?.close();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () => sendJson<{ flag: FlagView }>("POST", "/api/v1/flags", { node: target, kind, severity, reason, ...(by.trim() ? { by: by.trim() } : {}) }),
      ({ flag }) => {
        setSaved(flag);
        setReason("");
        onSaved?.(flag);
      },
    );
  };

  return (
    <>
      <Button variant={variant} size="sm" onClick={open} data-testid={defaultKind === "failed" ? "mark-failed-button" : "flag-button"}>
        <svg width="12" height="12" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
          <path d="M5 21V4h11l-1.5 4L16 12H7v9z" />
        </svg>
        {buttonLabel}
      </Button>
      <dialog
        ref={dialogRef}
        aria-labelledby={`${formId}-title`}
        className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-line bg-surface p-0 text-ink shadow-overlay backdrop:bg-black/40"
        data-testid="flag-dialog"
      >
        <form onSubmit={submit} className="space-y-3 p-5">
          <h2 id={`${formId}-title`} className="text-base font-semibold">
            Flag <span className="font-mono text-sm">{label}</span>
          </h2>
          {saved ? (
            <div className="space-y-3" data-testid="flag-saved">
              <p className="rounded-md bg-success-soft px-3 py-2 text-sm text-ink">
                Flag recorded in the log ({saved.kind}, {saved.severity}). Everything downstream now shows it.
              </p>
              <div className="flex justify-end gap-2">
                <Link href={`/investigate/flags/${encodeURIComponent(saved.flagId)}`} className="inline-flex h-9 items-center rounded-md bg-accent px-3.5 text-sm font-medium text-accent-ink" data-testid="flag-impact-link">
                  See what it touched
                </Link>
                <Button onClick={close}>Close</Button>
              </div>
            </div>
          ) : (
            <>
              <p className="text-sm text-ink-muted">The flag is appended to the event log: it can be removed later, and the removal is recorded too.</p>
              {versions && versions.length > 0 ? (
                <DialogSelect
                  label="Version"
                  name="version"
                  testId="flag-version"
                  value={target}
                  onChange={setTarget}
                  options={versions.map((v, i) => ({ value: v.id, text: i === 0 ? `${v.label} (latest)` : v.label }))}
                />
              ) : null}
              <DialogSelect
                label="What is wrong"
                name="kind"
                value={kind}
                onChange={setKind}
                options={FLAG_KINDS.map((k) => ({ value: k, text: KIND_WORDS[k] }))}
              />
              <DialogSelect
                label="Severity"
                name="severity"
                value={severity}
                onChange={setSeverity}
                options={FLAG_SEVERITIES.map((s) => ({ value: s, text: s }))}
              />
              <label className="block text-sm font-medium">
                Reason
                <textarea
                  required
                  maxLength={2000}
                  rows={3}
                  className="mt-1 block w-full rounded-md border border-line bg-surface px-2 py-1.5 text-sm"
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  name="reason"
                  placeholder="What was found, where it was discussed"
                />
              </label>
              <label className="block text-sm font-medium">
                Your name <span className="font-normal text-ink-muted">(optional)</span>
                <input
                  maxLength={200}
                  className={DIALOG_CONTROL}
                  value={by}
                  onChange={(e) => setBy(e.target.value)}
                  name="by"
                />
              </label>
              {error ? (
                <ErrorMessage>{error}</ErrorMessage>
              ) : null}
              <div className="flex justify-end gap-2 pt-1">
                <Button onClick={close}>Cancel</Button>
                <Button type="submit" variant="primary" disabled={isSaving || reason.trim() === ""} data-testid="flag-submit">
                  {isSaving ? "Recording…" : "Record flag"}
                </Button>
              </div>
            </>
          )}
        </form>
      </dialog>
    </>
  );
}

/** Removes a flag (DELETE /api/v1/flags/<id>): recorded as an event, the flag stays with its removal. */
export function RemoveFlagButton({ flagId }: { flagId: string }) {
  const { error, isBusy: isSaving, run } = useServerWrite();
  const remove = () => {
    const reason = window.prompt("Why is this flag removed?", "resolved");
    if (reason === null) return;
    void run(() => sendJson("DELETE", `/api/v1/flags/${encodeURIComponent(flagId)}`, reason.trim() ? { reason: reason.trim() } : {}));
  };
  return (
    <span className="inline-flex items-center gap-2">
      <Button size="sm" variant="danger" onClick={remove} disabled={isSaving} data-testid="remove-flag-button">
        {isSaving ? "Removing…" : "Remove flag"}
      </Button>
      {error ? <span role="alert" className="text-xs text-danger">{error}</span> : null}
    </span>
  );
}

const DIALOG_CONTROL = "mt-1 block h-9 w-full rounded-md border border-line bg-surface px-2 text-sm";

/** One labelled select of the flag dialog: the label wraps it, so the label's text names it. */
function DialogSelect<T extends string>({
  label,
  name,
  testId,
  value,
  onChange,
  options,
}: {
  label: string;
  name: string;
  testId?: string;
  value: T;
  onChange: (value: T) => void;
  options: readonly { value: T; text: string }[];
}) {
  return (
    <label className="block text-sm font-medium">
      {label}
      <select className={DIALOG_CONTROL} value={value} onChange={(e) => onChange(e.target.value as T)} name={name} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </label>
  );
}
