"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/format";
import { sendJson } from "@/components/api-client";
import { inputClasses } from "@/components/auth/field";
import { toRole, type Role } from "@/lib/schemas/auth";
import { RoleSelect } from "./role-select";

/** An API key as GET /api/v1/keys lists it (never the secret). */
export interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  role: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Create a named key with a role (its secret shown once), change a key's role, revoke keys. */
export function ApiKeysManager({ initialKeys }: { initialKeys: ApiKeyRow[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [isCopied, setIsCopied] = useState(false);

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      const result = await sendJson<{ key: ApiKeyRow; secret: string }>("POST", "/api/v1/keys", { name: name.trim(), role });
      setCreated({ name: result.key.name, secret: result.secret });
      setName("");
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not create the key.");
    } finally {
      setIsBusy(false);
    }
  }

  async function revoke(key: ApiKeyRow) {
    if (!window.confirm(`Revoke ${key.name}? Every client using it will be refused from now on.`)) return;
    setError(null);
    try {
      await sendJson("DELETE", `/api/v1/keys/${key.id}`);
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not revoke the key.");
    }
  }

  async function changeRole(key: ApiKeyRow, next: Role) {
    setError(null);
    try {
      await sendJson("PATCH", `/api/v1/keys/${key.id}`, { role: next });
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not change the key's role.");
    }
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

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Create a key" description="Name it after the machine or pipeline that will use it: the name is recorded on every event it sends. A viewer key reads (a dashboard, an auditor); an editor key writes." />
        <form onSubmit={onCreate} className="flex flex-wrap items-end gap-2 px-4 py-3">
          <div className="min-w-[16rem] flex-1 space-y-1">
            <label htmlFor="key-name" className="block text-xs font-medium text-ink">
              Name
            </label>
            <input
              id="key-name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              required
              maxLength={64}
              pattern="[A-Za-z0-9][\w.@\-]*"
              placeholder="airflow-prod"
              className={inputClasses}
              data-testid="key-name"
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="key-role" className="block text-xs font-medium text-ink">
              Role
            </label>
            <RoleSelect id="key-role" value={role} onChange={setRole} testId="key-role" />
          </div>
          <Button type="submit" variant="primary" disabled={isBusy} data-testid="key-create">
            {isBusy ? "Creating…" : "Create key"}
          </Button>
        </form>
        {created ? (
          <div className="mx-4 mb-4 space-y-2 rounded-md border border-success/40 bg-success-soft p-3" data-testid="key-created">
            <p className="text-sm font-medium text-ink">
              Key <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
            </p>
            <div className="flex gap-1.5">
              <input readOnly value={created.secret} onFocus={(event) => event.currentTarget.select()} className={`${inputClasses} font-mono text-xs`} data-testid="key-secret" />
              <Button onClick={copy}>{isCopied ? "Copied" : "Copy"}</Button>
            </div>
          </div>
        ) : null}
        {error ? (
          <p role="alert" className="mx-4 mb-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            {error}
          </p>
        ) : null}
      </Card>

      <Card className="overflow-x-auto">
        <CardHeader title="Keys" description="Revoked keys stay listed: they explain the senders of older events." />
        {initialKeys.length === 0 ? (
          <p className="px-4 py-6 text-sm text-ink-muted">No API keys yet.</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="key-list">
            <thead className="border-b border-line text-xs uppercase tracking-wide text-ink-faint">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Key starts with</th>
                <th className="px-4 py-2 font-medium">Role</th>
                <th className="px-4 py-2 font-medium">Created</th>
                <th className="px-4 py-2 font-medium">Last used</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {initialKeys.map((key) => (
                <tr key={key.id} data-testid="key-row" data-key-name={key.name}>
                  <td className="px-4 py-2.5 font-medium text-ink">{key.name}</td>
                  <td className="px-4 py-2.5 font-mono text-xs text-ink-muted">{key.prefix}…</td>
                  <td className="px-4 py-2.5" data-testid="key-role-cell" data-role={key.role}>
                    {key.revokedAt ? (
                      <span className="text-ink-muted">{key.role}</span>
                    ) : (
                      <RoleSelect label={`Role of ${key.name}`} value={toRole(key.role)} onChange={(next) => void changeRole(key, next)} testId="key-role-select" />
                    )}
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-ink-muted">
                    {formatDateTime(key.createdAt)}
                    <div className="text-xs">by {key.createdBy}</div>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2.5 text-ink-muted">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "never"}</td>
                  <td className="whitespace-nowrap px-4 py-2.5">
                    {key.revokedAt ? (
                      <>
                        <Badge tone="danger">revoked</Badge>
                        <div className="mt-0.5 text-xs text-ink-muted">
                          {formatDateTime(key.revokedAt)} by {key.revokedBy}
                        </div>
                      </>
                    ) : (
                      <Badge tone="success">active</Badge>
                    )}
                  </td>
                  <td className="px-4 py-2.5 text-right">
                    {!key.revokedAt ? (
                      <Button size="sm" onClick={() => revoke(key)} data-testid="key-revoke">
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
