"use client";

import Link from "next/link";
import { memo, useCallback, useEffect, useRef, useState, type ChangeEvent, type DragEvent, type FormEvent } from "react";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { errorMessage, fetchJson } from "@/components/api-client";
import { lineageHref } from "@/lib/lineage/url-state";
import { StaticGraph } from "@/components/export/static-graph";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, inputClasses } from "@/components/ui/field";
import { ErrorMessage } from "@/components/ui/error-message";
import { SignatureBadge } from "./signature-badge";
import { layoutGraph } from "@/lib/lineage/layout";
import { verifyManifest, type ManifestCheck } from "@/lib/lineage/manifest";
import { normaliseDigest, type ProvenanceAnswer, type ProvenanceMatch, type VersionRef } from "@/lib/lineage/provenance";
import type { LineageGraph, LineageNode } from "@/lib/lineage/types";

/** Bytes read from a file at a time: a multi-GB artefact is hashed without ever being held whole. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 of a file in the browser, chunk by chunk. WebCrypto's digest() takes the whole input at
 * once, so an incremental hash (@noble/hashes) keeps memory at one chunk; the file never leaves
 * the machine, only its digest does.
 */
async function hashFile(file: File, onProgress: (done: number) => void): Promise<string> {
  const hash = sha256.create();
  for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
    const chunk = new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer());
    hash.update(chunk);
    onProgress(Math.min(file.size, offset + CHUNK_BYTES));
  }
  return `sha256:${bytesToHex(hash.digest())}`;
}

type Lookup =
  | { state: "idle" }
  | { state: "hashing"; name: string; done: number; total: number }
  | { state: "loading"; digest: string; name: string | null }
  | { state: "done"; answer: ProvenanceAnswer; name: string | null }
  | { state: "error"; message: string };

/** The /provenance page: drop an artefact or paste its digest; verify a manifest. */
export function ProvenanceFinder({ initialDigest }: { initialDigest: string | null }) {
  const [lookup, setLookup] = useState<Lookup>({ state: "idle" });
  const [digestText, setDigestText] = useState(initialDigest ?? "");
  const [isDragging, setIsDragging] = useState(false);
  const latest = useRef(0);

  const find = useCallback(async (digest: string, name: string | null) => {
    const ticket = ++latest.current;
    setLookup({ state: "loading", digest, name });
    try {
      const answer = await fetchJson<ProvenanceAnswer>(`/api/v1/provenance?digest=${encodeURIComponent(digest)}`);
      if (ticket === latest.current) setLookup({ state: "done", answer, name });
    } catch (error) {
      if (ticket === latest.current) setLookup({ state: "error", message: errorMessage(error) });
    }
  }, []);

  const lookUpFile = useCallback(
    async (file: File) => {
      const ticket = ++latest.current;
      setLookup({ state: "hashing", name: file.name, done: 0, total: file.size });
      try {
        const digest = await hashFile(file, (done) => {
          if (ticket === latest.current) setLookup({ state: "hashing", name: file.name, done, total: file.size });
        });
        if (ticket !== latest.current) return;
        setDigestText(digest);
        await find(digest, file.name);
      } catch (error) {
        if (ticket === latest.current) setLookup({ state: "error", message: `Could not read ${file.name}: ${errorMessage(error)}` });
      }
    },
    [find],
  );

  const lookUpText = useCallback(
    (text: string) => {
      const digest = normaliseDigest(text);
      if (!digest) {
        latest.current++;
        setLookup({ state: "error", message: `“${text.trim().slice(0, 80)}” is not a SHA-256 digest: expected sha256: followed by 64 hexadecimal digits.` });
        return;
      }
      void find(digest, null);
    },
    [find],
  );

  useEffect(() => {
    if (initialDigest) lookUpText(initialDigest);
  }, [initialDigest, lookUpText]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    lookUpText(digestText);
  };
  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) void lookUpFile(file);
    event.target.value = "";
  };
  const onDrop = (event: DragEvent<HTMLLabelElement>) => {
    event.preventDefault();
    setIsDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void lookUpFile(file);
  };

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Where did this file come from?" description="Drop a generated artefact, or paste its digest. The file is hashed here, in your browser: only its SHA-256 is sent." />
        <div className="grid gap-4 px-4 py-4 md:grid-cols-2">
          <label
            onDragOver={(event) => {
              event.preventDefault();
              setIsDragging(true);
            }}
            onDragLeave={() => setIsDragging(false)}
            onDrop={onDrop}
            className={cn(
              "flex min-h-28 cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm",
              isDragging ? "border-accent bg-accent-soft" : "border-line bg-surface-muted hover:border-accent",
            )}
            data-testid="artefact-drop"
          >
            <span className="font-medium text-ink">Drop a file here, or choose one</span>
            <span className="text-xs text-ink-muted">Any size: it is read in 4 MiB pieces and never uploaded.</span>
            <input type="file" className="sr-only" onChange={onFile} aria-label="Artefact file" data-testid="artefact-input" />
          </label>
          <form onSubmit={onSubmit} className="flex flex-col justify-center gap-2">
            <Field id="digest" label="Digest">
              <input
                id="digest"
                value={digestText}
                onChange={(event) => setDigestText(event.target.value)}
                placeholder="sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                spellCheck={false}
                className={`${inputClasses} font-mono text-xs`}
                data-testid="digest-input"
              />
            </Field>
            <div>
              <Button type="submit" variant="primary" data-testid="digest-lookup">
                Look up
              </Button>
            </div>
          </form>
        </div>
      </Card>

      <LookupResult lookup={lookup} />

      <ManifestVerifier />
    </div>
  );
}

