// Goal (#16): a manager drafts a rule change on the Rules page, backtests it on the stored history,
// activates it (every wallet rescored, the account page naming the new version) and rolls it back
// (the account page names version 1 again), each change with a reason. Method: demo data loaded
// through the real ingestion service and scored by the post-load step; the built SPA in Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { scoredDemoFixture } from "../helpers/demo-fixture.ts";

describe.runIf(browserTestsEnabled)("rule versions in the browser", () => {
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

  it("a manager drafts a change, backtests it, activates it and rolls it back; the account page shows the version", async () => {
    const page = await newPage(browser, t.baseUrl);
    page.setDefaultTimeout(30_000);
    try {
      await journey(page);
    } catch (err) {
      await page.screenshot({ path: "test-results/rule-versions-failure.png", fullPage: true });
      throw err;
    }
    await page.context().close();
  }, 240_000);

  async function withReason(page: Page, reason: string, confirm: string) {
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("rule-reason").fill(reason);
    await dialog.getByRole("button", { name: confirm }).click();
    await dialog.waitFor({ state: "detached" });
  }

  async function rescored(page: Page) {
    // The page polls the rescoring while it runs; when it is gone, every wallet has its new score.
    await page.waitForTimeout(500);
    await page.getByTestId("rescore-running").waitFor({ state: "detached", timeout: 120_000 });
  }

  async function journey(page: Page) {
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    await page.goto("/accounts/rules");
    await page.getByTestId("rules-table").waitFor();
    await page.getByTestId("active-version").getByText("rule version 1").waitFor();
    await expect(page.getByTestId("version-state-1").textContent()).resolves.toBe("Active");

    // Draft: a bank holder who is someone else flags on its own (honest look-alikes with a maiden
    // name or a relative's account are then flagged too: the backtest shows them).
    await page.getByTestId("new-draft").click();
    await withReason(page, "a holder name mismatch is what the ring does", "New draft");
    await page.getByTestId("version-state-2").waitFor();
    await expect(page.getByTestId("version-state-2").textContent()).resolves.toBe("Draft");
    // The ring signals are version data too, with their units: the lock-step window in minutes, shares in %.
    const lockstep = page.getByTestId("draft-editor").locator('[data-rule="LOCKSTEP"]');
    await expect(lockstep.getByRole("textbox", { name: "LOCKSTEP windowMinutes" }).inputValue()).resolves.toBe("180 min");
    await expect(lockstep.getByRole("textbox", { name: "LOCKSTEP minFlaggedShare" }).inputValue()).resolves.toBe("10%");
    const points = page.getByTestId("draft-editor").locator('[data-rule="NAME_MISMATCH"]').getByRole("textbox", { name: "NAME_MISMATCH Points" });
    await points.fill("60");
    await page.getByTestId("save-draft").click();
    await withReason(page, "a holder name mismatch is what the ring does", "Save draft");
    await page.getByTestId("version-changes").getByText("25 →").waitFor();

    // Backtest on the stored history.
    await page.getByTestId("start-backtest").click();
    await withReason(page, "what would the heavier name rule flag", "Run backtest");
    await page.getByTestId("backtest-table").waitFor({ timeout: 120_000 });
    const newly = await page.getByTestId("newly-flagged").textContent();
    const newlyCount = Number(/Newly flagged: ([\d,]+)/.exec(newly ?? "")?.[1].replace(/,/g, ""));
    expect(newlyCount).toBeGreaterThan(0);
    await page.screenshot({ path: "test-results/rule-versions-backtest.png", fullPage: true });
    const accountId = (await page.getByTestId("newly-flagged").locator("a").first().textContent())!.trim();

    // Activate: version 2 is active, every wallet rescored with it.
    await page.getByTestId("activate").click();
    await withReason(page, "backtest: more ring wallets flagged", "Activate");
    await expect.poll(() => page.getByTestId("version-state-2").textContent(), { timeout: 15_000 }).toBe("Active");
    await expect(page.getByTestId("version-state-1").textContent()).resolves.toBe("Retired");
    await rescored(page);

    await page.goto(`/accounts/${encodeURIComponent(accountId)}`);
    await page.getByTestId("score-rule-version").getByText("By rule version 2.").waitFor();
    await expect(page.getByTestId("account-reasons").textContent()).resolves.toMatch(/60/);

    // Roll back: version 1 again, and the account page says so.
    await page.goto("/accounts/rules");
    await page.getByTestId("rollback").click();
    await withReason(page, "too many honest families flagged", "Roll back to version 1");
    await expect.poll(() => page.getByTestId("version-state-1").textContent(), { timeout: 15_000 }).toBe("Active");
    await expect(page.getByTestId("version-state-2").textContent()).resolves.toBe("Retired");
    await rescored(page);
    await page.goto(`/accounts/${encodeURIComponent(accountId)}`);
    await page.getByTestId("score-rule-version").getByText("By rule version 1.").waitFor();

    // Each step is in the audit log with its reason.
    await page.goto("/audit");
    await page.getByTestId("audit-table").waitFor();
    for (const reason of ["backtest: more ring wallets flagged", "too many honest families flagged"]) {
      await page.getByTestId("audit-table").getByText(reason).first().waitFor();
    }
  }
});
