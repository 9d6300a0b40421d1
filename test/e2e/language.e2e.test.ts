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
  }, 120_000);

  it("the audit log and the administration page speak Japanese too: action names, roles, settings and dates", async () => {
    const admin = DEMO_STAFF.find((s) => s.role === "ADMIN")!;
    await t.db.prisma.staffUser.update({ where: { email: admin.email }, data: { language: "ja" } });
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "ADMIN");
    await navLink(page, "監査ログ").waitFor();

    await page.goto("/audit?action=auth.passwordAccepted");
    await page.getByRole("heading", { name: "監査ログ", level: 2 }).waitFor();
    const row = page.getByTestId("audit-table").locator('tr[data-action="auth.passwordAccepted"]').first();
    // The action by its Japanese label (the code stays on hover), the actor's role in Japanese, the time as Japanese writes it.
    await expect(row.textContent()).resolves.toMatch(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} JST.*管理者.*パスワード確認済み（コード待ち）.*職員/);
    await expect(page.getByTestId("chain-status").textContent()).resolves.toMatch(/^#\d+ までチェーン検証済み$/);
    await row.click();
    await expect(page.getByTestId("audit-detail").textContent()).resolves.toContain("実施者");

    await page.goto("/admin?tab=settings");
    await page.getByRole("tab", { name: "職員" }).waitFor();
    await page.getByText("マネージャーの承認が必要な補償額（円）").waitFor();
    await page.getByText("現在 ¥100,000").waitFor();
    await page.goto("/admin");
    await expect(page.getByTestId("staff-table").textContent()).resolves.toMatch(/不正分析担当.*有効/);
    // Nothing of the English page is left (the people's names and addresses are data).
    expect(await page.getByText(/Add staff member|Reset password|Deactivate|Last seen/).count()).toBe(0);
    await page.context().close();
  }, 90_000);

  it("in Japanese a bank is named as a Japanese operator names it: the banner, its strip, the overview's table and the bank page say 七十七銀行", async () => {
    const manager = DEMO_STAFF.find((s) => s.role === "MANAGER")!;
    await t.db.prisma.staffUser.update({ where: { email: manager.email }, data: { language: "ja" } });
    const since = new Date(Date.now() - 40 * 60_000);
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at)
       VALUES ('0125', 'FRESH_LINKS_CHARGED', $1, $2, 500000, $2) RETURNING id::text`,
      [since, new Date(since.getTime() + 5 * 60_000)],
    );
    const page = await newPage(browser, t.baseUrl);
    try {
      await signInThroughUi(page, "MANAGER");
      await navLink(page, "概要").waitFor();
      await page.goto("/overview");
      const line = page.getByTestId("banner-bank-0125");
      await expect.poll(() => line.textContent(), { timeout: 30_000 }).toContain("七十七銀行 (0125)");
      expect(await line.textContent()).not.toContain("The 77 Bank");
      // The table names it in Japanese, the English name beside the code.
      const row = page.getByTestId("bank-row-0125");
      await expect(row.getByRole("link").first().textContent()).resolves.toBe("七十七銀行");
      await expect(row.textContent()).resolves.toContain("0125 · The 77 Bank");
      // The collapsed strip on another page.
      await page.goto("/suspensions");
      await expect(page.getByTestId("incident-banner").getAttribute("data-collapsed")).resolves.toBe("true");
      await expect.poll(() => page.getByTestId("banner-bank-0125").textContent(), { timeout: 30_000 }).toContain("七十七銀行 (0125)");
      // The bank's page: its Japanese name as the title, the English one beside it.
      await page.goto("/banks/0125");
      await expect.poll(() => page.getByTestId("bank-title").textContent(), { timeout: 30_000 }).toMatch(/^七十七銀行/);
      await expect(page.getByTestId("bank-header").textContent()).resolves.toContain("The 77 Bank");
      // In English the banner says the English name again.
      await page.getByTestId("language-switch").getByText("English").click();
      await expect.poll(() => page.getByTestId("banner-bank-0125").textContent(), { timeout: 30_000 }).toContain("The 77 Bank (0125)");
      await expect(page.getByTestId("bank-title").textContent()).resolves.toMatch(/^The 77 Bank/);
    } finally {
      await page.context().close();
      await t.db.pool.query(`DELETE FROM bank_alarm WHERE id = $1`, [rows[0].id]);
      await t.db.prisma.staffUser.update({ where: { email: manager.email }, data: { language: null } });
    }
  }, 120_000);

  it("without a choice, a Japanese browser shows the console in Japanese", async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: { width: 1400, height: 900 }, timezoneId: "Asia/Tokyo", locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "サインイン" }).waitFor();
    await expect(page.getByLabel("メールアドレス").count()).resolves.toBe(1);
    await context.close();
  });
});
