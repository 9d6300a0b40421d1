// Goal: a person switches the console to Japanese from the header; the navigation and the page change
// language at once, and the choice stays after a reload and follows them to a fresh browser (it is
// kept on their staff record); without a choice the console follows the browser's language.
// Method: built SPA served by a real server, real Chromium (en-US and ja-JP contexts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { DEMO_STAFF } from "../../server/features/reference/demo-staff.ts";

describe.runIf(browserTestsEnabled)("the language switch", () => {
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

  const navLink = (page: Page, name: string) => page.getByRole("navigation", { name: /Main/ }).getByRole("link", { name: new RegExp(`^${name}`) });

  it("switches to 日本語, keeps it after a reload and on a fresh browser after signing in again", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "ANALYST");
    await page.waitForURL("**/overview");
    await navLink(page, "Overview").waitFor();
    await page.getByRole("heading", { name: "Overview", level: 2 }).waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");

    await page.getByTestId("language-switch").getByText("日本語").click();
    await navLink(page, "概要").waitFor();
    expect(await navLink(page, "Overview").count()).toBe(0);
    // The page itself follows: its heading, the table's column names, dates as Japanese writes them.
    await page.getByRole("heading", { name: "概要", level: 2 }).waitFor();
    await page.getByRole("button", { name: "銀行で並べ替え" }).waitFor();
    await expect(page.getByTestId("overview-updated").textContent()).resolves.toMatch(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} JST 更新/);
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("ja");
    await expect(page.getByRole("button", { name: "サインアウト" }).count()).resolves.toBe(1);
    // Saved on the staff record, not only in this browser.
    const analyst = DEMO_STAFF.find((s) => s.role === "ANALYST")!;
    await expect.poll(async () => (await t.db.prisma.staffUser.findUnique({ where: { email: analyst.email } }))?.language).toBe("ja");

    await page.reload();
    await navLink(page, "概要").waitFor();
    await page.context().close();

    // A fresh browser (English, nothing remembered) shows English until the person signs in.
    const fresh = await newPage(browser, t.baseUrl);
    await signInThroughUi(fresh, "ANALYST");
    await navLink(fresh, "概要").waitFor();
    await expect(fresh.locator("html").getAttribute("lang")).resolves.toBe("ja");

    // And back to English, which is saved too.
    await fresh.getByTestId("language-switch").getByText("English").click();
    await navLink(fresh, "Overview").waitFor();
    await expect.poll(async () => (await t.db.prisma.staffUser.findUnique({ where: { email: analyst.email } }))?.language).toBe("en");
    await fresh.context().close();
  });

  it("without a choice, a Japanese browser shows the console in Japanese", async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: { width: 1400, height: 900 }, timezoneId: "Asia/Tokyo", locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "サインイン" }).waitFor();
    await expect(page.getByLabel("メールアドレス").count()).resolves.toBe(1);
    await context.close();
  });
});
