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

  test("suggests jobs and datasets as their names are typed, and filters by a bare name", async ({ page }) => {
    await page.goto("/audit");
    const dataset = page.getByRole("combobox", { name: "Dataset" });
    await dataset.fill("binding affin");
    const suggestion = page.getByTestId("audit-dataset-suggestions").getByRole("option").filter({ hasText: "models/binding-affinity-ft" });
    await suggestion.click();
    await expect(dataset).toHaveValue("mlflow://helix-bio:models/binding-affinity-ft");
    await expect(page.getByTestId("audit-dataset-suggestions")).toBeHidden();

    // A bare job name, typed out and applied as it is.
    const job = page.getByRole("combobox", { name: "Job" });
    await job.fill("finetune-bind");
    await expect(page.getByTestId("audit-job-suggestions").getByRole("option").first()).toContainText("finetune-binding-model");
    await job.fill("finetune-binding-model");
    await job.press("Escape");
    await page.getByTestId("audit-apply").click();
    await expect.poll(() => new URL(page.url()).searchParams.get("job")).toBe("finetune-binding-model");
    expect(new URL(page.url()).searchParams.get("dataset")).toBe("mlflow://helix-bio:models/binding-affinity-ft");
    const rows = page.getByTestId("audit-event");
    await expect(rows.first()).toBeVisible();
    for (const row of await rows.all()) {
      await expect(row.locator(`a[title="${DEMO_STORY.finetuneJob}"]`)).toBeVisible();
      await expect(row.locator(`[data-testid="touched-node"][data-node-id="${DEMO_STORY.fineTunedModel}"]`)).toHaveCount(1);
    }

    // A name no job has is said beside the form, with the field it is in.
    await job.fill("finetune-binding-mdl");
    await job.press("Escape");
    await page.getByTestId("audit-apply").click();
    await expect(page.getByTestId("audit-filter-error")).toContainText("job: no job is named “finetune-binding-mdl”");
  });

  test("shows every filter of a link in the form, dates included, and back and forward restore them", async ({ page }) => {
    const runId = DEMO_STORY.finetuneRuns.v3.slice("run:".length);
    await page.goto(`/audit?dataset=models/binding-affinity-ft&run=${runId}&type=COMPLETE&from=2026-10-01&to=2026-11-30T12:30:00Z&timeField=receivedAt`);
    await expect(page.getByRole("combobox", { name: "Dataset" })).toHaveValue("models/binding-affinity-ft");
    await expect(page.getByLabel("Run", { exact: true })).toHaveValue(runId);
    await expect(page.getByLabel("Event type", { exact: true })).toHaveValue("COMPLETE");
    await expect(page.getByLabel("From (UTC)")).toHaveValue("2026-10-01T00:00");
    await expect(page.getByLabel("Before (UTC)")).toHaveValue("2026-11-30T12:30");
    await expect(page.getByLabel("Time is")).toHaveValue("receivedAt");
    // A date alone as the end bound covers that whole day: the form shows where it ends.
    await page.goto("/audit?from=2026-10-24&to=2026-10-24");
    await expect(page.getByLabel("From (UTC)")).toHaveValue("2026-10-24T00:00");
    await expect(page.getByLabel("Before (UTC)")).toHaveValue("2026-10-25T00:00");
    const times = await page.getByTestId("audit-event").locator("td:nth-child(5) p:first-child").allTextContents();
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(time).toContain("2026-10-24");

    // Changing the form changes the address; back and forward bring each page's filters back.
    await page.getByLabel("Event type", { exact: true }).selectOption("START");
    await page.getByTestId("audit-apply").click();
    await expect.poll(() => new URL(page.url()).searchParams.get("type")).toBe("START");
    expect(new URL(page.url()).searchParams.get("from")).toBe("2026-10-24T00:00");
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get("type")).toBeNull();
    await expect(page.getByLabel("Event type", { exact: true })).toHaveValue("");
    await expect(page.getByLabel("Before (UTC)")).toHaveValue("2026-10-25T00:00");
    await page.goForward();
    await expect(page.getByLabel("Event type", { exact: true })).toHaveValue("START");
  });

  test("#N opens the record: its payload laid out with links, its hashes, its place in the chain", async ({ page }) => {
    await page.goto(`/audit?job=${encodeURIComponent(DEMO_STORY.finetuneJob)}&type=COMPLETE`);
    const row = page.getByTestId("audit-event").first();
    const seq = Number(await row.getAttribute("data-seq"));
    const hash = await row.getByTestId("event-hash").getAttribute("title");
    await row.getByTestId("event-link").click();
    await expect(page).toHaveURL(new RegExp(`/audit/events/${seq}$`));
    await expect(page.getByRole("heading", { name: `Event #${seq}` })).toContainText("finetune-binding-model");
    await expect(page).toHaveTitle(new RegExp(`Event #${seq}`));

    const payload = page.getByTestId("event-payload");
    await expect(payload.getByTestId("payload-job")).toHaveText("finetune-binding-model");
    await expect(payload.getByTestId("payload-run")).toHaveText(/^[0-9a-f-]{36}$/);
    await expect(payload.getByTestId("payload-outputs").getByTestId("payload-dataset-link")).toContainText(["models/binding-affinity-ft"]);
    await expect(payload.getByTestId("payload-inputs")).toContainText("none");
    // Facets are folded until asked for.
    const facet = payload.getByTestId("payload-outputs").getByTestId("facet").filter({ hasText: "outputStatistics" });
    await expect(facet.locator("pre")).toBeHidden();
    await facet.locator("summary").click();
    await expect(facet.locator("pre")).toBeVisible();
    await expect(payload.getByTestId("raw-json")).toHaveAttribute("href", `/api/v1/audit/events/${seq}`);

    const hashes = page.getByTestId("event-hashes");
    await expect(hashes.getByTestId("detail-hash")).toHaveText(hash ?? "");
    await expect(hashes.getByTestId("chain-status")).toHaveAttribute("data-tone", "success");
    await expect(hashes.getByTestId("record-check")).toHaveCount(3);
    for (const check of await hashes.getByTestId("record-check").all()) await expect(check).toHaveAttribute("data-holds", "true");

    // Neighbours in the chain, and back into the explorer.
    await page.getByTestId("event-previous").click();
    await expect(page.getByRole("heading", { name: `Event #${seq - 1}` })).toBeVisible();
    await page.getByTestId("event-next").click();
    await expect(page.getByRole("heading", { name: `Event #${seq}` })).toBeVisible();
    await page.getByTestId("event-payload").getByTestId("payload-outputs").getByTestId("payload-dataset-link").first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get("node")).toBe(DEMO_STORY.fineTunedModel);
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
      // The record's own page says its bytes no longer hash to what the chain recorded; a later one, that the chain broke before it.
      await page.goto(`/audit/events/${seq}`);
      await expect(page.getByTestId("chain-status")).toContainText("This record breaks the chain");
      await expect(page.getByTestId("record-check").filter({ hasText: "content hash" })).toHaveAttribute("data-holds", "false");
      await page.goto(`/audit/events/${seq + 2}`);
      await expect(page.getByTestId("chain-status")).toContainText(`broken before this record, at #${seq}`);
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
