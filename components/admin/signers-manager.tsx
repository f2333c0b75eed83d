"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/format";
import { sendJson } from "@/components/api-client";
import { inputClasses } from "@/components/auth/field";

/** A producer key as GET /api/v1/signers lists it. */
export interface SignerRow {
  keyId: string;
  name: string;
  publicKey: string;
  namespaces: string[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Register producers' Ed25519 public keys and revoke them. */
export function SignersManager({ initialSigners, canManage }: { initialSigners: SignerRow[]; canManage: boolean }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [publicKey, setPublicKey] = useState("");
  const [namespaces, setNamespaces] = useState("");
  const [registered, setRegistered] = useState<SignerRow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  async function onRegister(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      const list = namespaces.split(/[\s,]+/).filter(Boolean);
      const signer = await sendJson<SignerRow>("POST", "/api/v1/signers", { name: name.trim(), publicKey, ...(list.length ? { namespaces: list } : {}) });
      setRegistered(signer);
      setName("");
      setPublicKey("");
      setNamespaces("");
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not register the key.");
    } finally {
      setIsBusy(false);
    }
  }

  async function revoke(signer: SignerRow) {
    if (!window.confirm(`Revoke ${signer.name} (${signer.keyId})? Every artefact it signed will read "Signer revoked".`)) return;
    setError(null);
    try {
      await sendJson("DELETE", `/api/v1/signers/${signer.keyId}`);
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not revoke the key.");
    }
  }

  return (
    <div className="space-y-6">
      {canManage ? (
        <Card>
          <CardHeader
            title="Register a producer key"
            description="The producer signs each artefact's contentHash with its Ed25519 private key and sends the signature with signerKeyId in threadline_provenance."
          />
          <form onSubmit={onRegister} className="grid gap-3 px-4 py-3">
            <div className="grid gap-3 sm:grid-cols-2">
              <div className="space-y-1">
                <label htmlFor="signer-name" className="block text-xs font-medium text-ink">
                  Name
                </label>
                <input id="signer-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="helix-bio generation cluster" className={inputClasses} data-testid="signer-name" />
              </div>
              <div className="space-y-1">
                <label htmlFor="signer-namespaces" className="block text-xs font-medium text-ink">
                  Namespaces it may sign for <span className="font-normal text-ink-muted">(optional, comma-separated; empty: any)</span>
                </label>
                <input id="signer-namespaces" value={namespaces} onChange={(e) => setNamespaces(e.target.value)} placeholder="s3://helix-bio" className={inputClasses} data-testid="signer-namespaces" />
              </div>
            </div>
            <div className="space-y-1">
              <label htmlFor="signer-key" className="block text-xs font-medium text-ink">
                Public key (SPKI PEM)
              </label>
              <textarea
                id="signer-key"
                value={publicKey}
                onChange={(e) => setPublicKey(e.target.value)}
                required
                rows={4}
                placeholder={"-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----"}
                className={`${inputClasses} h-auto font-mono text-xs`}
                data-testid="signer-key"
              />
            </div>
            <div>
              <Button type="submit" variant="primary" disabled={isBusy} data-testid="signer-register">
                {isBusy ? "Registering…" : "Register key"}
              </Button>
            </div>
          </form>
          {registered ? (
            <p className="mx-4 mb-4 rounded-md border border-success/40 bg-success-soft p-3 text-sm text-ink" data-testid="signer-registered">
              Registered <strong>{registered.name}</strong>: its producers send <code className="font-mono text-xs">signerKeyId: &quot;{registered.keyId}&quot;</code>.
            </p>
          ) : null}
          {error ? (
            <p role="alert" className="mx-4 mb-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
              {error}
            </p>
          ) : null}
        </Card>
      ) : null}

      <Card className="overflow-x-auto">
        <CardHeader title="Producer keys" description="Revoked keys stay listed: their signatures read “Signer revoked” rather than “Unknown signer”." />
        {initialSigners.length === 0 ? (
          <p className="px-4 py-6 text-sm text-ink-muted">No producer keys registered yet: every signature reads “Unknown signer”.</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="signer-list">
            <thead className="border-b border-line text-xs uppercase tracking-wide text-ink-faint">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Key id</th>
                <th className="px-4 py-2 font-medium">Namespaces</th>
                <th className="px-4 py-2 font-medium">Registered</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {initialSigners.map((signer) => (
                <tr key={signer.keyId} data-testid="signer-row" data-key-id={signer.keyId}>
                  <td className="px-4 py-2.5 font-medium text-ink">{signer.name}</td>
                  <td className="px-4 py-2.5 font-mono text-xs text-ink-muted">{signer.keyId}</td>
                  <td className="px-4 py-2.5 text-xs text-ink-muted">{signer.namespaces.length ? signer.namespaces.join(", ") : "any"}</td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-ink-muted">
                    {formatDateTime(signer.createdAt)}
                    <div className="text-xs">by {signer.createdBy}</div>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5">
                    {signer.revokedAt ? (
                      <>
                        <Badge tone="danger">revoked</Badge>
                        <div className="mt-0.5 text-xs text-ink-muted">
                          {formatDateTime(signer.revokedAt)} by {signer.revokedBy}
                        </div>
                      </>
                    ) : (
                      <Badge tone="success">active</Badge>
                    )}
                  </td>
                  <td className="px-4 py-2.5 text-right">
                    {canManage && !signer.revokedAt ? (
                      <Button size="sm" onClick={() => revoke(signer)} data-testid="signer-revoke">
                        Revoke
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
