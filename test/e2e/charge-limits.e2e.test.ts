// Goal (#17 graduated response): a manager lowers The 77 Bank's (0125) charge limits in the browser
// (the 2020 limits, one click), sees the preview of the last 24 hours, confirms with a reason; the
// bank page shows the limits, the decision API refuses a charge over them at once; then suspends its
// charges and opens the re-verification gate: a re-verified link charges again, another does not,
// the bank page counts them; the ADMIN's webhook log shows each change.
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
    await admin.trpc.webhooks.createEndpoint.mutate({ url: "http://127.0.0.1:9/hook", eventTypes: ["limits.changed", "suspension.created", "suspension.gate_opened"], reason: "the platform wants limit and suspension changes" });
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
    // (polled: the panel shows "…" until the limits have loaded)
    await expect.poll(() => page.getByTestId("charge-limits-text").textContent(), { timeout: 15_000 }).toBe("No limits");
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
  }, 120_000);

  it("then the manager suspends 0125's charges and opens the re-verification gate; a re-verified link charges again, another does not; the webhook log shows each change", async () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const wallets = [uid("acc"), uid("acc")];
    const links = [uid("lnk"), uid("lnk")];
    const res = await postEvents(t.baseUrl, key, {
      events: wallets.flatMap((accountId, i): PlatformEvent[] => [
        { id: uid("ev"), type: "account.opened", occurredAt: ago(200 * 86_400_000), account: { id: accountId, holderName: "サトウ ジロウ", carrierCustomer: false, identityVerified: true } },
        { id: uid("ev"), type: "link.registered", occurredAt: ago(199 * 86_400_000), link: { id: links[i], accountId, bankCode: "0125", branchCode: "102", accountNumber: `765432${i}`, holderName: "サトウ ジロウ", authMethod: "PIN" } },
      ]),
    });
    expect(res.body.rejected).toEqual([]);

    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    await page.goto("/banks/0125");
    await page.getByTestId("suspension-panel").getByRole("button", { name: "Suspend…" }).click();
    const dialog = page.getByTestId("suspend-dialog");
    await dialog.waitFor();
    await dialog.getByRole("checkbox", { name: "New link registrations" }).uncheck();
    await dialog.getByRole("checkbox", { name: "Link changes (to or from the bank)" }).uncheck();
    await dialog.getByRole("checkbox", { name: "Charges on all links at the bank" }).check();
    await dialog.getByLabel("Reason").fill("Fraudulent charges continue under the limits: stop charges at The 77 Bank");
    await page.getByTestId("confirm-suspend").click();
    await dialog.waitFor({ state: "detached" });

    await page.getByTestId("open-gate").click();
    const gate = page.getByTestId("gate-dialog");
    await gate.waitFor();
    await gate.getByTestId("gate-reason").fill("Customers who re-verify by eKYC may charge again, as in 2020");
    await page.screenshot({ path: "test-results/reverification-gate-dialog.png" });
    await page.getByTestId("confirm-gate").click();
    await gate.waitFor({ state: "detached" });

    // The platform reports one holder's eKYC; that link charges again, the other is told to re-verify.
    const verify = await postEvents(t.baseUrl, key, { events: [{ id: uid("ev"), type: "account.verified", occurredAt: new Date().toISOString(), verification: { accountId: wallets[0], method: "EKYC", passed: true } }] });
    expect(verify.body.rejected).toEqual([]);
    expect((await decide(t.baseUrl, key, "charge", { linkId: links[0], amountYen: 30_000 })).body).toMatchObject({ decision: "allow", reason: "ALLOWED" });
    expect((await decide(t.baseUrl, key, "charge", { linkId: links[1], amountYen: 30_000 })).body).toMatchObject({ decision: "deny", reason: "REVERIFICATION_REQUIRED" });
    const charged = await postEvents(t.baseUrl, key, { events: [{ id: uid("ev"), type: "charge.completed", occurredAt: new Date().toISOString(), charge: { id: uid("chg"), linkId: links[0], amountYen: 30_000 } }] });
    expect(charged.body.rejected).toEqual([]);

    await page.reload();
    // the first test's link and links[1] wait; links[0] re-verified and charged
    await page.waitForFunction(() => /2 links waiting, 1 re-verified, 1 charging again/.test(document.querySelector('[data-testid^="gate-"]')?.textContent ?? ""));
    await page.screenshot({ path: "test-results/reverification-gate-bank.png", fullPage: true });

    const adminPage = await newPage(browser, t.baseUrl);
    await signInThroughUi(adminPage, "ADMIN");
    await adminPage.waitForURL("**/overview");
    await adminPage.goto("/webhooks");
    for (const [type, words] of [["limits.changed", "Limits changed"], ["suspension.created", "Suspension created"], ["suspension.gate_opened", "Re-verification gate opened"]]) {
      await adminPage.getByTestId(`delivery-${type}`).getByText(words).waitFor();
    }
    await adminPage.screenshot({ path: "test-results/reverification-gate-webhook-log.png", fullPage: true });
  }, 120_000);
});
