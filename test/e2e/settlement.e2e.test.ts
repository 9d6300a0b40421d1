// Goal (#18): bank settlement in the browser. A manager opens the settlement page from the payouts
// page's sub-navigation, chooses The 77 Bank (0125) in the address, sets its cost-sharing agreement
// (the bank bears 40% from today) with a reason, records the bank's own reimbursement of a victim's
// charge, and sees the statement change (we owe the bank our 60% of it, with the entry behind the
// figure); a second reimbursement of the same charge by the bank is refused in words in the dialog,
// and nothing more is recorded; a payment by the bank beyond what it owes is refused in words, in
// English and in Japanese; then, still in Japanese, the manager records our payment of the ¥7,200 we
// owe the bank with a double click on the confirm button: one payment, the statement owes ¥0. Support, who records reimbursements but does not read statements,
// reaches the page from the compensation queue and sees the form and not the figures. Method: built SPA on a real server on its own database,
// headless Chromium; screenshot in test-results/.
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { accountNumber, insertCharges, insertWallet } from "../compensation-fixtures.ts";

const SHOTS = "test-results";
const BANK = "0125";

describe.runIf(browserTestsEnabled)("bank settlement in the browser", () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("a manager sets 0125's agreement, records the bank's reimbursement, sees the statement change, and a second one is refused", async () => {
    // A wallet drained a 77 Bank customer in two charges (the branch is written out: the statement
    // does not need the Zengin list).
    const walletId = await insertWallet(t.db.prisma);
    const victim = { bankCode: BANK, branchCode: "100", accountNumber: accountNumber(), holderName: "ヤマダ タロウ" };
    const [charge] = await insertCharges(t.db.prisma, walletId, victim, [12_000, 8_000]);

    const page = await newPage(browser, t.baseUrl);
    await signInThroughUi(page, "MANAGER", "/compensation/batches");
    await page.getByRole("link", { name: "Bank settlement" }).click();
    await page.waitForURL("**/compensation/settlement");
    await page.getByTestId("settlement-no-bank").waitFor();
    await page.getByTestId("settlement-bank").fill(BANK);
    await page.getByTestId("settlement-show").click();
    await page.waitForURL(`**/compensation/settlement?bank=${BANK}`);
    await page.getByTestId("statement-empty").waitFor();
    expect(await page.getByTestId("statement-we-owe").innerText()).toContain("¥0");
    await page.getByTestId("agreements-empty").waitFor();

    // The agreement: the bank bears 40% from today (JST).
    await page.getByTestId("open-agreement").click();
    const agreement = page.getByRole("dialog");
    await agreement.getByLabel("Share the bank bears").fill("40");
    await agreement.getByText("We bear 60%.").waitFor();
    await agreement.getByLabel("Reason").fill("Cost-sharing agreed with The 77 Bank on the December call");
    await agreement.getByRole("button", { name: "Save agreement" }).click();
    await agreement.waitFor({ state: "detached" });
    const agreements = page.getByTestId("agreements");
    await agreements.waitFor();
    expect(await agreements.innerText()).toMatch(/40%\s+60%/);

    // The bank reimbursed its customer the whole ¥12,000 charge itself: we owe it our 60%, ¥7,200.
    await page.getByTestId("open-reimbursement").click();
    const reimb = page.getByRole("dialog");
    await reimb.getByLabel("Charge id").fill(charge);
    await reimb.getByLabel("Amount (yen)").fill("12,000");
    await reimb.getByLabel("Reference").fill("77B-REFUND-0001");
    await reimb.getByLabel("Reason").fill("The bank's letter says it refunded the customer itself");
    await reimb.getByRole("button", { name: "Record a reimbursement" }).click();
    await reimb.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("statement-we-owe").innerText()).toContain("¥7,200");
    expect(await page.getByTestId("statement-net").innerText()).toMatch(/we owe it[\s\S]*¥7,200/);
    const items = page.getByTestId("statement-items");
    expect(await items.innerText()).toContain(`Charge ${charge}`);
    expect(await items.innerText()).toContain("77B-REFUND-0001");
    expect(await items.innerText()).toContain("Our share of its own reimbursement");

    // The same charge again: refused in words, nothing recorded.
    await page.getByTestId("open-reimbursement").click();
    const again = page.getByRole("dialog");
    await again.getByLabel("Charge id").fill(charge);
    await again.getByLabel("Amount (yen)").fill("1000");
    await again.getByLabel("Reference").fill("77B-REFUND-0002");
    await again.getByLabel("Reason").fill("A second letter from the bank about the same charge");
    await again.getByRole("button", { name: "Record a reimbursement" }).click();
    await again.getByText("already has a reimbursement by the bank recorded").waitFor();
    await page.screenshot({ path: `${SHOTS}/settlement-refused.png`, fullPage: true });
    await again.getByRole("button", { name: "Back" }).click();
    await page.screenshot({ path: `${SHOTS}/settlement-statement.png`, fullPage: true });
    expect(await t.db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM charge_reimbursement WHERE charge_id = $1`, charge)).toEqual([{ n: 1n }]);
    expect(await page.getByTestId("statement-we-owe").innerText()).toContain("¥7,200");
    expect(await t.db.prisma.auditEvent.count({ where: { action: { in: ["settlement.setCostShare", "settlement.recordReimbursement"] }, actorRole: "MANAGER" } })).toBe(2);

    // The bank owes us nothing yet (no paid compensation shared): a payment is refused in words,
    // in English and, after switching the console to Japanese, in Japanese.
    await page.getByTestId("open-payment").click();
    const pay = page.getByRole("dialog");
    await pay.getByLabel("Amount (yen)").fill("1000");
    await pay.getByLabel("Reference").fill("77B-TRANSFER-1");
    await pay.getByLabel("Reason").fill("The bank's transfer of its share arrived today");
    await pay.getByRole("button", { name: "Record its payment" }).click();
    await pay.getByText("Bank 0125 owes us ¥0").waitFor();
    await pay.getByRole("button", { name: "Back" }).click();
    await pay.waitFor({ state: "detached" });
    await page.getByTestId("language-switch").getByText("日本語").click();
    await expect.poll(() => page.getByTestId("settlement-bank-name").innerText()).toMatch(/^0125 .+ の精算明細$/);
    await page.getByTestId("open-payment").click();
    const payJa = page.getByRole("dialog");
    await payJa.getByLabel("金額（円）").fill("1000");
    await payJa.getByLabel("参照番号").fill("77B-TRANSFER-1");
    await payJa.getByLabel("理由").fill("本日、銀行から負担分の振込がありました");
    await payJa.getByRole("button", { name: "銀行からの入金を記録" }).click();
    await payJa.getByText("銀行が当社に負う額を超える入金になります。").waitFor();
    await page.screenshot({ path: `${SHOTS}/settlement-payment-refused-ja.png`, fullPage: true });
    expect(await t.db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM bank_payment WHERE bank_code = $1`, BANK)).toEqual([{ n: 0n }]);

    // We pay the bank the ¥7,200 we owe it; a double click on the confirm button pays once.
    await payJa.getByRole("button", { name: "戻る" }).click();
    await payJa.waitFor({ state: "detached" });
    await page.getByTestId("open-pay-bank").click();
    const payBank = page.getByRole("dialog");
    await payBank.getByText("当社が銀行に負う額は ¥7,200").waitFor();
    await payBank.getByLabel("金額（円）").fill("7200");
    await payBank.getByLabel("参照番号").fill("FG-OUT-0125-1");
    await payBank.getByLabel("理由").fill("77銀行の立替分のうち当社負担分を振り込みました");
    await payBank.getByRole("button", { name: "銀行への支払を記録" }).dblclick();
    await payBank.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("statement-paid-to-bank").innerText()).toContain("¥7,200");
    expect(await page.getByTestId("statement-we-owe").innerText()).toContain("¥0");
    expect(await page.getByTestId("statement-items").innerText()).toContain("当社から銀行への支払");
    await page.screenshot({ path: `${SHOTS}/settlement-paid-bank-ja.png`, fullPage: true });
    expect(await t.db.prisma.$queryRawUnsafe<Array<{ n: bigint; yen: bigint }>>(`SELECT count(*) AS n, sum(amount_yen) AS yen FROM bank_payout WHERE bank_code = $1`, BANK)).toEqual([{ n: 1n, yen: 7200n }]);
    expect(await t.db.prisma.auditEvent.count({ where: { action: "settlement.payBank", targetId: BANK } })).toBe(1);

    // Support records reimbursements but does not read statements.
    const support = await newPage(browser, t.baseUrl);
    await signInThroughUi(support, "SUPPORT", "/compensation");
    await support.getByRole("link", { name: "Bank settlement" }).click();
    await support.waitForURL("**/compensation/settlement");
    await support.getByTestId("settlement-bank").fill(BANK);
    await support.getByTestId("settlement-show").click();
    await support.waitForURL(`**/compensation/settlement?bank=${BANK}`);
    await support.getByTestId("open-reimbursement").waitFor();
    expect(await support.getByTestId("statement-we-owe").count()).toBe(0);
    expect(await support.getByTestId("open-agreement").count()).toBe(0);
  }, 90_000);
});
