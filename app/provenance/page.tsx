import type { Metadata } from "next";
import Link from "next/link";
import { ProvenanceFinder } from "@/components/provenance/provenance-finder";
import { requirePageReader } from "@/lib/server/auth-context";
import { getStore } from "@/lib/server/db";

export const metadata: Metadata = { title: "Provenance" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// /provenance — "where did this file come from?": drop an artefact or paste its digest; verify a manifest
export default async function ProvenancePage({ searchParams }: { searchParams: SearchParams }) {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const { digest } = await searchParams;
  return (
    <div className="mx-auto w-full max-w-5xl space-y-6 px-4 py-8 sm:px-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Provenance</h1>
        <p className="mt-1 max-w-3xl text-sm text-ink-muted">
          Which checkpoint, prompt and parameters made this exact artefact, and can we prove it? Threadline finds it by its SHA-256 among the digests producers report in the{" "}
          <code className="font-mono text-xs">threadline_provenance</code> facet, checks the producer&apos;s signature against the{" "}
          <Link href="/admin/signers" className="text-accent underline-offset-2 hover:underline">
            registered producer keys
          </Link>
          , and signs a manifest you can verify offline (<code className="font-mono text-xs">npm run verify-manifest</code>). Try it with the demo&apos;s{" "}
          <a href="/demo/mol-0007.smi" download className="text-accent underline-offset-2 hover:underline">
            mol-0007.smi
          </a>
          .
        </p>
      </header>
      <ProvenanceFinder initialDigest={typeof digest === "string" ? digest : null} />
    </div>
  );
}
