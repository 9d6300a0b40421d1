// Goal (#17 graduated response): a manager lowers The 77 Bank's (0125) charge limits in the browser
// (the 2020 limits, one click), sees the preview of the last 24 hours, confirms with a reason; the
// bank page shows the limits, the decision API refuses a charge over them at once, and the ADMIN's
// webhook log shows the limits.changed event.
// Method: built SPA on a real server on its own database, headless Chromium; a link and its charges
// arrive through the real events ingest; the ADMIN registers the endpoint through tRPC over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { signedInAs } from "../helpers/staff.ts";
import { decide } from "../suspensions-fixtures.ts";
import { postEvents, uid } from "../events-fixtures.ts";
import type { PlatformEvent } from "../../shared/events/schemas.ts";

describe.runIf(browserTestsEnabled)("charge limits in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  let key: string;
  const linkId = uid("lnk");

  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
    key = await t.apiKey();
    const accountId = uid("acc");
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const events: PlatformEvent[] = [
      { id: uid("ev"), type: "account.opened", occurredAt: ago(90 * 86_400_000), account: { id: accountId, holderName: "ヤマダ タロウ", carrierCustomer: false, identityVerified: false } },
      { id: uid("ev"), type: "link.registered", occurredAt: ago(89 * 86_400_000), link: { id: linkId, accountId, bankCode: "0125", branchCode: "101", accountNumber: "2345678", holderName: "ヤマダ タロウ", authMethod: "PIN" } },
      // two charges within the last hour: 150,000 would be over the 2020 limit per charge
      { id: uid("ev"), type: "charge.completed", occurredAt: ago(3_600_000), charge: { id: uid("chg"), linkId, amountYen: 150_000 } },
      { id: uid("ev"), type: "charge.completed", occurredAt: ago(1_800_000), charge: { id: uid("chg"), linkId, amountYen: 20_000 } },
    ];
    const res = await postEvents(t.baseUrl, key, { events });
    expect(res.body.rejected).toEqual([]);
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    await admin.trpc.webhooks.createEndpoint.mutate({ url: "http://127.0.0.1:9/hook", eventTypes: ["limits.changed"], reason: "the platform wants limit changes" });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("a manager sets the 2020 limits at 0125 with a preview and a reason; charges over them are refused at once; the webhook log shows the change", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    await page.goto("/banks/0125");
    await expect(page.getByTestId("charge-limits-text").textContent()).resolves.toBe("No limits");
    await page.getByTestId("open-limits").click();
    const dialog = page.getByTestId("limits-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("limits-2020").click();
    await page.waitForFunction(() => /Of 2 charges, 1 would have been refused/.test(document.querySelector('[data-testid="limits-preview"]')?.textContent ?? ""));
    await expect(page.getByTestId("confirm-limits").isDisabled()).resolves.toBe(true); // no reason yet
    await dialog.getByTestId("limits-reason").fill("Phishing wave at The 77 Bank: the 2020 limits until the bank adds OTP");
    await page.screenshot({ path: "test-results/charge-limits-dialog.png" });
    await page.getByTestId("confirm-limits").click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForFunction(() => document.querySelector('[data-testid="charge-limits-text"]')?.textContent === "¥100,000 per charge · ¥300,000 a month per link");
    await page.waitForTimeout(400);
    await page.screenshot({ path: "test-results/charge-limits-bank.png" });

    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 100_001 })).body).toMatchObject({ decision: "deny", reason: "CHARGE_LIMIT_PER_CHARGE" });
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 130_001 })).body.decision).toBe("deny");
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 100_000 })).body).toEqual({
      decision: "allow",
      reason: "ALLOWED",
      limit: { kind: "PER_CHARGE", limitYen: 100_000, usedYen: 0, availableYen: 100_000 },
    });

    const adminPage = await newPage(browser, t.baseUrl);
    await signInThroughUi(adminPage, "ADMIN");
    await adminPage.waitForURL("**/overview");
    await adminPage.goto("/webhooks");
    await adminPage.getByTestId("delivery-limits.changed").getByText("Limits changed").waitFor();
    await adminPage.screenshot({ path: "test-results/charge-limits-webhook-log.png", fullPage: true });
  });
});
