"use client";

import { useState } from "react";
import { toRole, type ApiKeySummary, type Role } from "@/lib/schemas/auth";
import { sendJson } from "@/components/api-client";
import { useServerWrite } from "@/components/use-server-write";
import { Button } from "@/components/ui/button";
import { TextField, inputClasses } from "@/components/ui/field";
import { DoneBy, type RecordColumn } from "@/components/ui/record-table";
import { RevokeButton } from "@/components/ui/revoke-button";
import { formatDateTime } from "@/components/format";
import { ManagedList, statusColumn } from "./managed-list";
import { RoleField, RoleSelect } from "./role-select";

/** Create a named key with a role (its secret shown once), change a key's role, revoke keys. */
export function ApiKeysManager({ initialKeys }: { initialKeys: ApiKeySummary[] }) {
  const { error, isBusy, run } = useServerWrite();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [isCopied, setIsCopied] = useState(false);

  function create() {
    void run(
      () => sendJson<{ key: ApiKeySummary; secret: string }>("POST", "/api/v1/keys", { name: name.trim(), role }),
      (answer) => {
        setCreated({ name: answer.key.name, secret: answer.secret });
        setName("");
      },
    );
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setIsCopied(true);
      setTimeout(() => setIsCopied(false), 1500);
    } catch {
      setIsCopied(false);
    }
  }

  const columns: RecordColumn<ApiKeySummary>[] = [
    { header: "Name", className: "font-medium text-ink", cell: (key) => key.name },
    { header: "Key starts with", className: "font-mono text-xs text-ink-muted", cell: (key) => `${key.prefix}…` },
    {
      header: "Role",
      cell: (key) => (
        <div data-testid="key-role-cell" data-role={key.role}>
          {key.revokedAt ? (
            <span className="text-ink-muted">{key.role}</span>
          ) : (
            <RoleSelect
              label={`Role of ${key.name}`}
              value={toRole(key.role)}
              disabled={isBusy}
              onChange={(next) => void run(() => sendJson("PATCH", `/api/v1/keys/${key.id}`, { role: next }))}
              testId="key-role-select"
            />
          )}
        </div>
      ),
    },
    { header: "Created", className: "whitespace-nowrap text-ink-muted", cell: (key) => <DoneBy at={key.createdAt} by={key.createdBy} /> },
    { header: "Last used", className: "whitespace-nowrap text-ink-muted", cell: (key) => (key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "never") },
    statusColumn(),
    {
      className: "text-right",
      cell: (key) =>
        key.revokedAt ? null : (
          <RevokeButton
            question={`Revoke ${key.name}? Every client using it will be refused from now on.`}
            onRevoke={() => run(() => sendJson("DELETE", `/api/v1/keys/${key.id}`))}
            testId="key-revoke"
          />
        ),
    },
  ];

  return (
    <ManagedList
      error={error}
      isBusy={isBusy}
      add={{
        title: "Create a key",
        description: "Name it after the machine or pipeline that will use it: the name is recorded on every event it sends. A viewer key reads (a dashboard, an auditor); an editor key writes.",
        layout: "row",
        onSubmit: create,
        submitLabel: "Create key",
        busyLabel: "Creating…",
        submitTestId: "key-create",
        fields: (
          <>
            <TextField id="key-name" label="Name" className="min-w-[16rem] flex-1" value={name} onValueChange={setName} required maxLength={64} pattern="[A-Za-z0-9][\w.@\-]*" placeholder="airflow-prod" />
            <RoleField id="key-role" value={role} onChange={setRole} />
          </>
        ),
        result: created ? (
          <div className="mx-4 mb-4 space-y-2 rounded-md border border-success/40 bg-success-soft p-3" data-testid="key-created">
            <p className="text-sm font-medium text-ink">
              Key <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
            </p>
            <div className="flex gap-1.5">
              <input readOnly value={created.secret} onFocus={(event) => event.currentTarget.select()} className={`${inputClasses} font-mono text-xs`} data-testid="key-secret" />
              <Button onClick={copy}>{isCopied ? "Copied" : "Copy"}</Button>
            </div>
          </div>
        ) : null,
      }}
      list={{
        title: "Keys",
        description: "Revoked keys stay listed: they explain the senders of older events.",
        empty: "No API keys yet.",
        rows: initialKeys,
        columns,
        rowKey: (key) => key.id,
        rowProps: (key) => ({ "data-testid": "key-row", "data-key-name": key.name }),
        testId: "key-list",
      }}
    />
  );
}
