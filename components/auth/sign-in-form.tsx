"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { safeRedirectPath } from "@/lib/safe-url";
import { ApiError, sendJson } from "@/components/api-client";
import { inputClasses } from "@/components/ui/field";
import { ErrorMessage } from "@/components/ui/error-message";

/** Username and password; on success the server sets the session cookie and we go where we were going. */
export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setIsBusy(true);
    setError(null);
    try {
      await sendJson("POST", "/api/v1/auth/signin", { username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") });
      // Checked again here: the form is the one that navigates.
      router.replace(safeRedirectPath(next));
      router.refresh();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Sign-in failed.");
      setIsBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" data-testid="sign-in-form">
      <div className="space-y-1">
        <label htmlFor="username" className="block text-sm font-medium text-ink">
          Username
        </label>
        <input id="username" name="username" autoComplete="username" required className={inputClasses} />
      </div>
      <div className="space-y-1">
        <label htmlFor="password" className="block text-sm font-medium text-ink">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClasses} />
      </div>
      {error ? <ErrorMessage testId="sign-in-error">{error}</ErrorMessage> : null}
      <Button type="submit" variant="primary" className="w-full justify-center" disabled={isBusy}>
        {isBusy ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
