"use client";

import { useState } from "react";
import type { Signer } from "@/lib/schemas/provenance";
import { sendJson } from "@/components/api-client";
import { useServerWrite } from "@/components/use-server-write";
import { Field, TextField, inputClasses } from "@/components/ui/field";
import { DoneBy, type RecordColumn } from "@/components/ui/record-table";
import { RevokeButton } from "@/components/ui/revoke-button";
import { ManagedList, statusColumn } from "./managed-list";

/** Register producers' Ed25519 public keys and revoke them. */
export function SignersManager({ initialSigners, canManage }: { initialSigners: Signer[]; canManage: boolean }) {
  const { error, isBusy, run } = useServerWrite();
  const [name, setName] = useState("");
  const [publicKey, setPublicKey] = useState("");
  const [namespaces, setNamespaces] = useState("");
  const [registered, setRegistered] = useState<Signer | null>(null);

  function register() {
    const list = namespaces.split(/[\s,]+/).filter(Boolean);
    void run(
      () => sendJson<Signer>("POST", "/api/v1/signers", { name: name.trim(), publicKey, ...(list.length ? { namespaces: list } : {}) }),
      (signer) => {
        setRegistered(signer);
        setName("");
        setPublicKey("");
        setNamespaces("");
      },
    );
  }

  const columns: RecordColumn<Signer>[] = [
    { header: "Name", className: "font-medium text-ink", cell: (signer) => signer.name },
    { header: "Key id", className: "font-mono text-xs text-ink-muted", cell: (signer) => signer.keyId },
    { header: "Namespaces", className: "text-xs text-ink-muted", cell: (signer) => (signer.namespaces.length ? signer.namespaces.join(", ") : "any") },
    { header: "Registered", className: "whitespace-nowrap text-ink-muted", cell: (signer) => <DoneBy at={signer.createdAt} by={signer.createdBy} /> },
    statusColumn(),
    {
      className: "text-right",
      cell: (signer) =>
        canManage && !signer.revokedAt ? (
          <RevokeButton
            question={`Revoke ${signer.name} (${signer.keyId})? Every artefact it signed will read "Signer revoked".`}
            onRevoke={() => run(() => sendJson("DELETE", `/api/v1/signers/${signer.keyId}`))}
            testId="signer-revoke"
          />
        ) : null,
    },
  ];

  return (
    <ManagedList
      error={error}
      isBusy={isBusy}
      add={
        canManage
          ? {
              title: "Register a producer key",
              description: "The producer signs each artefact's contentHash with its Ed25519 private key and sends the signature with signerKeyId in threadline_provenance.",
              layout: "stack",
              onSubmit: register,
              submitLabel: "Register key",
              busyLabel: "Registering…",
              submitTestId: "signer-register",
              fields: (
                <>
                  <div className="grid gap-3 sm:grid-cols-2">
                    <TextField id="signer-name" label="Name" value={name} onValueChange={setName} required maxLength={200} placeholder="helix-bio generation cluster" />
                    <TextField
                      id="signer-namespaces"
                      label={
                        <>
                          Namespaces it may sign for <span className="font-normal text-ink-muted">(optional, comma-separated; empty: any)</span>
                        </>
                      }
                      value={namespaces}
                      onValueChange={setNamespaces}
                      placeholder="s3://helix-bio"
                    />
                  </div>
                  <Field id="signer-key" label="Public key (SPKI PEM)">
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
                  </Field>
                </>
              ),
              result: registered ? (
                <p className="mx-4 mb-4 rounded-md border border-success/40 bg-success-soft p-3 text-sm text-ink" data-testid="signer-registered">
                  Registered <strong>{registered.name}</strong>: its producers send <code className="font-mono text-xs">signerKeyId: &quot;{registered.keyId}&quot;</code>.
                </p>
              ) : null,
            }
          : undefined
      }
      list={{
        title: "Producer keys",
        description: "Revoked keys stay listed: their signatures read “Signer revoked” rather than “Unknown signer”.",
        empty: "No producer keys registered yet: every signature reads “Unknown signer”.",
        rows: initialSigners,
        columns,
        rowKey: (signer) => signer.keyId,
        rowProps: (signer) => ({ "data-testid": "signer-row", "data-key-id": signer.keyId }),
        testId: "signer-list",
      }}
    />
  );
}
