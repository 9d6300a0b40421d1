// Goal (#18): the regulator report gives per bank and in total the cases, amounts taken,
// compensated, pending and reimbursed by others, with the measures and their scopes and dates, as of
// a chosen time, to managers and analysts only; the partner-bank evidence pack is one ZIP per bank
// with the itemised debits, masked wallets, measures and each victim's status, and every download
// is audited. Method: a real server on its own database, staff over HTTP, the payout through the
// service functions; the ZIP read back with its CRCs checked.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { fraudScenario, key, withClaim } from "./compensation-fixtures.ts";
import { createPayoutBatch } from "../server/features/compensation/payout.ts";
import { importBankResult, markBatchSent } from "../server/features/compensation/payout-results.ts";
import { readZip } from "../server/lib/zip.ts";
import { insertCharges, insertWallet, victimAccount } from "./compensation-fixtures.ts";
import { setSuspensionTimes } from "../server/features/suspensions/ending.ts";
import { applyLift } from "../server/features/suspensions/suspend.ts";
import { withTransaction } from "../server/db/transaction.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
let analyst: Agent;
const BANK = "0157";
const times: Record<string, Date> = {};
let scenario: Awaited<ReturnType<typeof fraudScenario>>;
const pause = () => new Promise((r) => setTimeout(r, 20));

beforeAll(async () => {
  t = await startTestApp();
  [support, manager, analyst] = await Promise.all([signedInAs(t.baseUrl, "SUPPORT"), signedInAs(t.baseUrl, "MANAGER"), signedInAs(t.baseUrl, "ANALYST")]);
  const m = await t.db.prisma.staffUser.findFirstOrThrow({ where: { email: manager.user.email } });
  const actor = { id: m.id, email: m.email, role: m.role };

  scenario = await fraudScenario(t.db.prisma, [30_000, 20_000, 5_000], { bankCode: BANK });
  // The platform sent a statement descriptor with the first charge only (test/events.test.ts stores it through the API).
  await t.db.prisma.charge.update({ where: { id: scenario.chargeIds[0] }, data: { descriptor: "ﾃﾞﾓｳｫﾚｯﾄ 0000789" } });
  await pause();
  times.beforeCase = new Date();
  await pause();
  const { caseId } = await support.trpc.compensation.create.mutate(withClaim({
    idempotencyKey: key(),
    holderName: scenario.victim.holderName,
    lines: [{ chargeId: scenario.chargeIds[0], amountYen: 30_000 }],
    reason: "Victim reported withdrawals they did not make",
  }));
  await pause();
  times.requested = new Date();
  await pause();
  await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
  const { batchId } = await createPayoutBatch(t.db.prisma, actor, { caseIds: [caseId], reason: "Weekly payout run" });
  await markBatchSent(t.db.prisma, actor, { batchId, bankReference: "REF-REG-1", reason: "Bank accepted the file" });
  await pause();
  times.inFlight = new Date();
  await pause();
  await importBankResult(t.db.prisma, actor, { batchId, fileText: "line,amount_yen,result,reason\n1,30000,SETTLED,", reason: "Bank result file" });
  await support.trpc.settlement.recordReimbursement.mutate({ chargeId: scenario.chargeIds[1], party: "BANK", amountYen: 20_000, reimbursedOn: "2026-12-02", reference: "BK-77", reason: "Bank refunded its customer" });
  await t.db.prisma.suspension.create({
    data: { id: randomUUID(), bankCode: BANK, scopes: ["CHARGE", "LINK_CHANGE"], startsAt: new Date("2026-12-01T00:00:00Z"), cutoffAt: new Date("2026-12-01T00:00:00Z"), quarantine: true, reason: "Spike of fraudulent charges", createdById: m.id },
  });
});
afterAll(async () => {
  await t.close();
});

