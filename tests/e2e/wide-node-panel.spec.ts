import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { makeRunEvent } from "../api/support/api";

/**
 * A job that reads 450 datasets: its side panel shows the first 200 of each long list with the
 * totals, and "Show more" loads the rest a page at a time, as a person would page through them.
 */

test("the side panel of a wide job pages its inputs and upstream with Show more", async ({ page, request }) => {
  test.setTimeout(120_000);
  const ns = `e2e-wide-${randomUUID().slice(0, 8)}`;
  const shards = Array.from({ length: 450 }, (_, i) => `shard-${String(i).padStart(3, "0")}`);
  const response = await request.post("/api/v1/lineage", { data: makeRunEvent(ns, { job: "merge-shards", inputs: shards, outputs: ["merged"] }) });
  expect(response.status()).toBe(201);
  const job = `job:${ns}:merge-shards`;
  await page.goto(`/lineage?node=${encodeURIComponent(job)}&selected=${encodeURIComponent(job)}&depth=1&limit=50`);
  const panel = page.getByTestId("side-panel");
  // A busy machine may take a while to lay out 50 nodes and load the panel.
  await expect(panel.getByTestId("side-panel-title")).toContainText("merge-shards", { timeout: 30_000 });

  const inputs = panel.getByTestId("transformation-inputs");
  await expect(inputs.locator("li")).toHaveCount(200, { timeout: 30_000 });
  await expect(panel.getByText("Inputs · 450")).toBeVisible();
  const more = panel.getByTestId("transformation-inputs-more");
  await expect(more).toContainText("250 more not shown");
  await more.getByRole("button", { name: "Show more" }).click();
  await expect(inputs.locator("li")).toHaveCount(400);
  await expect(more).toContainText("50 more not shown");
  await more.getByRole("button", { name: "Show more" }).click();
  await expect(inputs.locator("li")).toHaveCount(450);
  await expect(panel.getByTestId("transformation-inputs-more")).toHaveCount(0);
  await expect(inputs.locator("li").last()).toContainText("shard-449");

  const upstream = panel.getByTestId("upstream-list");
  await upstream.scrollIntoViewIfNeeded();
  await expect(upstream.locator("li")).toHaveCount(200);
  await panel.getByTestId("upstream-list-more").getByRole("button", { name: "Show more" }).click();
  await expect(upstream.locator("li")).toHaveCount(400);
  await panel.getByTestId("upstream-list-more").scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("wide-node-panel.png") });
});
