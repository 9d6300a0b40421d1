// Goal: a manager suspends The 77 Bank (0125) in the browser with the cutoff at the attack's start
// (the dialog's default: the alarm's start, an hour before the link spike), sees the impact
// preview, confirms with a reason; the decision API then refuses new registrations
// at 0125, lets a link registered before the cutoff charge and refuses a quarantined one; the audit
// log shows the action with its reason; an analyst releases a quarantined link from the queue.
// Method: built SPA served by a real server on its own database, headless Chromium; wallet data
// inserted directly; screenshots of the dialog, the suspensions page, the bank panel and the queue
// go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { accountWithLink, decide, insertAccount } from "../suspensions-fixtures.ts";
import { toJstInput } from "../../client/features/suspensions/jst-input.ts";

describe.runIf(browserTestsEnabled)("suspending a bank in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  const attackStart = new Date(Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000);
  let oldLink: { linkId: string };
  let fraudLinks: Array<{ linkId: string; accountId: string }>;

  beforeAll(async () => {
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
    // Five long-standing customers of The 77 Bank, one of them flagged.
    oldLink = await accountWithLink(t.db, "0125", new Date(Date.now() - 400 * 86_400_000));
    for (let i = 0; i < 3; i++) await accountWithLink(t.db, "0125", new Date(Date.now() - (30 + i) * 86_400_000));
    await accountWithLink(t.db, "0125", new Date(Date.now() - 90 * 86_400_000), { riskScore: 65 });
    // Seven links since the attack began, five of them from flagged wallets.
    fraudLinks = [];
    for (let i = 0; i < 7; i++) {
      fraudLinks.push(
        await accountWithLink(t.db, "0125", new Date(attackStart.getTime() + i * 60_000), {
          holderName: "サトウ ハナコ",
          riskScore: i < 4 ? 85 - i : 20,
          reviewLabel: i === 4 ? "CONFIRMED_FRAUD" : null,
          riskReasons:
            i < 4
              ? [
                  { code: "LINK_SOON_AFTER_OPEN", points: 40, evidence: "linked 2 minutes after opening" },
                  { code: "HOLDER_NAME_MISMATCH", points: 35, evidence: "wallet ヤマダ タロウ, account サトウ ハナコ" },
                ]
              : [],
        }),
      );
    }
    // The bank's registrations over the last hour (96), and the link spike the detector reported an
    // hour after the attack began (the alarm, below, saw it first).
    const bucket = (m: number) => new Date(Math.floor((Date.now() - m * 60_000) / 300_000) * 300_000);
    await t.db.prisma.volumeBucket.createMany({
      data: [3, 10, 17, 24, 31, 38].map((m) => ({ bankCode: "0125", metric: "LINK_REGISTERED" as const, bucketMinutes: 5, bucketStart: bucket(m), value: 16 })),
    });
    await t.db.prisma.spike.create({
      data: { bankCode: "0125", metric: "LINK_REGISTERED", detector: "BURST", startedAt: new Date(attackStart.getTime() + 3600_000), peakAt: new Date(), peakValue: 40, peakExpected: 2, severity: 9.5, lastSeenAt: new Date() },
    });
    // The bank's alarm (what the banner lists), from the attack's start: the dialog's default cutoff.
    await t.db.pool.query(
      `INSERT INTO bank_alarm (bank_code, evidence, started_at, confirmed_at, impact_yen_per_hour, last_seen_at) VALUES ('0125', 'FRESH_LINKS_CHARGED', $1, $2, 2000000, now())`,
      [attackStart, new Date(attackStart.getTime() + 300_000)],
    );
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("a manager suspends 0125 with the cutoff at the attack's start after seeing the preview; the platform is refused at once", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER");
    await page.waitForURL("**/overview");
    await page.goto("/suspensions?select=0125");
    await page.getByRole("button", { name: "Suspend banks…" }).click();
    const dialog = page.getByTestId("suspend-dialog");
    await dialog.waitFor();
    await dialog.getByText("Banks: The 77 Bank (0125)").waitFor();

    // The alarm's start is the cutoff without a click (not the later link spike's).
    await expect(dialog.getByTestId("suggested-cutoff").getAttribute("data-at")).resolves.toBe(attackStart.toISOString());
    await expect(dialog.getByRole("radio", { name: `Where the attack began: ${toJstInput(attackStart)} JST (suggested)` }).isChecked()).resolves.toBe(true);
    await expect(dialog.getByRole("checkbox", { name: /Quarantine links registered/ }).isChecked()).resolves.toBe(true);

    const confirm = page.getByTestId("confirm-suspend");
    const expected = `Suspend registrations and link changes at The 77 Bank from now; quarantine 7 links registered since ${toJstInput(attackStart)} JST`;
    await page.waitForFunction((text) => document.querySelector('[data-testid="confirm-suspend"]')?.textContent === text, expected);
    await expect(page.getByTestId("preview-grandfathered").textContent()).resolves.toMatch(/^5Links grandfathered.*1 of them belongs to flagged accounts/);
    await expect(page.getByTestId("preview-quarantine").textContent()).resolves.toMatch(/^7Links to quarantine.*5 of them belong to flagged accounts/);
    await expect(page.getByTestId("preview-refused").textContent()).resolves.toMatch(/^96Registration attempts/);
    await expect(confirm.isDisabled()).resolves.toBe(true); // no reason yet

    await dialog.getByLabel("Reason").fill("Link attack through the PIN-only page since the spike; bank agreed by phone");
    await page.waitForTimeout(150);
    await page.screenshot({ path: "test-results/suspend-dialog-preview.png" });
    await confirm.click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("suspensions-table").getByText("In force").waitFor();
    await page.waitForTimeout(400); // let the dialog's closing animation finish
    await page.screenshot({ path: "test-results/suspensions-page.png" });

    // The decision API honours it at once.
    const key = await t.apiKey();
    const newcomer = await insertAccount(t.db);
    expect((await decide(t.baseUrl, key, "link-registration", { accountId: newcomer, bankCode: "0125" })).body).toMatchObject({ decision: "deny", reason: "BANK_REGISTRATION_SUSPENDED" });
    expect((await decide(t.baseUrl, key, "charge", { linkId: oldLink.linkId, amountYen: 20_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED" });
    expect((await decide(t.baseUrl, key, "charge", { linkId: fraudLinks[0].linkId, amountYen: 100_000 })).body).toMatchObject({ decision: "deny", reason: "LINK_QUARANTINED" });

    // The audit log has the action with its reason, in the database and on the audit page.
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "suspension.create", targetId: "0125" } });
    expect(audit).toMatchObject({ actorEmail: "manager@floodgate.test", reason: "Link attack through the PIN-only page since the spike; bank agreed by phone" });
    await page.goto("/audit");
    await page.getByTestId("audit-table").getByText("Link attack through the PIN-only page since the spike").first().waitFor();

    // The bank's panel shows the state and history.
    await page.goto("/suspensions?bank=0125");
    const panel = page.getByTestId("suspension-panel");
    await expect(panel.getByTestId("suspension-state").textContent()).resolves.toBe("Suspended: registrations and link changes");
    await panel.getByText("7 quarantined links at this bank").waitFor();
    await page.screenshot({ path: "test-results/suspension-panel.png" });

    // The same panel on the bank's own page, and the overview marking the suspended bank.
    await page.goto("/banks/0125");
    await page.getByTestId("suspension-panel").getByTestId("suspension-state").waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: "test-results/bank-page-suspended.png", fullPage: true });
    await page.goto("/overview");
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: "test-results/overview-suspended.png", fullPage: true });
    await page.context().close();
  }, 120_000);

  it("an analyst sees the quarantined links with scores and reasons and releases one with a reason; the platform may charge on it again", async () => {
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "ANALYST");
    await page.waitForURL("**/overview");
    await page.goto("/quarantine?bank=0125");
    const table = page.getByTestId("quarantine-table");
    await table.waitFor();
    await expect(table.locator("tbody tr").count()).resolves.toBe(7);
    // Confirmed fraud first, then by score, with the reasons behind each score.
    await expect(table.locator("tbody tr").first().textContent()).resolves.toContain("fraud");
    await expect(table.locator("tbody tr").nth(1).textContent()).resolves.toMatch(/^85.*Linked fast: linked 2 minutes after opening/);
    await page.screenshot({ path: "test-results/quarantine-queue.png" });

    const honest = fraudLinks[6];
    await page.getByRole("checkbox", { name: `Select link ${honest.linkId}` }).check();
    await page.getByRole("button", { name: "Release selected" }).click();
    await page.getByLabel("Reason (recorded for each link)").fill("Customer called in; verified at the branch");
    await page.getByTestId("confirm-review").click();
    await page.getByText("1 link released.").waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="quarantine-table"] tbody tr').length === 6);
    await expect(table.getByText(honest.accountId).count()).resolves.toBe(0);
    const key = await t.apiKey();
    expect((await decide(t.baseUrl, key, "charge", { linkId: honest.linkId, amountYen: 5_000 })).body.decision).toBe("allow");
    await page.context().close();
  }, 60_000);

  it("in Japanese the suspensions list, the bank's panel, the quarantine queue and the accounts table name the bank 七十七銀行, not The 77 Bank", async () => {
    await t.db.prisma.staffUser.update({ where: { email: "analyst@floodgate.test" }, data: { language: "ja" } });
    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "ANALYST");
    await page.waitForURL("**/overview");
    await page.goto("/suspensions");
    const list = page.getByTestId("suspensions-table");
    await list.getByText("七十七銀行 (0125)").first().waitFor();
    expect(await list.getByText("The 77 Bank").count()).toBe(0);
    await list.getByText("七十七銀行 (0125)").first().click();
    await page.getByRole("dialog").getByText("七十七銀行 (0125)").first().waitFor();

    await page.goto("/quarantine?bank=0125");
    const queue = page.getByTestId("quarantine-table");
    await queue.getByText(/^七十七銀行 \(0125\) /).first().waitFor();
    expect(await queue.getByText("The 77 Bank").count()).toBe(0);

    await page.goto("/accounts");
    const accounts = page.getByTestId("accounts-table");
    await accounts.getByText("七十七銀行").first().waitFor();
    expect(await accounts.getByText("The 77 Bank").count()).toBe(0);
    await page.context().close();
  }, 60_000);
});
