import { expect, type APIRequestContext, type Locator } from "@playwright/test";

/**
 * The flag dialog as a reviewer fills it, and the clean-up of a flag a test left on the shared
 * server (which keeps what a test writes).
 */

export interface FlagForm {
  kind: string;
  severity?: string;
  reason: string;
  /** "Your name", when the dialog asks for it (local demo mode). */
  by?: string;
}

/** Fills and submits the open flag dialog; the new flag's id, read from its impact link. */
export async function submitFlag(dialog: Locator, form: FlagForm): Promise<string> {
  await dialog.getByLabel("What is wrong").selectOption(form.kind);
  if (form.severity) await dialog.getByLabel("Severity").selectOption(form.severity);
  await dialog.getByLabel("Reason").fill(form.reason);
  if (form.by) await dialog.getByLabel(/Your name/).fill(form.by);
  await dialog.getByTestId("flag-submit").click();
  await expect(dialog.getByTestId("flag-saved")).toBeVisible({ timeout: 15_000 });
  const href = await dialog.getByTestId("flag-impact-link").getAttribute("href");
  return decodeURIComponent(href?.split("/").pop() ?? "");
}

/** Removes a flag a test added (nothing when it never got one). */
export async function removeFlag(request: APIRequestContext, flagId: string | null): Promise<void> {
  if (!flagId) return;
  expect((await request.delete(`/api/v1/flags/${encodeURIComponent(flagId)}`, { data: { reason: "e2e cleanup" } })).status()).toBe(200);
}