function LookupResult({ lookup }: { lookup: Lookup }) {
  switch (lookup.state) {
    case "idle":
      return null;
    case "hashing":
      return (
        <p className="text-sm text-ink-muted" role="status">
          Hashing {lookup.name}… {lookup.total > 0 ? Math.round((lookup.done / lookup.total) * 100) : 100}%
        </p>
      );
    case "loading":
      return (
        <p className="text-sm text-ink-muted" role="status">
          Looking up <code className="font-mono text-xs">{lookup.digest}</code>…
        </p>
      );
    case "error":
      return (
        <ErrorMessage testId="lookup-error">{lookup.message}</ErrorMessage>
      );
    case "done":
      if (lookup.answer.matches.length === 0) {
        return (
          <div role="status" className="rounded-md border border-line bg-surface-raised px-4 py-3 text-sm" data-testid="no-match">
            <p className="font-medium text-ink">No match: Threadline has no record of {lookup.name ? <strong>{lookup.name}</strong> : "this artefact"}.</p>
            <p className="mt-1 text-ink-muted">
              No dataset version or file with digest <code className="font-mono text-xs">{lookup.answer.digest}</code> was reported in a{" "}
              <code className="font-mono text-xs">threadline_provenance</code> facet. If the file was edited after it was produced, even by one byte, its digest differs.
            </p>
          </div>
        );
      }
      return (
        <div className="space-y-6">
          {lookup.answer.matches.map((match) => (
            <MatchCard key={`${match.nodeId}\n${match.file ?? ""}`} match={match} digest={lookup.answer.digest ?? ""} />
          ))}
        </div>
      );
  }
}

function versionLabel(ref: VersionRef): string {
  return `${ref.name} @ ${ref.version}`;
}

function VersionLinks({ refs, empty }: { refs: VersionRef[]; empty: string }) {
  if (refs.length === 0) return <span className="text-ink-muted">{empty}</span>;
  return (
    <>
      {refs.map((ref, i) => (
        <span key={ref.nodeId}>
          {i > 0 ? ", " : null}
          <Link href={lineageHref(ref.nodeId)} className="font-medium text-accent underline-offset-2 hover:underline">
            {versionLabel(ref)}
          </Link>
        </span>
      ))}
    </>
  );
}

