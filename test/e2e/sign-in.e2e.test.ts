// Goal: each role signs in through the real console in Chromium, lands on its page and sees only
// its navigation; a wrong password shows words; an expired session returns to sign-in and then
// back to the page the person was on. Method: built SPA served by a real server, real browser.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, enterCodeThroughUi, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { NAV_ITEMS } from "../../client/nav.ts";
import { mayCall } from "../../shared/auth/permissions.ts";
import { LANDING_PATH, ROLES } from "../../shared/auth/roles.ts";

describe.runIf(browserTestsEnabled)("sign-in in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each(ROLES)("%s lands on its page and sees only its navigation", async (role) => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, role);
    await page.waitForURL(`**${LANDING_PATH[role]}`);
    await expect(page.getByTestId("signed-in-role").textContent()).resolves.toBeTruthy();
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const item of NAV_ITEMS) {
      const visible = await nav.getByRole("link", { name: new RegExp(`^${item.label}`) }).count();
      expect(visible, `${role} ${item.label}`).toBe(mayCall(role, item.requires) ? 1 : 0);
    }
    // The landing page says what it is, never blank.
    await expect(page.locator("main h2").first().textContent()).resolves.toMatch(/\w+/);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await page.context().close();
  });

  it("shows a clear message for a wrong password", async () => {
    const page = await newPage(browser, t.baseUrl);
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("analyst@floodgate.test");
    await page.getByRole("textbox", { name: "Password" }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error").textContent()).resolves.toContain("The email or password is not correct.");
    await page.context().close();
  });

  it("after the session expires, signing in returns to the page the person was on", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "ADMIN");
    await page.waitForURL("**/overview");
    await page.goto("/audit?actor=someone");
    // Nobody called "someone": the page answers with its empty message (the table when there are rows).
    await page.getByTestId("audit-table-empty").or(page.getByTestId("audit-table")).waitFor();
    await t.db.prisma.staffSession.deleteMany(); // the server forgets the session
    await page.goto("/admin");
    await page.waitForURL(/\/sign-in\?next=%2Fadmin/);
    await page.getByLabel("Email").fill("admin@floodgate.test");
    await page.getByRole("textbox", { name: "Password" }).fill("demo-admin-pass");
    await page.getByRole("button", { name: "Sign in" }).click();
    await enterCodeThroughUi(page, "admin@floodgate.test");
    await page.waitForURL("**/admin");
    await page.screenshot({ path: "test-results/admin-after-reauth.png" });
    await page.context().close();
  });

  it("takes screenshots of the sign-in page and a landing page", async () => {
    const page = await newPage(browser, t.baseUrl);
    await page.goto("/sign-in");
    await page.getByLabel("Email").waitFor();
    await page.screenshot({ path: "test-results/sign-in.png" });
    await signInThroughUi(page, "SUPPORT");
    await page.waitForURL("**/compensation");
    await page.screenshot({ path: "test-results/support-landing.png" });
    await page.context().close();
  });
});
