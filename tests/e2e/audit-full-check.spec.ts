import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { makeRunEvent, uniqueNamespace } from "../api/support/api";
import { ownPort, ownServerForTests, ROOT, startOwnServer } from "../support/own-server";

/**
 * "Run a full check" on /audit: an admin asks for a full verification now and reads who asked, when
 * and what it found, on this server and on a second server of the same store; after a record of
 * the log is edited behind Threadline's back, the check names it.
 */

const PORT = ownPort(7);
const DB_FILE = "data/e2e-full-check.db";
const ADMIN = { username: "root", password: "correct horse battery staple" };
const WRITER_KEY = "full-check-writer-key-0123456789";

const server = ownServerForTests({
  port: PORT,
  dbFile: DB_FILE,
  env: { THREADLINE_ADMIN_USER: ADMIN.username, THREADLINE_ADMIN_PASSWORD: ADMIN.password, THREADLINE_API_KEY: WRITER_KEY },
});

/** Runs one statement on the store's file through a connection of its own, as the sqlite3 shell would. */
function sql<T>(statement: string, ...params: unknown[]): T | undefined {
  const db = new Database(path.join(ROOT, DB_FILE));
  try {
    const prepared = db.prepare(statement);
    return (prepared.reader ? prepared.get(...params) : (prepared.run(...params), undefined)) as T | undefined;
  } finally {
    db.close();
  }
}

async function signedInAdmin(browser: Browser, baseURL: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto("/signin?next=/audit");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  return page;
}

test.describe("full check from /audit", () => {
  test.beforeAll(async ({ request }) => {
    const namespace = uniqueNamespace("full-check");
    for (let i = 0; i < 12; i++) {
      const answer = await request.post(`${server.baseURL}/api/v1/lineage`, {
        headers: { authorization: `Bearer ${WRITER_KEY}` },
        data: makeRunEvent(namespace, { job: `train-${i % 3}`, inputs: [`features-${i % 4}`], outputs: [`model-${i}`] }),
      });
      expect(answer.status()).toBe(201);
    }
  });

  test("an admin runs it and reads who asked, when and what it found; another server of the store shows the same", async ({ browser }, info) => {
    test.setTimeout(120_000);
    // Nobody but an admin is offered the button.
    const anonymous = await (await browser.newContext({ baseURL: server.baseURL })).newPage();
    await anonymous.goto("/audit");
    await expect(anonymous.getByTestId("verified-badge")).toBeVisible();
    await expect(anonymous.getByTestId("full-check-button")).toHaveCount(0);

    const page = await signedInAdmin(browser, server.baseURL);
    const button = page.getByTestId("full-check-button");
    await expect(button).toHaveText("Run a full check");
    await button.click();
    const result = page.getByTestId("full-check-result");
    await expect(result).toHaveAttribute("data-ok", "true");
    await expect(result).toContainText("Verified: the hash chain of all 12 events holds");
    await expect(result).toContainText(`asked for by user:${ADMIN.username}, run by server`);
    await expect(button).toBeEnabled();
    // The page was refreshed: the verification above rests on that pass and says who asked for it.
    await expect(page.getByTestId("verified-at")).toContainText(`asked for by user:${ADMIN.username}`);
    await info.attach("audit-full-check", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

    // A second server on the same store reads the shared result.
    const other = await startOwnServer({ port: ownPort(8), databaseUrl: `file:${path.join(ROOT, DB_FILE)}` });
    try {
      const reader = await (await browser.newContext({ baseURL: other.baseURL })).newPage();
      const verify = await reader.request.get("/api/v1/audit/verify?maxAge=600");
      expect((await verify.json()).fullCheck).toMatchObject({ requestedBy: `user:${ADMIN.username}` });
      await reader.goto("/audit");
      await expect(reader.getByTestId("verified-badge")).toBeVisible();
    } finally {
      await other.stop();
    }
  });

  test("after a record of the log is edited behind Threadline's back, the full check names it", async ({ browser }, info) => {
    test.setTimeout(120_000);
    const seq = 5;
    const { payload } = sql<{ payload: string }>("SELECT payload FROM Event WHERE seq = ?", seq)!;
    sql("UPDATE Event SET payload = ? WHERE seq = ?", payload.replace("COMPLETE", "FAIL"), seq);
    try {
      const page = await signedInAdmin(browser, server.baseURL);
      await page.getByTestId("full-check-button").click();
      const result = page.getByTestId("full-check-result");
      await expect(result).toHaveAttribute("data-ok", "false");
      await expect(result).toContainText(`Hash chain broken at event #${seq}: its content does not match its content hash`);
      await expect(result).toContainText(`asked for by user:${ADMIN.username}`);
      await expect(page.getByTestId("broken-chain-banner")).toContainText(`Hash chain broken at event #${seq}`);
      await info.attach("audit-full-check-broken", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    } finally {
      sql("UPDATE Event SET payload = ? WHERE seq = ?", payload, seq);
    }
  });
});