/** One match: the answer card above the version graph. */
const MatchCard = memo(function MatchCard({ match, digest }: { match: ProvenanceMatch; digest: string }) {
  const manifestHref = `/api/v1/provenance/manifest?${new URLSearchParams({ nodeId: match.nodeId, ...(match.file ? { file: match.file } : {}), download: "1" })}`;
  return (
    <section className="space-y-3" data-testid="provenance-match" data-node-id={match.nodeId}>
      <Card>
        <div className="space-y-3 px-4 py-4">
          <div className="flex flex-wrap items-start justify-between gap-2">
            <div>
              <h2 className="text-lg font-semibold text-ink">{match.file ?? versionLabel(match)}</h2>
              <p className="text-sm text-ink-muted">
                {match.file ? (
                  <>
                    one file of{" "}
                    <Link href={lineageHref(match.nodeId)} className="text-accent underline-offset-2 hover:underline">
                      {versionLabel(match)}
                    </Link>
                  </>
                ) : (
                  <>dataset version in {match.namespace}</>
                )}
                {match.mediaType ? ` · ${match.mediaType}` : null}
                {match.size !== null ? ` · ${match.size.toLocaleString("en-US")} bytes` : null}
              </p>
            </div>
            <SignatureBadge status={match.signature.status} signerName={match.signature.signerName} />
          </div>
          <p className="text-sm text-ink" data-testid="provenance-story">
            {match.producedBy ? (
              <>
                Made by run <code className="font-mono text-xs">{match.producedBy.runId.slice(0, 8)}</code> of job{" "}
                <Link href={lineageHref(match.producedBy.jobId)} className="font-medium text-accent underline-offset-2 hover:underline">
                  {match.producedBy.jobName}
                </Link>
                {match.producedBy.endedAt ? ` on ${match.producedBy.endedAt.slice(0, 10)}` : null}
                {match.producedBy.state !== "COMPLETED" ? ` (run ${match.producedBy.state.toLowerCase()})` : null}.
              </>
            ) : (
              "No producing run was recorded for it."
            )}
          </p>
          <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-ink-muted">Checkpoint</dt>
            <dd data-testid="provenance-models">
              <VersionLinks refs={match.models} empty="none recorded" />
            </dd>
            <dt className="text-ink-muted">Prompt</dt>
            <dd data-testid="provenance-prompts">
              <VersionLinks refs={match.prompts} empty="none recorded" />
            </dd>
            <dt className="text-ink-muted">Parameters</dt>
            <dd data-testid="provenance-parameters">
              {match.parameters.length === 0 ? (
                <span className="text-ink-muted">none recorded</span>
              ) : (
                <ul className="flex flex-wrap gap-1.5">
                  {match.parameters.map((p) => (
                    <li key={`${p.source}:${p.key}`} className="rounded bg-surface-muted px-1.5 py-0.5 font-mono text-xs text-ink">
                      {p.key}={p.value}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt className="text-ink-muted">Inputs</dt>
            <dd>
              <VersionLinks refs={match.inputs} empty="none recorded" />
            </dd>
            <dt className="text-ink-muted">Signature</dt>
            <dd>
              {match.signature.status === "unsigned" ? "The producer sent no signature." : null}
              {match.signature.status !== "unsigned" ? (
                <>
                  key <code className="font-mono text-xs">{match.signature.signerKeyId ?? "none"}</code>
                  {match.signature.signerName ? ` (${match.signature.signerName})` : null}
                </>
              ) : null}
            </dd>
            <dt className="text-ink-muted">Digest</dt>
            <dd className="break-all font-mono text-xs text-ink-muted">{digest}</dd>
          </dl>
          <div className="flex flex-wrap gap-2 pt-1">
            <a href={manifestHref} className={buttonClasses("primary", "md")} data-testid="download-manifest">
              Download manifest
            </a>
            <Link href={lineageHref(match.nodeId)} className={buttonClasses("secondary", "md")} data-testid="open-graph">
              Open in the explorer
            </Link>
          </div>
        </div>
      </Card>
      <VersionGraph nodeId={match.nodeId} />
    </section>
  );
});

const BOX = { version: { width: 196, height: 56 }, activity: { width: 184, height: 56 } };
const sizeOf = (n: LineageNode) => (n.type === "job" || n.type === "run" ? BOX.activity : BOX.version);

/** The match's upstream version graph, drawn statically (the explorer is one click away). */
const VersionGraph = memo(function VersionGraph({ nodeId }: { nodeId: string }) {
  const [graph, setGraph] = useState<LineageGraph | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const params = new URLSearchParams({ node: nodeId, view: "version", direction: "upstream", depth: "3" });
    fetchJson<LineageGraph>(`/api/v1/lineage?${params}`, controller.signal).then(setGraph, (e: unknown) => {
      if (!controller.signal.aborted) setError(errorMessage(e));
    });
    return () => controller.abort();
  }, [nodeId]);
  if (error) return <p className="text-sm text-danger">The graph could not be read: {error}</p>;
  if (!graph) return <p className="text-sm text-ink-muted">Reading the version graph…</p>;
  const layout = layoutGraph(graph.nodes.map((n) => ({ id: n.id, ...sizeOf(n) })), graph.edges, { rankSep: 56, nodeSep: 14 });
  const boxes = Object.fromEntries(graph.nodes.map((n) => [n.id, { ...(layout.positions[n.id] ?? { x: 0, y: 0 }), ...sizeOf(n) }]));
  return (
    <figure className="overflow-x-auto rounded-lg border border-line bg-white p-2" data-testid="provenance-graph">
      <StaticGraph nodes={graph.nodes} edges={graph.edges} boxes={boxes} width={layout.width} height={layout.height} focusId={graph.focus} title={`What made ${nodeId}: its upstream version graph`} />
      <figcaption className="px-1 pt-1 text-xs text-ink-muted">Upstream version graph, three steps back: data flows left to right, into the artefact&apos;s version on the right.</figcaption>
    </figure>
  );
});

/** Verify a downloaded manifest (and, optionally, the artefact) here, with Threadline's public key. */
function ManifestVerifier() {
  const [manifestFile, setManifestFile] = useState<File | null>(null);
  const [artefact, setArtefact] = useState<File | null>(null);
  const [result, setResult] = useState<ManifestCheck | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  async function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!manifestFile) return;
    setIsBusy(true);
    setResult(null);
    try {
      let manifest: unknown;
      try {
        manifest = JSON.parse(await manifestFile.text());
      } catch {
        setResult({ ok: false, passed: [], failures: [`manifest: ${manifestFile.name} is not JSON`] });
        return;
      }
      const key = await fetchJson<{ publicKey: string }>("/api/v1/audit/public-key?format=json").catch(() => null);
      const fileDigest = artefact ? await hashFile(artefact, () => undefined) : undefined;
      const check = await verifyManifest(manifest, { publicKeyPem: key?.publicKey, fileDigest });
      if (!key) check.failures.unshift("key: Threadline's public key could not be read; checked with the manifest's own key");
      setResult({ ...check, ok: check.ok && key !== null });
    } finally {
      setIsBusy(false);
    }
  }

  return (
    <Card>
      <CardHeader title="Verify a manifest" description="Checks the manifest's Ed25519 signature with this Threadline's public key, and that the artefact's digest is the one it names. Nothing is uploaded." />
      <form onSubmit={verify} className="flex flex-wrap items-end gap-3 px-4 py-3">
        <label className="space-y-1 text-xs font-medium text-ink">
          <span className="block">Manifest (.json)</span>
          <input type="file" accept=".json,application/json" onChange={(e) => setManifestFile(e.target.files?.[0] ?? null)} className="block text-sm" data-testid="manifest-input" />
        </label>
        <label className="space-y-1 text-xs font-medium text-ink">
          <span className="block">Artefact (optional)</span>
          <input type="file" onChange={(e) => setArtefact(e.target.files?.[0] ?? null)} className="block text-sm" data-testid="manifest-artefact-input" />
        </label>
        <Button type="submit" variant="primary" disabled={!manifestFile || isBusy} data-testid="manifest-verify">
          {isBusy ? "Verifying…" : "Verify"}
        </Button>
      </form>
      {result ? (
        <div
          role={result.ok ? "status" : "alert"}
          className={cn("mx-4 mb-4 rounded-md px-3 py-2 text-sm", result.ok ? "bg-success-soft text-success" : "bg-danger-soft text-danger")}
          data-testid="manifest-result"
          data-ok={result.ok ? "true" : "false"}
        >
          <p className="font-medium">{result.ok ? "The manifest is genuine." : "The manifest does not verify."}</p>
          <ul className="mt-1 list-disc pl-5">
            {result.failures.map((line) => (
              <li key={line}>{line}</li>
            ))}
            {result.passed.map((line) => (
              <li key={line} className="text-ink">
                {line}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}
