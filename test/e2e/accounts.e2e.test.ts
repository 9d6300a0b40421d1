// Goal: an analyst goes from the 77 Bank (0125) to its flagged accounts, opens one, sees its
// reasons with evidence, freezes it with a reason, and finds that reason in the audit log; the
// tables and pages are also photographed for review. Method: demo data loaded through the real
// ingestion service and scored by the accounts post-load step; the built SPA in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { scoredDemoFixture } from "../helpers/demo-fixture.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../shared/accounts/index.ts";

describe.runIf(browserTestsEnabled)("accounts in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    // The demo data (seed 5, scale 0.05) loaded once for this file and the other that uses it.
    t = await startTestApp({ serveClient: true, fixture: await scoredDemoFixture() });
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("an analyst finds the 77 Bank's flagged accounts, reads one's evidence, freezes it with a reason, and sees the reason audited", async () => {
    const page = await newPage(browser, t.baseUrl);
    page.setDefaultTimeout(15_000);
    try {
      await analystJourney(page);
    } catch (err) {
      await page.screenshot({ path: "test-results/accounts-journey-failure.png", fullPage: true });
      throw err;
    }
    await page.context().close();
  }, 90_000);

  async function analystJourney(page: Page) {
    await signInThroughUi(page, "ANALYST");
    await page.waitForURL("**/overview");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Accounts/ }).click();
    await page.getByTestId("accounts-table").waitFor();
    // choose the bank in the filter: the URL carries it
    await page.getByPlaceholder("Any bank").fill("0125");
    await page.getByRole("option", { name: /^0125 / }).click();
    await page.waitForURL(/bank=0125/);
    await page.getByText(/accounts? match/).waitFor();
    const firstRow = page.getByTestId("accounts-table").locator("tbody tr").first();
    await expect(firstRow.textContent()).resolves.toMatch(/Name mismatch \+25|Fast cash-out \+15/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: "test-results/accounts-table.png", fullPage: false });

    const accountId = (await firstRow.locator("a").first().textContent())!.trim();
    await firstRow.locator("a").first().click();
    await page.waitForURL(`**/accounts/${accountId}`);
    const reasons = page.getByTestId("account-reasons");
    await reasons.waitFor();
    await expect(reasons.textContent()).resolves.toMatch(/bank holder .+ vs wallet .+, similarity \d+/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: "test-results/account-page.png", fullPage: true });

    const reason = `Holder name does not match; victim at 77 Bank ${Date.now()}`;
    await page.getByRole("button", { name: "Freeze", exact: true }).click();
    await page.getByRole("textbox", { name: "Reason" }).fill(reason);
    await page.getByRole("dialog").getByRole("button", { name: "Freeze" }).click();
    await page.getByText("1 account frozen.").waitFor();
    await page.getByRole("button", { name: "Unfreeze" }).waitFor();
    await expect(page.getByTestId("account-actions").textContent()).resolves.toContain(reason);

    await page.goto("/audit");
    await page.getByTestId("audit-table").waitFor();
    await page.getByText(reason).first().waitFor();
    const row = page.getByTestId("audit-table").locator("tr", { hasText: reason }).first();
    await expect(row.textContent()).resolves.toContain(accountId);
  }

  it("an analyst works the review queue: takes the highest-scored unreviewed wallet, labels it, and the page moves on to the next one", async () => {
    const page = await newPage(browser, t.baseUrl);
    page.setDefaultTimeout(15_000);
    try {
      await signInThroughUi(page, "ANALYST");
      await page.waitForURL("**/overview");
      await page.goto("/accounts");
      const strip = page.getByTestId("review-queue");
      await strip.getByText(/\d+ flagged wallets? not reviewed yet \(0 being reviewed\) · the oldest has waited/).waitFor();
      await page.screenshot({ path: "test-results/review-queue-strip.png" });
      const [top] = (await t.db.pool.query<{ id: string }>(
        "SELECT id FROM wallet_account WHERE flagged_at IS NOT NULL AND review_label IS NULL AND risk_score >= $1 ORDER BY risk_score DESC, flagged_at, id LIMIT 1",
        [DEFAULT_FLAG_THRESHOLD],
      )).rows;
      await strip.getByRole("button", { name: "Review next" }).click();
      await page.waitForURL(`**/accounts/${top.id}?review=1`);
      await page.getByTestId("review-banner").getByText("You are reviewing this wallet").waitFor();
      await page.screenshot({ path: "test-results/review-queue-account.png" });
      await page.getByRole("button", { name: "Mark legitimate" }).click();
      await page.getByRole("textbox", { name: "Reason" }).fill("Known customer: payday top-up, verified by phone");
      await page.getByRole("dialog").getByRole("button", { name: "Mark legitimate" }).click();
      await page.waitForURL((u) => u.pathname.startsWith("/accounts/") && !u.pathname.endsWith(top.id) && u.search === "?review=1");
      await page.getByTestId("review-banner").getByText("You are reviewing this wallet").waitFor();
      expect((await t.db.pool.query("SELECT review_label FROM wallet_account WHERE id = $1", [top.id])).rows[0].review_label).toBe("LEGITIMATE");
    } catch (err) {
      await page.screenshot({ path: "test-results/review-queue-failure.png", fullPage: true }).catch(() => {});
      throw err;
    }
    await page.context().close();
  }, 90_000);

  it("on a phone (390 px) the accounts table scrolls sideways with the checkbox and account columns pinned, and a row opens its account", async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: { width: 390, height: 844 }, timezoneId: "Asia/Tokyo", locale: "en-US" });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signInThroughUi(page, "ANALYST");
    await page.waitForURL("**/overview");
    await page.goto("/accounts");
    const table = page.getByTestId("accounts-table");
    await table.locator("tbody tr").first().waitFor();
    // Scroll the table's own scroller sideways, as a thumb would, and see what stays where.
    const seen = await table.evaluate((el) => {
      const scroller = el.parentElement!.parentElement!;
      const row = el.querySelector("tbody tr")!;
      const cells = [...row.querySelectorAll("td")];
      // The first row into the middle of the screen (on a phone the filters push it below the fold).
      window.scrollBy(0, row.getBoundingClientRect().top - window.innerHeight / 2);
      const lefts = () => cells.slice(0, 3).map((c) => Math.round(c.getBoundingClientRect().left));
      const before = lefts();
      scroller.scrollLeft = 400;
      const after = lefts();
      // What a person sees at the account cell's place: the cell itself, not what scrolled beneath it.
      const box = cells[1]!.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + 5, box.top + box.height / 2);
      const onTop = hit?.closest("td") === cells[1];
      return { overflow: scroller.scrollWidth - scroller.clientWidth, scrolled: scroller.scrollLeft, before, after, onTop, hit: hit?.outerHTML.slice(0, 200) };
    });
    expect(seen.overflow).toBeGreaterThan(400);
    expect(seen.scrolled).toBe(400);
    expect(seen.after[0]).toBe(seen.before[0]); // the checkbox column
    expect(seen.after[1]).toBe(seen.before[1]); // the account column, just after it
    expect(seen.after[2]).toBeLessThan(seen.before[2]! - 300); // the holder's name scrolled away
    expect(seen.onTop, seen.hit).toBe(true);
    await page.screenshot({ path: "test-results/accounts-table-390.png", fullPage: false });

    // A click anywhere on a row (here the holder's name, not the link) opens that account.
    await table.evaluate((el) => el.parentElement!.parentElement!.scrollTo({ left: 0 }));
    const row = table.locator("tbody tr").first();
    const accountId = (await row.locator("a").first().textContent())!.trim();
    await row.locator("td").nth(2).click();
    await page.waitForURL(`**/accounts/${accountId}`);
    await context.close();
  }, 60_000);

  it("takes screenshots of the likely victims and the rules", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    await page.goto("/accounts/victims?bank=0125");
    await page.getByTestId("victims-bank-0125").waitFor();
    await expect(page.getByTestId("victims-bank-0125").locator("a", { hasText: "Compensate" }).first().getAttribute("href")).resolves.toMatch(/^\/compensation\/new\?chargeId=/);
    await page.screenshot({ path: "test-results/accounts-victims.png", fullPage: false });
    await page.goto("/accounts/rules");
    await page.getByTestId("rules-table").waitFor();
    await page.screenshot({ path: "test-results/accounts-rules.png", fullPage: true });
    await page.context().close();
  });
});
