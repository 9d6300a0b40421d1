// Goal: the whole compensation path in a real browser. Support opens a 77 Bank victim from the
// likely-victims list, the form pre-ticks the unpaid charges and refuses an overpayment; support
// takes the claim (noticed, reported, channel, police report number) and the form shows the charge
// of 1 May blocked by the 90-day loss window, in words; a double click on submit creates one case
// above the threshold, support logs a call in the contact log and cannot approve it; a manager
// overrides the rule for that charge with a reason on the case page (#18) after support corrected the
// claim's report day there (the block's words follow at once), approves it from the
// approval queue (evidence on the card), puts it into a payout batch and
// downloads the CSV and the Zengin file (#18); the batch is marked sent, the bank's result fails
// the line (account closed) and the case is payable again with the reason; the next batch settles
// it, the victim's outstanding amount becomes zero and the reconciliation page shows no
// difference. Screenshots of the new-case form
// and the approval queue go to test-results/. Method: built SPA on a real server, Chromium.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { browserTestsEnabled, launchBrowser, newPage, signInThroughUi } from "../helpers/browser.ts";
import { insertCharges, insertWallet, victimAccount } from "../compensation-fixtures.ts";
import { parseZenginText } from "../../shared/compensation/zengin.ts";

const SHOTS = "test-results";

/** On the payouts page: open the batch, mark it sent with the reference, and import the bank's result. */
async function markSentAndImport(page: Page, batch: { id: string; fileName: string }, reference: string, result: string) {
  const item = page.getByTestId(`batch-${batch.id}`);
  if (!(await item.getByTestId("mark-sent").isVisible())) await item.getByText(batch.fileName).click();
  await item.getByTestId("mark-sent").click();
  const sent = page.getByRole("dialog");
  await sent.getByLabel("Bank acceptance reference").fill(reference);
  await sent.getByLabel("Reason").fill("The bank accepted the transfer file");
  await sent.getByRole("button", { name: "Mark sent" }).click();
  await item.getByText(`reference ${reference}`).waitFor();
  await item.getByTestId("import-result").click();
  const imp = page.getByRole("dialog");
  await imp.getByLabel("Result file contents").fill(result);
  await imp.getByLabel("Reason").fill("Result file from the bank's portal");
  await imp.getByRole("button", { name: "Import bank result" }).click();
  await item.getByTestId("batch-status").filter({ hasText: "Closed" }).waitFor();
}

