// Goal: during the demo incident an analyst sees it without doing anything: the incident banner
// names The 77 Bank, it is at the top of the bank table, its page shows its spike; and while new
// attack events arrive at another bank through the platform API, the open overview shows that
// bank spiking within about a minute, without a reload and without losing the chosen view.
// Method: demo data (8 days at scale 0.15, the default attacks, The 77 Bank's begun 3 h ago) sent through the ingestion service,
// then the volume backfill (what `npm start` does); the built console in Chromium against a real
// server with the background jobs running; the new attack is posted with POST /api/v1/events.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { startBackgroundJobs } from "../../server/jobs.ts";
import { attacksWithRecentPrimary, burst, loadDemoWithSpikes, postAll } from "../volume-fixtures.ts";

const SCREENSHOTS = path.join(process.cwd(), "test-results");

describe.runIf(browserTestsEnabled)("volume by bank in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let jobs: { stop(): void } | undefined;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp({ serveClient: true });
    // The 77 Bank's attack began 3 h ago (attacksWithRecentPrimary: open whatever the time of day).
    await loadDemoWithSpikes(t.db, { seed: 42, scale: 0.15, days: 8, attacks: attacksWithRecentPrimary(3) });
    jobs = startBackgroundJobs(t.db, t.app.log);
    browser = await launchBrowser();
    page = await newPage(browser, t.baseUrl);
    // The machine running the suite may be busy; the charts re-render on every refresh.
    page.setDefaultTimeout(120_000);
  }, 240_000);

  beforeEach(() => {
    onTestFailed(async () => {
      await page?.screenshot({ path: path.join(SCREENSHOTS, "volume-failure.png"), fullPage: true }).catch(() => {});
    });
  });

  afterAll(async () => {
    jobs?.stop();
    await browser?.close();
    await t?.close();
  });

  it("shows the banner and The 77 Bank at the top of the table; its page shows its spike", async () => {
    // Signed out, the overview's early query (asked for beside the session check) fails quietly:
    // sign-in as for any page, not "your session expired".
    await page.goto("/overview");
    await page.getByLabel("Email").waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(new URL(page.url()).searchParams.get("expired")).toBeNull();
    await signInThroughUi(page, "ANALYST");
    await page.waitForURL("**/overview");
    const banner = page.getByTestId("incident-banner");
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain("The 77 Bank (0125)");

    const table = page.getByTestId("volume-bank-table");
    await table.waitFor();
    const firstRow = table.locator("tbody tr").first();
    expect(await firstRow.getAttribute("data-testid")).toBe("bank-row-0125");
    expect(await firstRow.getByTestId("spiking-now").count()).toBe(1);
    // Honest big banks are not flagged.
    for (const honest of ["0001", "0005", "9900"]) {
      expect(await table.getByTestId(`bank-row-${honest}`).getByTestId("spiking-now").count(), honest).toBe(0);
    }
    await page.getByTestId("links-chart").locator("svg").first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "volume-overview.png"), fullPage: true });

    await firstRow.click();
    await page.waitForURL("**/banks/0125");
    await page.getByRole("heading", { name: /The 77 Bank/ }).waitFor();
    const spikes = page.getByTestId("bank-spikes");
    await spikes.waitFor();
    expect(await spikes.locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await spikes.textContent()).toMatch(/open/);
    expect(await page.getByRole("link", { name: "Flagged accounts at this bank" }).getAttribute("href")).toBe("/accounts?bank=0125&scoreMin=60");
    await page.getByTestId("bank-chart-CHARGE_COUNT").locator("svg").first().waitFor();
    // The panels other features register load lazily; policy violations are shown once, by the
    // suspension panel (the volume section has no copy of them).
    await page.getByTestId("suspension-panel").waitFor();
    await page.getByTestId("bank-timeline").waitFor();
    // One innerText read (a text locator over every chart element of this page is very slow).
    const lines = (await page.evaluate(() => document.body.innerText)).split("\n").map((l) => l.trim());
    expect(lines.filter((l) => l === "Policy violations" || l === "No policy violation has been recorded at this bank.")).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "volume-bank-0125.png"), fullPage: true });
  }, 300_000);

  it("shows a new attack at another bank within a minute, without a reload, keeping the chosen view", async () => {
    await page.goto("/overview?charge=yen&q=");
    const row = page.getByTestId("bank-row-0149");
    await row.waitFor();
    expect(await row.getByTestId("spiking-now").count()).toBe(0);
    const navigations: string[] = [];
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });

    const key = await t.apiKey();
    const posted = await postAll(t.baseUrl, key, burst({ bankCode: "0149", at: new Date(Date.now() - 20_000), count: 40, spreadMs: 15_000, charges: 2, amountYen: 100_000 }));
    expect(posted.accepted).toBe(40 * 4);
    const postedAt = Date.now();

    await row.getByTestId("spiking-now").waitFor({ timeout: 120_000 });
    const seconds = (Date.now() - postedAt) / 1000;
    console.log(`[volume e2e] new spike at 0149 shown ${seconds.toFixed(1)} s after the events were posted`);
    // The banner refreshes on its own timer: it follows the table within one refresh.
    await expect.poll(async () => page.getByTestId("incident-banner").textContent(), { timeout: 30_000 }).toContain("Shizuoka Bank (0149)");
    expect(navigations).toEqual([]); // no reload
    expect(new URL(page.url()).searchParams.get("charge")).toBe("yen");
    expect(await page.getByText("Charged yen by bank").count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, "volume-overview-live.png"), fullPage: true });
  }, 300_000);
  it("keeps what is typed in the bank filter, filters the table at once and puts it in the address after a pause", async () => {
    await page.goto("/overview");
    const table = page.getByTestId("volume-bank-table");
    await table.locator("tbody tr").first().waitFor();
    const box = page.getByLabel("Filter banks");
    // Typed key by key, as a person does, while the page refreshes every few seconds.
    await box.pressSequentially("Chugoku", { delay: 60 });
    expect(await box.inputValue()).toBe("Chugoku");
    await expect.poll(async () => table.locator("tbody tr").count(), { timeout: 10_000 }).toBe(1);
    expect(await table.locator("tbody tr").first().getAttribute("data-testid")).toBe("bank-row-0168");
    await expect.poll(() => new URL(page.url()).searchParams.get("q"), { timeout: 10_000 }).toBe("Chugoku");
    // Still exactly what was typed after a refresh or two.
    await page.waitForTimeout(6_000);
    expect(await box.inputValue()).toBe("Chugoku");
    expect(new URL(page.url()).searchParams.get("q")).toBe("Chugoku");
    expect(await table.locator("tbody tr").count()).toBe(1);
    // The address sets the box too (a shared link).
    await page.goto("/overview?q=0125");
    await table.locator("tbody tr").first().waitFor();
    expect(await page.getByLabel("Filter banks").inputValue()).toBe("0125");
    expect(await table.locator("tbody tr").count()).toBe(1);
  }, 120_000);
});
