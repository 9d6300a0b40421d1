// Goal (issue #16): an analyst opens a flagged wallet's ring on its account page, sees the connected
// wallets over the shared phone and address with their counts and states (the university address
// listed as a hub, not followed), freezes the ring in one action with a reason, and the wallets show
// frozen. Method: the ring fixture (test/ring-fixtures.ts) written batch by batch and scored by the
// service into a real PostgreSQL; the built SPA in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { loadRingFixture, Q_DEVICE, Q_FAR, RING } from "../ring-fixtures.ts";

describe.runIf(browserTestsEnabled)("the ring view in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    await loadRingFixture(t.db, 25);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("an analyst opens a flagged wallet's ring and freezes the ring in one action with a reason; the wallets show frozen", async () => {
    const page = await newPage(browser, t.baseUrl);
    page.setDefaultTimeout(15_000);
    try {
      await journey(page);
    } catch (err) {
      await page.screenshot({ path: "test-results/ring-failure.png", fullPage: true });
      throw err;
    }
    await page.context().close();
  }, 120_000);

  async function journey(page: Page) {
    await signInThroughUi(page, "ANALYST", `/accounts/${RING[0]}`);
    await page.waitForURL(`**/accounts/${RING[0]}`);
    const ring = page.getByTestId("account-ring");
    await ring.getByTestId("ring-counts").waitFor();
    // two hops by default: the ring on the phone, the quiet wallet on it, and one more hop through its address
    await expect(ring.getByTestId("ring-counts").textContent()).resolves.toBe("5 connected wallets: 3 flagged, 0 confirmed by analysts, 0 frozen, 0 marked legitimate.");
    await expect(ring.getByTestId("ring-things").textContent()).resolves.toMatch(/Phone dev-ring.*5.*4 flagged/);
    await expect(ring.getByTestId("ring-things").textContent()).resolves.toContain("hub: not followed");
    await page.waitForTimeout(300);
    await page.screenshot({ path: "test-results/ring-view.png", fullPage: true });

    // the flagged active wallets come selected; the analyst adds the quiet one on the ring's phone
    await ring.getByRole("checkbox", { name: `Select ${Q_DEVICE}` }).check();
    expect(await ring.getByRole("checkbox", { name: `Select ${Q_FAR}` }).isChecked()).toBe(false);
    await ring.getByTestId("ring-freeze").click();
    const reason = `Ring on phone dev-ring and its quiet member ${Date.now()}`;
    const dialog = page.getByRole("dialog");
    await expect(dialog.textContent()).resolves.toContain("5 accounts");
    await dialog.getByRole("textbox", { name: "Reason" }).fill(reason);
    await dialog.getByRole("button", { name: "Freeze" }).click();
    await page.getByText("5 accounts frozen.").waitFor();
    await ring.getByText(/4 frozen/).first().waitFor();
    await expect(ring.getByTestId("ring-counts").textContent()).resolves.toBe("5 connected wallets: 3 flagged, 0 confirmed by analysts, 4 frozen, 0 marked legitimate.");
    for (const id of [...RING, Q_DEVICE]) await expect(ring.getByTestId(`ring-wallet-${id}`).textContent()).resolves.toContain("Frozen");
    await expect(ring.getByTestId(`ring-wallet-${Q_FAR}`).textContent()).resolves.toContain("Active");
    await page.waitForTimeout(300);
    await page.screenshot({ path: "test-results/ring-frozen.png", fullPage: true });
    const audit = await t.db.pool.query<{ target_id: string }>("SELECT target_id FROM audit_event WHERE action = 'account.freeze' AND reason = $1 ORDER BY target_id", [reason]);
    expect(audit.rows.map((r) => r.target_id)).toEqual([...RING, Q_DEVICE].sort());
  }
});
