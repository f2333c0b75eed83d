import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";

// The audit log as a reviewer uses it, on the seeded e2e store. The tamper tests edit that store's
// file behind the server's back (as the sqlite3 shell would) and put every byte back before they end.
const expect = baseExpect.configure({ timeout: 15_000 });

const dbFile = path.resolve(fileURLToPath(new URL("../..", import.meta.url)), (process.env.E2E_DATABASE_URL ?? "file:./data/e2e.db").replace(/^file:/, ""));

/** Runs one statement through a connection of its own, like an outside tool would. */
function sql(statement: string, ...params: unknown[]): void {
  const db = new Database(dbFile);
  try {
    db.prepare(statement).run(...params);
  } finally {
    db.close();
  }
}

function read<T>(statement: string, ...params: unknown[]): T {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(statement).get(...params) as T;
  } finally {
    db.close();
  }
}

test.describe("audit log", () => {
  test("lists the log newest first with who sent each event, its hash and links to what it touched", async ({ page }) => {
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    await expect(page.getByTestId("verified-badge")).toContainText("Verified");
    await expect(page.getByTestId("header-verified")).toBeVisible();

    const rows = page.getByTestId("audit-event");
    await expect(rows.first()).toBeVisible();
    const seqs = await rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-seq"))));
    expect(seqs.length).toBe(50);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const first = rows.first();
    await expect(first.getByTestId("event-sender")).not.toBeEmpty();
    const hash = first.getByTestId("event-hash");
    await expect(hash).toHaveAttribute("title", /^[0-9a-f]{64}$/);

    // Older pages by sequence number.
    await page.getByTestId("audit-older").click();
    await expect.poll(() => new URL(page.url()).searchParams.get("before")).toBe(String(seqs[seqs.length - 1]));
    await expect(rows.first()).toHaveAttribute("data-seq", String(seqs[seqs.length - 1] - 1));
  });

  test("filters by dataset and event type through the form, and links each touched node to the explorer", async ({ page }) => {
    await page.goto("/audit");
    await page.getByLabel("Dataset", { exact: true }).fill(DEMO_STORY.fineTunedModel);
    await page.getByLabel("Event type", { exact: true }).selectOption("START");
    await page.getByTestId("audit-apply").click();
    await expect.poll(() => new URL(page.url()).searchParams.get("dataset")).toBe(DEMO_STORY.fineTunedModel);

    const rows = page.getByTestId("audit-event");
    await expect(rows.first()).toBeVisible();
    const count = await rows.count();
    expect(count).toBeGreaterThan(3);
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i);
      await expect(row.getByText("START", { exact: true })).toBeVisible();
      await expect(row.locator(`[data-testid="touched-node"][data-node-id="${DEMO_STORY.fineTunedModel}"]`)).toHaveCount(1);
    }
    await rows.first().locator(`[data-testid="touched-node"][data-node-id="${DEMO_STORY.fineTunedModel}"]`).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("node")).toBe(DEMO_STORY.fineTunedModel);
    await expect(page.locator(`.react-flow__node[data-id="${DEMO_STORY.fineTunedModel}"]`)).toBeVisible();
  });

  test("a log record edited behind Threadline's back turns the badge into a banner naming it", async ({ page }) => {
    const seq = 5;
    const { payload } = read<{ payload: string }>("SELECT payload FROM Event WHERE seq = ?", seq);
    sql("UPDATE Event SET payload = ? WHERE seq = ?", payload.replace(/"eventTime":"[^"]+"/, '"eventTime":"2020-01-01T00:00:00Z"'), seq);
    try {
      await page.goto("/audit");
      const banner = page.getByTestId("broken-chain-banner");
      await expect(banner).toContainText(`Hash chain broken at event #${seq}`);
      await expect(banner).toContainText("its content does not match its content hash");
      await expect(page.getByTestId("verified-badge")).toHaveCount(0);
      await expect(page.getByTestId("header-tampered")).toContainText(`#${seq}`);
    } finally {
      sql("UPDATE Event SET payload = ? WHERE seq = ?", payload, seq);
    }
    await page.goto("/audit");
    await expect(page.getByTestId("verified-badge")).toBeVisible();
  });

  test("a projection row edited behind Threadline's back is named with the event that made it", async ({ page }) => {
    const runId = DEMO_STORY.finetuneRuns.v3.slice("run:".length);
    const { state } = read<{ state: string }>("SELECT state FROM Run WHERE runId = ?", runId);
    const { seq } = read<{ seq: number }>("SELECT seq FROM Node WHERE key = ?", DEMO_STORY.finetuneRuns.v3);
    sql("UPDATE Run SET state = 'FAILED' WHERE runId = ?", runId);
    try {
      await page.goto("/audit");
      const banner = page.getByTestId("broken-chain-banner");
      await expect(banner).toContainText(`Projection tampered: event #${seq}`);
      await expect(banner).toContainText(runId);
      await expect(banner).toContainText("Run");
    } finally {
      sql("UPDATE Run SET state = ? WHERE runId = ?", state, runId);
    }
    await page.goto("/audit");
    await expect(page.getByTestId("verified-badge")).toBeVisible();
  });
});
