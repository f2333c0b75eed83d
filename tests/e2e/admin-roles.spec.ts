import { expect, test, type Page } from "@playwright/test";
import { ownPort, ownServerForTests } from "../support/own-server";

/**
 * A private Threadline (THREADLINE_READ_AUTH=on) as its people meet it: a page asks to sign in and
 * comes back after; an admin adds a person with a role on /admin, changes it, and makes a read-only
 * key; the person then signs in with the role the admin set.
 */

const PORT = ownPort(9);
const ADMIN = { username: "root", password: "correct horse battery staple" };

const server = ownServerForTests({
  port: PORT,
  dbFile: "data/e2e-admin-roles.db",
  env: { THREADLINE_READ_AUTH: "on", THREADLINE_ADMIN_USER: ADMIN.username, THREADLINE_ADMIN_PASSWORD: ADMIN.password },
});

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(username);
}

test("a private page asks to sign in and returns; an admin sets a person's and a key's role on /admin", async ({ browser }, info) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();

  const answer = await page.goto("/audit");
  expect(answer?.status()).toBe(401);
  await expect(page.getByRole("heading", { name: "Sign in to read this Threadline" }).or(page.getByText("Sign in to read this Threadline"))).toBeVisible();
  await expect(page.getByRole("link", { name: "Audit" })).toHaveCount(0);
  await info.attach("private-read-sign-in", { body: await page.screenshot(), contentType: "image/png" });
  await page.getByTestId("sign-in-required-link").click();
  await expect(page).toHaveURL(/\/signin\?next=%2Faudit$/);
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();

  await page.getByRole("link", { name: "People & keys" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "People and API keys" })).toBeVisible();

  // Add a viewer.
  await page.getByLabel("Username").fill("vera");
  await page.getByLabel("Password (10+ characters)").fill("a long enough password");
  await page.getByTestId("user-role").selectOption("viewer");
  await page.getByRole("button", { name: "Add person" }).click();
  const vera = page.locator('[data-testid="user-row"][data-username="vera"]');
  await expect(vera).toHaveAttribute("data-role", "viewer");

  // Promote her to editor: the page shows what the server now holds.
  await page.getByLabel("Role of vera").selectOption("editor");
  await expect(vera).toHaveAttribute("data-role", "editor");

  // The last admin cannot be demoted, and the page says why.
  await page.getByLabel(`Role of ${ADMIN.username}`).selectOption("viewer");
  await expect(page.getByRole("alert").filter({ hasText: "last admin" })).toBeVisible();
  await page.reload();
  await expect(page.locator(`[data-testid="user-row"][data-username="${ADMIN.username}"]`)).toHaveAttribute("data-role", "admin");

  // A read-only key for a dashboard.
  await page.getByLabel("Name", { exact: true }).fill("dashboard");
  await page.locator("#key-role").selectOption("viewer");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("key-created")).toContainText("dashboard");
  const keyRow = page.locator('[data-testid="key-row"][data-key-name="dashboard"]');
  await expect(keyRow.getByTestId("key-role-cell")).toHaveAttribute("data-role", "viewer");
  await keyRow.getByLabel("Role of dashboard").selectOption("editor");
  await expect(keyRow.getByTestId("key-role-cell")).toHaveAttribute("data-role", "editor");
  await info.attach("admin-people-and-keys", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  // Vera signs in with the role the admin set, and has no admin page.
  const other = await browser.newContext({ baseURL: server.baseURL });
  const veraPage = await other.newPage();
  await veraPage.goto("/signin?next=/admin");
  await signIn(veraPage, "vera", "a long enough password");
  await expect(veraPage.getByTestId("admin-only")).toContainText("vera (editor)");
  await expect(veraPage.getByRole("link", { name: "People & keys" })).toHaveCount(0);
  await other.close();
  await context.close();
});