describe("regulator report", () => {
  const bankRow = async (asOf?: Date) => (await analyst.trpc.reports.regulator.query(asOf ? { asOf } : undefined)).banks.find((b) => b.bankCode === BANK);

  it("says, as of a chosen time, what was taken, compensated, pending and reimbursed, with the measures", async () => {
    expect(await bankRow(times.beforeCase)).toMatchObject({ chargeCount: 3, takenYen: 55_000, caseCount: 0, compensatedYen: 0, pendingYen: 0, reimbursedByOthersYen: 0, outstandingYen: 55_000, measures: [] });
    expect(await bankRow(times.requested)).toMatchObject({ caseCount: 1, compensatedYen: 0, pendingYen: 30_000, outstandingYen: 25_000 });
    // Approved and in flight: still pending, not compensated until the bank settles it.
    expect(await bankRow(times.inFlight)).toMatchObject({ caseCount: 1, compensatedYen: 0, pendingYen: 30_000 });
    const now = await bankRow();
    expect(now).toMatchObject({ victimCount: 1, caseCount: 1, compensatedYen: 30_000, pendingYen: 0, reimbursedByOthersYen: 20_000, outstandingYen: 5_000 });
    expect(now!.measures).toEqual([
      expect.objectContaining({ scopes: ["CHARGE", "LINK_CHANGE"], quarantine: true, startsAt: new Date("2026-12-01T00:00:00Z"), endsAt: null, status: "ACTIVE" }),
    ]);
    const report = await manager.trpc.reports.regulator.query();
    expect(report.total.takenYen).toBe(report.banks.reduce((a, b) => a + b.takenYen, 0));
  });

  it("downloads as CSV with a total row and the measures", async () => {
    const { fileName, csv } = await analyst.trpc.reports.regulatorCsv.query();
    expect(fileName).toMatch(/^regulator-report-\d{8}-\d{4}JST\.csv$/);
    const lines = csv.split("\r\n");
    expect(lines.find((l) => l.includes(`,${BANK},`))).toMatch(/,1,3,55000,1,30000,0,20000,5000,1$/);
    expect(lines.some((l) => l.includes(",TOTAL,"))).toBe(true);
    expect(lines).toContain(`${BANK},suspension,CHARGE LINK_CHANGE,yes,2026-12-01T09:00:00+09:00,,ACTIVE`);
  });

  it("is refused to support and admin (server-side role check)", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    expect(await errorCodeOf(support.trpc.reports.regulator.query())).toBe("FORBIDDEN");
    expect(await errorCodeOf(admin.trpc.reports.regulatorCsv.query())).toBe("FORBIDDEN");
  });
});

describe("partner-bank evidence pack", () => {
  it("is one audited ZIP with the debits, masked wallets, measures and each victim's status", async () => {
    expect(await errorCodeOf(analyst.trpc.reports.evidencePack.query({ bankCode: BANK }))).toBe("FORBIDDEN");
    const pack = await manager.trpc.reports.evidencePack.query({ bankCode: BANK });
    expect(pack.fileName).toMatch(new RegExp(`^evidence-${BANK}-\\d{8}-\\d{4}JST\\.zip$`));
    const files = new Map(readZip(Buffer.from(pack.base64, "base64")).map((e) => [e.name, Buffer.from(e.data).toString("utf8")]));
    expect([...files.keys()]).toEqual(["README.txt", "debits.csv", "wallets.csv", "measures.csv", "victims.csv"]);
    const debits = files.get("debits.csv")!.split("\r\n").filter(Boolean);
    expect(debits).toHaveLength(4);
    const first = debits.find((l) => l.startsWith(scenario.chargeIds[0]))!.split(",");
    expect(first[2]).toBe("30000");
    expect(first[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect(first[3]).toBe("ﾃﾞﾓｳｫﾚｯﾄ 0000789");
    expect(first[10]).toBe("");
    // No descriptor from the platform: an empty cell and the reason in words, never an invented one.
    const second = debits.find((l) => l.startsWith(scenario.chargeIds[1]))!.split(",");
    expect([second[3], second[10]]).toEqual(["", "not sent by the wallet platform"]);
    expect(files.get("README.txt")).toContain("did not report it for 2 of 3 debits");
    expect(first[7]).toBe("30000");
    const all = [...files.values()].join("\n");
    expect(all).not.toContain(scenario.victim.accountNumber);
    expect(all).not.toContain(scenario.walletId);
    expect(files.get("wallets.csv")!.split("\r\n")[1]).toMatch(/,3,55000$/);
    expect(files.get("measures.csv")).toContain("suspension,CHARGE LINK_CHANGE,yes,2026-12-01T09:00:00+09:00");
    const victim = files.get("victims.csv")!.split("\r\n")[1].split(",");
    expect(victim.slice(2)).toEqual(["3", "55000", "30000", "0", "20000", "5000", "PARTLY_PAID"]);
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "reports.evidencePack", targetId: BANK } });
    expect(audit).toMatchObject({ actorRole: "MANAGER", targetType: "bank" });
    expect((audit.after as { sha256: string }).sha256).toBe(pack.sha256);
  });
});

