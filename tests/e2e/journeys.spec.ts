import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";

/**
 * Paths into the journeys: a link from the overview opens the explorer with its node selected and
 * says at once what went wrong, in the side panel.
 */
const expect = baseExpect.configure({ timeout: 15_000 });

test("the overview's failed-run link opens the run with its error in the panel", async ({ page }) => {
  await page.goto("/");
  // The demo's failed run (out of GPU memory), whatever other runs other specs made fail before.
  const row = page.getByTestId("failed-runs").getByTestId("run-row").filter({ hasText: "score-docking" }).first();
  const error = (await row.locator("p.font-mono").textContent())?.trim() ?? "";
  expect(error.length).toBeGreaterThan(0);
  await row.getByRole("link", { name: /Open the lineage of run/ }).click();

  const panel = page.getByTestId("side-panel");
  await expect(panel).toBeVisible();
  await expect(page).toHaveURL(/selected=run/);
  // At the top of the panel, in view without scrolling.
  const failed = panel.getByTestId("section-overview").getByTestId("run-failed");
  await expect(failed).toContainText(error.slice(0, 40));
  await expect(failed).toBeInViewport();
});

test("a failed output's link opens its version with the failing checks listed", async ({ page }) => {
  await page.goto("/");
  const row = page.getByTestId("failed-outputs").getByTestId("failed-output-row").filter({ hasText: "2026-11-02" });
  await row.getByRole("link", { name: "generated/molecules-batch", exact: true }).click();

  await expect.poll(() => new URL(page.url()).searchParams.get("selected")).toBe(DEMO_STORY.failedBatch);
  const failures = page.getByTestId("side-panel").getByTestId("failures");
  await expect(failures).toBeInViewport();
  const checks = failures.locator('[data-testid="failure"][data-source="check"]');
  await expect(checks.first()).toContainText(/failed check/i);
  await expect(checks.first()).toContainText(/alert/i);
});