describe.runIf(browserTestsEnabled)("compensation in the browser", () => {
  let t: TestApp;
  let browser: Browser;
  const victim = victimAccount("0125", "ヤマダ タロウ");
  let chargeIds: string[];
  let oldCharge: string;
  let walletId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ serveClient: true });
    browser = await launchBrowser();
    // A flagged wallet at The 77 Bank drained one victim in two charges: ¥110,000, above the
    // ¥100,000 approval threshold. A second, smaller victim keeps the lists realistic.
    walletId = await insertWallet(t.db.prisma, {
      riskScore: 88,
      riskReasons: [
        { code: "NAME_MISMATCH", points: 35, evidence: "Bank holder ヤマダ タロウ does not match wallet holder サトウ ジロウ" },
        { code: "CHARGE_SOON_AFTER_LINK", points: 30, evidence: "First charge 3 minutes after linking at a PIN-only bank" },
        { code: "TRANSFER_OUT", points: 23, evidence: "¥108,000 sent to another wallet within 20 minutes" },
      ],
    });
    chargeIds = await insertCharges(t.db.prisma, walletId, victim, [60_000, 45_000]);
    // One more, on 1 May (JST): 129 days before the report of 7 September, outside the 90-day window.
    [oldCharge] = await insertCharges(t.db.prisma, walletId, victim, [5_000], [new Date("2020-05-01T01:00:00Z")]);
    chargeIds.push(oldCharge);
    await insertCharges(t.db.prisma, walletId, victimAccount("0125", "スズキ ハナコ"), [30_000]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function owedYen(): Promise<number> {
    const { rows } = await t.db.pool.query<{ owed: number }>(
      `SELECT COALESCE(SUM(GREATEST(0, c.amount_yen - COALESCE((SELECT SUM(l.amount_yen) FROM compensation_line l JOIN compensation_case cc ON cc.id = l.case_id
                                                                 WHERE l.charge_id = c.id AND cc.state NOT IN ('REJECTED', 'CANCELLED')), 0))), 0)::int8 AS owed
         FROM charge c WHERE c.id = ANY($1)`,
      [chargeIds],
    );
    return rows[0].owed;
  }

  it("support → manager → payout: one case, four eyes, victim paid in full", async () => {
    // --- Support: from the likely-victims list to the new-case form.
    const support: Page = await newPage(browser, t.baseUrl);
    await signInThroughUi(support, "SUPPORT");
    await support.waitForURL("**/compensation");
    await support.getByRole("heading", { name: "Compensation queue" }).waitFor();
    await support.getByRole("link", { name: "Likely victims by bank" }).click();
    await support.waitForURL("**/accounts/victims");
    const row = support.getByTestId("victims-bank-0125").getByRole("row").filter({ hasText: `****${victim.accountNumber.slice(-3)}` });
    await row.getByRole("link", { name: "Compensate" }).click();
    await support.waitForURL(/\/compensation\/new\?chargeId=/);
    expect(support.url()).not.toContain(victim.accountNumber);

    // Unpaid charges come ticked for what is owed; the total is above the threshold.
    const total = support.getByTestId("case-total");
    await expect.poll(() => total.textContent()).toContain("¥110,000");
    await expect(support.getByText("a manager other than you must approve this case").isVisible()).resolves.toBe(true);
    // An overpayment is refused before submitting.
    const amount = support.getByLabel(`Amount for charge ${chargeIds[0]}`);
    await amount.fill("60001");
    await support.getByText("At most ¥60,000 is left to pay back.").waitFor();
    await expect(support.getByTestId("submit-case").isDisabled()).resolves.toBe(true);
    // What was typed is read as typed or refused with words: "50.5" is not ¥505 (#13 §4).
    await amount.fill("50.5");
    await support.getByText("Yen has no decimals: enter whole yen, without a point.").waitFor();
    await expect(support.getByTestId("submit-case").isDisabled()).resolves.toBe(true);
    await expect(amount.inputValue()).resolves.toBe("50.5");
    expect(await total.textContent()).not.toContain("¥505");
    // Full-width digits and a separator, as a Japanese IME types them, are read correctly.
    await amount.fill("６０，０００");
    await expect.poll(() => total.textContent()).toContain("¥110,000");
    await expect(amount.inputValue()).resolves.toBe("６０，０００");
    await amount.fill("60000");
    await support.getByLabel("Reason").fill("Victim called: two withdrawals on 9/5 they did not make");
    // The victim's real bank and branch, from the Zengin code list.
    await expect(support.getByTestId("victim-place").textContent()).resolves.toMatch(/^七十七 \(0125\) · branch .+ \(100\)$/);
    // The claim (#18): until its days are given the case cannot be created.
    await support.getByText("Enter the days the victim noticed and reported the loss.").waitFor();
    await expect(support.getByTestId("submit-case").isDisabled()).resolves.toBe(true);
    await support.getByLabel("Day the victim noticed the loss").fill("2020-09-06");
    await support.getByLabel("Day the victim reported it to us").fill("2020-09-07");
    await support.getByLabel("Police report number").fill("第2020-4711号");
    // The charge of 1 May is blocked, the rule named in words; the others are not.
    await support
      .getByTestId(`blocks-${oldCharge}`)
      .getByText("Blocked by rule “Loss at most 90 days before the report”: the charge is 129 days before the report of 2020-09-07.")
      .waitFor();
    await expect(support.getByTestId(`blocks-${chargeIds[0]}`).count()).resolves.toBe(0);
    await expect(support.getByTestId("submit-case").isEnabled()).resolves.toBe(true);
    await support.screenshot({ path: `${SHOTS}/compensation-new-case.png`, fullPage: true });

    // A double click creates one case.
    await support.getByTestId("submit-case").dblclick();
    await support.waitForURL(/\/compensation\/cases\/[0-9a-f-]{36}$/);
    const caseId = support.url().split("/").pop()!;
    expect(await t.db.prisma.compensationCase.count({ where: { accountNumber: victim.accountNumber } })).toBe(1);
    expect(await t.db.prisma.compensationLine.count({ where: { chargeId: { in: chargeIds } } })).toBe(3);
    const claim = await t.db.prisma.compensationClaim.findUniqueOrThrow({ where: { caseId } });
    expect([claim.noticedOn.toISOString().slice(0, 10), claim.reportedOn.toISOString().slice(0, 10), claim.channel, claim.policeReportNumber]).toEqual(["2020-09-06", "2020-09-07", "PHONE", "第2020-4711号"]);
    // The case page names the blocked charge's rule; support has no Override button.
    const blockRow = support.getByTestId(`block-${oldCharge}-LOSS_WITHIN`);
    await blockRow.getByText("Loss at most 90 days before the report", { exact: true }).waitFor();
    await expect(blockRow.getByRole("button", { name: "Override" }).count()).resolves.toBe(0);
    // Support logs the call with the victim.
    const log = support.getByTestId("contact-log");
    await log.getByLabel("What was said").fill("Victim confirmed the three withdrawals; police receipt to follow");
    await log.getByRole("button", { name: "Add to the log" }).click();
    const entry = log.getByTestId("contact-entry").filter({ hasText: "Victim confirmed the three withdrawals; police receipt to follow" });
    await entry.waitFor();
    await expect(entry.textContent()).resolves.toMatch(/JST · Phone · support@floodgate\.test/);

    // Support corrects the claim (#18): the victim reported on 8 September, not the 7th. The dialog
    // wants a reason; the charges are weighed again at once (the May charge: now 130 days).
    await support.getByTestId("claim-card").getByRole("button", { name: "Correct the claim" }).click();
    const cd = support.getByRole("dialog");
    await expect(cd.getByLabel("Day the victim reported it to us").inputValue()).resolves.toBe("2020-09-07");
    await cd.getByLabel("Day the victim reported it to us").fill("2020-09-08");
    const save = cd.getByRole("button", { name: "Save the correction" });
    await expect(save.isDisabled()).resolves.toBe(true);
    await cd.getByLabel("Reason").fill("Victim's call log shows the report on 9/8");
    await save.click();
    await cd.waitFor({ state: "detached" });
    await support.getByTestId("claim-summary").getByText("reported 2020-09-08", { exact: false }).waitFor();
    await blockRow.getByText("the charge is 130 days before the report of 2020-09-08").waitFor();
    const corrected = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: caseId, action: "compensation.correctClaim" } });
    expect(corrected).toMatchObject({ actorEmail: "support@floodgate.test", reason: "Victim's call log shows the report on 9/8", before: { claim: { reportedOn: "2020-09-07" } }, after: { claim: { reportedOn: "2020-09-08" } } });
    await expect(log.getByTestId("contact-entry").count()).resolves.toBe(1);

    // Support cannot approve a case this large: no button, and the page says why.
    await support.getByTestId("case-state").filter({ hasText: "Requested" }).first().waitFor();
    await expect(support.getByRole("button", { name: "Approve" }).count()).resolves.toBe(0);
    await expect(support.getByTestId("why-not-approve").textContent()).resolves.toMatch(/need a manager's approval/);
    await support.screenshot({ path: `${SHOTS}/compensation-case-support.png`, fullPage: true });
    // The queue lists it, waiting for approval, with the total in yen.
    await support.getByRole("link", { name: "Compensation queue" }).click();
    await support.getByTestId("case-table").getByRole("row").filter({ hasText: "¥110,000" }).waitFor();
    await support.screenshot({ path: `${SHOTS}/compensation-queue.png`, fullPage: true });
    await support.context().close();

    // --- Manager: the approval queue with the evidence, approve with a reason.
    const manager = await newPage(browser, t.baseUrl);
    await signInThroughUi(manager, "MANAGER");
    await manager.waitForURL("**/overview");
    // First the blocked charge: the manager overrides the rule for it, with a reason (#18).
    await manager.goto(`/compensation/cases/${caseId}`);
    const blockedRow = manager.getByTestId(`block-${oldCharge}-LOSS_WITHIN`);
    await blockedRow.getByRole("button", { name: "Override" }).click();
    const od = manager.getByRole("dialog");
    await od.getByLabel("Reason").fill("Victim was abroad until September; the bank statement shows the May debit");
    await od.getByRole("button", { name: /^Override “Loss at most 90 days before the report”/ }).click();
    await blockedRow.getByText(/overridden by manager@floodgate.test/).waitFor();
    await manager.screenshot({ path: `${SHOTS}/compensation-case-override.png`, fullPage: true });
    const override = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: caseId, action: "compensation.overrideRule" } });
    expect(override).toMatchObject({ actorEmail: "manager@floodgate.test", after: { chargeId: oldCharge, rule: "LOSS_WITHIN" } });
    await manager.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Approvals/ }).click();
    await manager.waitForURL("**/compensation/approvals");
    const card = manager.getByTestId("approval-case").filter({ hasText: "¥110,000" });
    await card.getByText("Name mismatch").waitFor(); // the rule's one label (shared/accounts/labels.ts)
    await expect(card.getByRole("link", { name: `Wallet ${walletId}` }).getAttribute("href")).resolves.toBe(`/accounts/${walletId}`);
    await manager.screenshot({ path: `${SHOTS}/compensation-approval-queue.png`, fullPage: true });
    await card.getByRole("button", { name: "Approve" }).click();
    const dialog = manager.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("Holder name mismatch and immediate transfer out: clear fraud");
    await dialog.getByRole("button", { name: "Approve" }).click();
    await manager.getByText("No large cases are waiting for approval.").waitFor();
    expect((await t.db.prisma.compensationCase.findUniqueOrThrow({ where: { id: caseId } })).state).toBe("APPROVED");

    // --- Manager: payout batch, then download the file.
    await manager.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Payouts/ }).click();
    await manager.waitForURL("**/compensation/batches");
    // The selection lives in the URL, so the box turns checked after a (client-side) navigation:
    // click, then wait for it, rather than check(), which wants the state to flip synchronously.
    const box = manager.getByLabel(`Select case ${caseId}`);
    await box.click();
    await expect.poll(() => box.isChecked(), { timeout: 30_000 }).toBe(true);
    await manager.getByTestId("create-batch").click();
    const batchDialog = manager.getByRole("dialog");
    await batchDialog.getByLabel("Reason").fill("Payout run for 77 Bank victims");
    await batchDialog.getByRole("button", { name: "Create batch" }).click();
    await manager.getByText("No approved cases are waiting for payout.").waitFor();
    await manager.screenshot({ path: `${SHOTS}/compensation-payouts.png`, fullPage: true });
    const batch = await t.db.prisma.payoutBatch.findFirstOrThrow({ where: { cases: { some: { id: caseId } } } });
    await manager.getByTestId("batches").getByText(batch.fileName).click();
    const [download] = await Promise.all([manager.waitForEvent("download"), manager.getByRole("button", { name: "Download file" }).click()]);
    const saved = readFileSync((await download.path())!);
    expect(saved.equals(Buffer.from(batch.fileCsv, "utf8"))).toBe(true);
    expect(saved.toString("utf8")).toContain(`${victim.accountNumber},ヤマダ タロウ,110000,${caseId}`);

    // The Zengin file (#18): Shift_JIS, 120-byte records, the one transfer and its total.
    const [zdl] = await Promise.all([manager.waitForEvent("download"), manager.getByRole("button", { name: "Download Zengin file" }).click()]);
    const zbytes = readFileSync((await zdl.path())!);
    expect(createHash("sha256").update(zbytes).digest("hex")).toBe((await t.db.prisma.payoutBatch.findUniqueOrThrow({ where: { id: batch.id } })).fileZenginSha256);
    const zengin = parseZenginText(new TextDecoder("shift_jis", { fatal: true }).decode(zbytes));
    expect(zengin.trailer).toEqual({ count: 1, totalYen: 110_000 });
    expect(zengin.transfers[0]).toMatchObject({ bankCode: "0125", accountNumber: victim.accountNumber, holderName: "ﾔﾏﾀﾞ ﾀﾛｳ", amountYen: 110_000 });

    // Sent, then the bank answers: account closed. The case is payable again, with the reason.
    await markSentAndImport(manager, batch, "ACCEPT-0001", "line,amount_yen,result,reason\n1,110000,FAILED,ACCOUNT_CLOSED\n");
    await manager.getByTestId(`batch-${batch.id}`).getByTestId("batch-lines").getByText("account closed").waitFor();
    await manager.getByTestId("payable-cases").waitFor();
    await manager.goto(`/compensation/cases/${caseId}`);
    await manager.getByTestId("case-payout-failed").filter({ hasText: "the bank could not pay it (account closed)" }).waitFor();
    await manager.screenshot({ path: `${SHOTS}/compensation-case-payout-failed.png`, fullPage: true });

    // The next batch settles it.
    await manager.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Payouts/ }).click();
    await manager.waitForURL("**/compensation/batches");
    const box2 = manager.getByLabel(`Select case ${caseId}`);
    await box2.click();
    await expect.poll(() => box2.isChecked(), { timeout: 30_000 }).toBe(true);
    await manager.getByTestId("create-batch").click();
    await manager.getByRole("dialog").getByLabel("Reason").fill("Second payout run after the victim's new account");
    await manager.getByRole("dialog").getByRole("button", { name: "Create batch" }).click();
    await manager.getByText("No approved cases are waiting for payout.").waitFor();
    const batch2 = await t.db.prisma.payoutBatch.findFirstOrThrow({ where: { cases: { some: { id: caseId } } } });
    expect(batch2.id).not.toBe(batch.id);
    await markSentAndImport(manager, batch2, "ACCEPT-0002", "line,amount_yen,result,reason\n1,110000,SETTLED,\n");
    await manager.getByTestId(`batch-${batch2.id}`).getByTestId("batch-lines").getByText("Settled").waitFor();
    await manager.screenshot({ path: `${SHOTS}/compensation-payouts-lifecycle.png`, fullPage: true });

    // --- The victim is paid in full: outstanding zero on the case page and in the sums.
    await manager.goto(`/compensation/cases/${caseId}`);
    await manager.getByTestId("case-state").filter({ hasText: "Paid" }).first().waitFor();
    await expect(manager.getByTestId("victim-owed").textContent()).resolves.toContain("¥0 still owed");
    expect(await owedYen()).toBe(0);
    await manager.screenshot({ path: `${SHOTS}/compensation-case-paid.png`, fullPage: true });

    // Reconciliation: the ledger and the cases agree, per bank and in total.
    await manager.goto("/compensation/reconciliation");
    await manager.getByTestId("reconciliation-status").filter({ hasText: "agree for every bank" }).waitFor();
    expect(await manager.getByTestId("reconciliation").getByTestId("difference").count()).toBe(0);
    await expect(manager.getByTestId("reconciliation-0125").textContent()).resolves.toContain("¥110,000");
    await manager.screenshot({ path: `${SHOTS}/compensation-reconciliation.png`, fullPage: true });
    await manager.context().close();
  }, 120_000);
});
