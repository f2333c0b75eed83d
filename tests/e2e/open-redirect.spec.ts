import { expect, test } from "@playwright/test";
import { ownPort, ownServerForTests } from "../support/own-server";

/**
 * `/signin?next=…` must never send a person to another site, in a real browser (which drops tabs and
 * newlines from URLs and reads `\` as `/`): after a correct sign-in, and through the "Continue" link
 * a signed-in person sees, every one of these ends on Threadline's own origin.
 */

const PORT = ownPort(6);
const ADMIN = { username: "root", password: "correct horse battery staple" };
const HOSTILE_NEXT = ["/%09/evil.example/", "/%0a/evil.example/", "/%0d%0a/evil.example/", "//evil.example/", "/%5Cevil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)"];

const server = ownServerForTests({
  port: PORT,
  dbFile: "data/e2e-redirect.db",
  env: { THREADLINE_ADMIN_USER: ADMIN.username, THREADLINE_ADMIN_PASSWORD: ADMIN.password },
});

test("after signing in, a hostile next= ends on Threadline's own origin", async ({ browser }) => {
  test.setTimeout(120_000);
  const origin = server.baseURL;
  for (const next of HOSTILE_NEXT) {
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    const leftTo: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) leftTo.push(r.url());
    });
    await page.goto(`/signin?next=${next}`);
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.username);
    expect(new URL(page.url()).origin, `next=${next}`).toBe(origin);
    expect(leftTo, `next=${next}`).toEqual([]);

    // Signed in now: the sign-in page offers "Continue" to the same next=.
    await page.goto(`/signin?next=${next}`);
    const href = await page.getByRole("link", { name: "Continue" }).getAttribute("href");
    expect(href, `next=${next}`).toBe("/");
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).origin, `next=${next}`).toBe(origin);
    expect(leftTo, `next=${next}`).toEqual([]);
    await context.close();
  }
});

test("a same-site next= is kept, query included", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  await page.goto(`/signin?next=${encodeURIComponent("/audit?kind=RunEvent")}`);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${server.baseURL}/audit?kind=RunEvent`);
  await context.close();
});