describe("regulator report as of a time (#18)", () => {
  // Bank 0005, its own data: a label, a payment and a suspension each changed after T must leave the
  // report as of T as it was, and show in the report as of now.
  const B = "0005";
  it("is not rewritten by a label, a payment or a suspension changed after the time", async () => {
    const m = await t.db.prisma.staffUser.findFirstOrThrow({ where: { email: manager.user.email } });
    const actor = { id: m.id, email: m.email, role: m.role };
    const cleared = await insertWallet(t.db.prisma, { riskScore: 85 }); // flagged, to be marked legitimate after T
    await insertCharges(t.db.prisma, cleared, victimAccount(B), [10_000]);
    const confirmed = await insertWallet(t.db.prisma, { riskScore: 10 }); // not flagged, to be confirmed after T
    await insertCharges(t.db.prisma, confirmed, victimAccount(B), [7_000]);
    const paid = await fraudScenario(t.db.prisma, [30_000], { bankCode: B });
    const { caseId } = await support.trpc.compensation.create.mutate(withClaim({
      idempotencyKey: key(),
      holderName: paid.victim.holderName,
      lines: [{ chargeId: paid.chargeIds[0], amountYen: 30_000 }],
      reason: "Victim reported a withdrawal they did not make",
    }));
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const { batchId } = await createPayoutBatch(t.db.prisma, actor, { caseIds: [caseId], reason: "Payout run" });
    await markBatchSent(t.db.prisma, actor, { batchId, bankReference: "REF-ASOF-1", reason: "Bank accepted the file" });
    const plannedEnd = new Date("2027-03-01T00:00:00Z");
    const suspension = await t.db.prisma.suspension.create({
      data: { id: randomUUID(), bankCode: B, scopes: ["REGISTRATION"], startsAt: new Date("2026-12-01T00:00:00Z"), cutoffAt: new Date("2026-12-01T00:00:00Z"), quarantine: false, reason: "Spike of registrations", createdById: m.id, endsAt: plannedEnd },
    });
    await pause();
    const T = new Date();
    await pause();

    const atT = { takenYen: 40_000, chargeCount: 2, caseCount: 1, compensatedYen: 0, pendingYen: 30_000, outstandingYen: 10_000 };
    const measureAtT = { scopes: ["REGISTRATION"], endsAt: plannedEnd, status: "ACTIVE" };
    const rowAt = async (asOf?: Date) => (await analyst.trpc.reports.regulator.query(asOf ? { asOf } : undefined)).banks.find((b) => b.bankCode === B);
    expect(await rowAt(T)).toMatchObject({ ...atT, measures: [expect.objectContaining(measureAtT)] });

    // After T: the labels change, the transfer settles, the end moves and then the suspension is lifted.
    await analyst.trpc.accounts.markLegitimate.mutate({ accountIds: [cleared], reason: "The holder proved the link was theirs" });
    await analyst.trpc.accounts.markConfirmedFraud.mutate({ accountIds: [confirmed], reason: "Same device as a known ring" });
    await importBankResult(t.db.prisma, actor, { batchId, fileText: "line,amount_yen,result,reason\n1,30000,SETTLED,", reason: "Bank result file" });
    await setSuspensionTimes(t.db.prisma, actor, { suspensionId: suspension.id, endsAt: new Date("2027-04-01T00:00:00Z"), reviewAt: null, reason: "Extended after the review" });
    await withTransaction(t.db.prisma, (tx) => applyLift(tx, actor, { suspensionId: suspension.id, reason: "Bank fixed its page", liftedById: m.id, changeRequestId: randomUUID(), emergency: true }));
    await pause();

    expect(await rowAt(T)).toMatchObject({ ...atT, measures: [expect.objectContaining(measureAtT)] });
    const now = await rowAt();
    expect(now).toMatchObject({ takenYen: 37_000, chargeCount: 2, caseCount: 1, compensatedYen: 30_000, pendingYen: 0, outstandingYen: 7_000 });
    expect(now!.measures).toEqual([expect.objectContaining({ scopes: ["REGISTRATION"], status: "ENDED" })]);
    expect(now!.measures[0].endsAt!.getTime()).toBeLessThan(plannedEnd.getTime()); // the lift's time
    // The labels' history was written by the database, with the label each change replaced.
    const history = await t.db.prisma.walletLabelChange.findMany({ where: { accountId: { in: [cleared, confirmed] } }, orderBy: { id: "asc" } });
    expect(history.map((h) => [h.accountId, h.labelBefore, h.labelAfter])).toEqual([
      [cleared, null, "LEGITIMATE"],
      [confirmed, null, "CONFIRMED_FRAUD"],
    ]);
    expect(history[0].changedAt.getTime()).toBeGreaterThan(T.getTime());
  });
});
