// Goal (#18): claim intake, the eligibility rules and a manager's override, and the Zengin bank and
// branch check. Support takes a claim with the case; a charge outside a rule's window is shown
// blocked (the rule in words), the case cannot be approved or paid until a MANAGER overrides that
// rule for that charge with a reason (audited; support and a second override refused); ADMIN's
// settings move the windows (audited). The payout file names the victim's bank and branch in
// half-width kana from the Zengin code list, and an unknown branch leaves the batch with its CSV
// only, saying why. Method: a real server on its own database, staff over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { insertCharges, insertWallet, key, victimAccount, type VictimAccount } from "./compensation-fixtures.ts";
import { parseZenginText } from "../shared/compensation/zengin.ts";

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signedInAs>>;
let support: Agent;
let manager: Agent;
let admin: Agent;
const REASON = "Victim called about withdrawals they did not make";

beforeAll(async () => {
  t = await startTestApp();
  [support, manager, admin] = await Promise.all([signedInAs(t.baseUrl, "SUPPORT"), signedInAs(t.baseUrl, "MANAGER"), signedInAs(t.baseUrl, "ADMIN")]);
});
afterAll(async () => {
  await t.close();
});

async function failure(p: Promise<unknown>): Promise<{ code: string | null; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCClientError) return { code: (err.data as { code?: string } | undefined)?.code ?? null, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

// A victim with an old charge (2020-05-01 JST, 129 days before a 2020-09-07 report) and a recent one.
async function victimWithOldCharge(victim: VictimAccount = victimAccount("0125")) {
  const walletId = await insertWallet(t.db.prisma);
  const chargeIds = await insertCharges(t.db.prisma, walletId, victim, [20_000, 15_000], [new Date("2020-05-01T01:00:00Z"), new Date("2020-09-05T01:05:00Z")]);
  return { victim, chargeIds, old: chargeIds[0], recent: chargeIds[1] };
}

const CLAIM = { noticedOn: "2020-09-06", reportedOn: "2020-09-07", channel: "PHONE" as const, policeReportNumber: "第2020-4711号" };

async function createWithClaim(s: Awaited<ReturnType<typeof victimWithOldCharge>>, claim: Record<string, unknown> = CLAIM) {
  return support.trpc.compensation.create.mutate({
    idempotencyKey: key(),
    holderName: s.victim.holderName,
    lines: [
      { chargeId: s.old, amountYen: 20_000 },
      { chargeId: s.recent, amountYen: 15_000 },
    ],
    reason: REASON,
    claim: claim as typeof CLAIM,
  });
}

describe("claim intake", () => {
  it("stores the claim with the case, audited; the case shows it and the victim's real bank and branch", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await createWithClaim(s);
    const got = await support.trpc.compensation.get.query({ caseId });
    expect(got.claim).toEqual({ noticedOn: "2020-09-06", reportedOn: "2020-09-07", channel: "PHONE", policeReportNumber: "第2020-4711号" });
    expect(got.place).toMatchObject({ ok: true, bankName: "七十七", branchName: expect.any(String), bankKana: "ｼﾁｼﾞﾕｳｼﾁ" });
    const audit = await t.db.prisma.auditEvent.findFirst({ where: { targetId: caseId, action: "compensation.create" } });
    expect(audit?.after).toMatchObject({ claim: { noticedOn: "2020-09-06", reportedOn: "2020-09-07", channel: "PHONE" } });
  });

  it("refuses impossible claims with the field named: a report before noticing, a day that does not exist, a day in the future, an unknown channel", async () => {
    const s = await victimWithOldCharge();
    const before = await failure(createWithClaim(s, { ...CLAIM, noticedOn: "2020-09-08" }));
    expect(before.code).toBe("VALIDATION_FAILED");
    expect(before.message).toMatch(/report cannot come before the victim noticed/);
    expect((await failure(createWithClaim(s, { ...CLAIM, noticedOn: "2021-02-29" }))).message).toMatch(/does not exist/);
    expect((await failure(createWithClaim(s, { ...CLAIM, channel: "FAX" }))).code).toBe("VALIDATION_FAILED");
    const future = await failure(createWithClaim(s, { ...CLAIM, reportedOn: "2099-01-01" }));
    expect(future.code).toBe("CLAIM_INVALID");
    expect(future.message).toMatch(/reported it \(2099-01-01\) is after today/);
    expect(await t.db.prisma.compensationLine.count({ where: { chargeId: { in: s.chargeIds } } })).toBe(0);
  });

  it("keeps a contact log (time, staff, channel, note), audited; ANALYST cannot write it", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await createWithClaim(s);
    await support.trpc.compensation.addContact.mutate({ caseId, contactedAt: new Date("2020-09-07T02:00:00Z"), channel: "PHONE", note: "Victim confirmed the two withdrawals are not theirs" });
    await manager.trpc.compensation.addContact.mutate({ caseId, contactedAt: new Date("2020-09-08T05:30:00Z"), channel: "EMAIL", note: "Asked the victim for the police report number" });
    const got = await support.trpc.compensation.get.query({ caseId });
    expect(got.contacts.map((c) => [c.channel, c.staffEmail, c.note])).toEqual([
      ["PHONE", "support@floodgate.test", "Victim confirmed the two withdrawals are not theirs"],
      ["EMAIL", "manager@floodgate.test", "Asked the victim for the police report number"],
    ]);
    expect(await t.db.prisma.auditEvent.count({ where: { targetId: caseId, action: "compensation.contact" } })).toBe(2);
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    expect(await errorCodeOf(analyst.trpc.compensation.addContact.mutate({ caseId, contactedAt: new Date(), channel: "PHONE", note: "Analyst trying to log" }))).toBe("FORBIDDEN");
    expect((await failure(support.trpc.compensation.addContact.mutate({ caseId, contactedAt: new Date(Date.now() + 86_400_000), channel: "PHONE", note: "A call tomorrow" }))).code).toBe("CLAIM_INVALID");
    expect((await failure(support.trpc.compensation.addContact.mutate({ caseId, contactedAt: new Date(), channel: "PHONE", note: "ok" }))).code).toBe("VALIDATION_FAILED");
  });
});

describe("eligibility rules and a manager's override", () => {
  it("a charge outside the loss window is blocked with the rule named; approval and payout are refused until a manager overrides that rule for it", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await createWithClaim(s);
    const got = await manager.trpc.compensation.get.query({ caseId });
    const old = got.lines.find((l) => l.chargeId === s.old)!;
    const recent = got.lines.find((l) => l.chargeId === s.recent)!;
    expect(old.blocks.map((b) => b.rule)).toEqual(["LOSS_WITHIN"]);
    expect(old.blocks[0].words).toBe("The charge of 2020-05-01 10:00 JST is 129 days before the report of 2020-09-07; the rule allows losses at most 90 days before the report.");
    expect(old.unresolvedRules).toEqual(["LOSS_WITHIN"]);
    expect(recent.blocks).toEqual([]);
    expect(got.actions).toMatchObject({ approve: false, overrideRules: true });
    expect(got.actions.whyNotApprove).toMatch(/blocked by the rule "loss within the window before the report"/);

    // The server refuses the approval, naming the charge and the rule.
    const refused = await failure(manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" }));
    expect(refused.code).toBe("CHARGE_NOT_ELIGIBLE");
    expect(refused.message).toContain(`Charge ${s.old} of case ${caseId.slice(0, 8)} is blocked by the rule "loss within the window before the report": The charge of 2020-05-01 10:00 JST is 129 days before`);
    expect((await t.db.prisma.compensationCase.findUnique({ where: { id: caseId } }))?.state).toBe("REQUESTED");

    // Support may not override; a rule that does not block is refused; a reason is required.
    expect(await errorCodeOf(support.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.old, rule: "LOSS_WITHIN", reason: "Support thinks it is fine" }))).toBe("FORBIDDEN");
    expect((await failure(manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.old, rule: "REPORTED_WITHIN", reason: "Not the blocking rule" }))).code).toBe("RULE_NOT_BLOCKING");
    expect((await failure(manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.recent, rule: "LOSS_WITHIN", reason: "Not blocked at all" }))).code).toBe("RULE_NOT_BLOCKING");
    expect((await failure(manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.old, rule: "LOSS_WITHIN", reason: "" }))).code).toBe("VALIDATION_FAILED");
    expect((await failure(manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: "no-such-charge", rule: "LOSS_WITHIN", reason: "Wrong charge entirely" }))).code).toBe("CHARGE_NOT_FOUND");

    // The manager overrides it, with a reason: audited, shown, once.
    await manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.old, rule: "LOSS_WITHIN", reason: "Victim was abroad; bank statement shows the debit" });
    expect((await failure(manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.old, rule: "LOSS_WITHIN", reason: "Overriding it a second time" }))).code).toBe("RULE_ALREADY_OVERRIDDEN");
    const audit = await t.db.prisma.auditEvent.findMany({ where: { targetId: caseId, action: "compensation.overrideRule" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorEmail: "manager@floodgate.test", reason: "Victim was abroad; bank statement shows the debit", after: { chargeId: s.old, rule: "LOSS_WITHIN" } });
    const after = await manager.trpc.compensation.get.query({ caseId });
    const line = after.lines.find((l) => l.chargeId === s.old)!;
    expect(line.unresolvedRules).toEqual([]);
    expect(line.overrides).toMatchObject([{ rule: "LOSS_WITHIN", byEmail: "manager@floodgate.test", reason: "Victim was abroad; bank statement shows the debit" }]);

    // Now it is approved (a second manager: ¥35,000 is under the threshold, the requester was support) and paid out.
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" });
    expect(batch.batchId).toMatch(/[0-9a-f-]{36}/);
    // Once in a batch, no more overrides.
    expect((await failure(manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.recent, rule: "LOSS_WITHIN", reason: "Too late for this" }))).code).toBe("INVALID_TRANSITION");
  });

  it("a late report blocks every charge of the claim; the batch refuses a case approved before a rule blocked it", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await createWithClaim(s, { noticedOn: "2020-08-01", reportedOn: "2020-09-07", channel: "WEB_FORM" });
    const got = await manager.trpc.compensation.get.query({ caseId });
    expect(got.lines.find((l) => l.chargeId === s.recent)!.blocks.map((b) => [b.rule, b.words])).toEqual([
      ["REPORTED_WITHIN", "Reported 37 days after the victim noticed (2020-08-01 → 2020-09-07); the rule allows at most 30 days."],
    ]);
    expect(got.lines.find((l) => l.chargeId === s.old)!.unresolvedRules).toEqual(["REPORTED_WITHIN", "LOSS_WITHIN"]);
    // Overriding one rule of a charge leaves the other blocking.
    await manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.old, rule: "LOSS_WITHIN", reason: "Victim was in hospital for months" });
    expect((await failure(manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" }))).message).toMatch(/blocked by the rule "reported within the window after noticing"/);
    for (const chargeId of s.chargeIds) await manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId, rule: "REPORTED_WITHIN", reason: "Victim was in hospital for months" });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });

    // ADMIN may not set a window of 0 days (at least 1), nor may a manager change it; a loss window of 1 day
    // blocks the recent charge too (2 days before the report), and the batch refuses the case.
    expect(await errorCodeOf(admin.trpc.admin.updateSetting.mutate({ key: "compensation.eligibility.lossWithinDays", value: 0, reason: "Trying an impossible window" }))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(manager.trpc.admin.updateSetting.mutate({ key: "compensation.eligibility.lossWithinDays", value: 1, reason: "Manager is not admin" }))).toBe("FORBIDDEN");
    await admin.trpc.admin.updateSetting.mutate({ key: "compensation.eligibility.lossWithinDays", value: 1, reason: "Tighter window for the test" });
    try {
      expect(await t.db.prisma.auditEvent.count({ where: { action: "setting.update", targetId: "compensation.eligibility.lossWithinDays" } })).toBeGreaterThan(0);
      const refused = await failure(manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" }));
      expect(refused.code).toBe("CHARGE_NOT_ELIGIBLE");
      expect(refused.message).toContain(`Charge ${s.recent}`);
      expect(refused.message).toContain("allows losses at most 1 days before the report");
    } finally {
      await admin.trpc.admin.updateSetting.mutate({ key: "compensation.eligibility.lossWithinDays", value: 90, reason: "Back to the default window" });
    }
    await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" });
  });

  it("a charge the victim's bank partly paid back is blocked by 'not already reimbursed' until a manager overrides it; the rule can be switched off by ADMIN", async () => {
    const s = await victimWithOldCharge();
    await support.trpc.settlement.recordReimbursement.mutate({ chargeId: s.recent, party: "BANK", amountYen: 5_000, reimbursedOn: "2020-09-10", reference: "77-REFUND-1", reason: "Bank refunded part of the debit" });
    // The case may ask only for what the bank left (¥10,000); the rule still blocks the charge.
    const { caseId } = await support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.recent, amountYen: 10_000 }], reason: REASON, claim: CLAIM });
    const got = await manager.trpc.compensation.get.query({ caseId });
    expect(got.lines[0].blocks.map((b) => [b.rule, b.words])).toEqual([["NOT_REIMBURSED", "Already paid back ¥5,000 by the victim's bank (0125); a charge is not reimbursed twice."]]);
    expect((await failure(manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" }))).message).toMatch(/blocked by the rule "not already reimbursed"/);
    // Switched off by ADMIN, the rule no longer blocks; switched back on, the manager overrides it.
    await admin.trpc.admin.updateSetting.mutate({ key: "compensation.eligibility.refuseReimbursed", value: 0, reason: "Trying the rule switched off" });
    try {
      expect((await manager.trpc.compensation.get.query({ caseId })).lines[0].blocks).toEqual([]);
    } finally {
      await admin.trpc.admin.updateSetting.mutate({ key: "compensation.eligibility.refuseReimbursed", value: 1, reason: "Back to refusing reimbursed charges" });
    }
    await manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.recent, rule: "NOT_REIMBURSED", reason: "The bank refunded only part: we pay the rest" });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
  });

  it("a case cannot be created without a claim: refused with CLAIM_REQUIRED in words, nothing written", async () => {
    const s = await victimWithOldCharge();
    const before = await t.db.prisma.auditEvent.count();
    const refused = await failure(support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.recent, amountYen: 15_000 }], reason: REASON } as never));
    expect(refused.code).toBe("CLAIM_REQUIRED");
    expect(refused.message).toBe("A claim is required: the day the victim noticed the loss, the day they reported it to us and how (phone, email, …). The police report number is optional.");
    // Part of a claim is not a claim: the missing field is named.
    const partial = await failure(support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.recent, amountYen: 15_000 }], reason: REASON, claim: { noticedOn: "2020-09-06", channel: "PHONE" } } as never));
    expect(partial.code).toBe("VALIDATION_FAILED");
    expect(partial.message).toMatch(/claim\.reportedOn/);
    expect(await t.db.prisma.compensationLine.count({ where: { chargeId: { in: s.chargeIds } } })).toBe(0);
    expect(await t.db.prisma.auditEvent.count()).toBe(before);
  });

  it("an older case without a claim says so, and its unpaid charges are blocked until a claim is recorded (audited, weighed at once)", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await createWithClaim(s);
    // Older data: a case made before claims were required.
    await t.db.prisma.compensationClaim.delete({ where: { caseId } });
    const got = await manager.trpc.compensation.get.query({ caseId });
    expect(got.claim).toBeNull();
    expect(got.claimBlocksCharges).toBe(true);
    expect(got.actions).toMatchObject({ approve: false, correctClaim: true });
    expect(got.actions.whyNotApprove).toMatch(/No claim is recorded/);
    const refused = await failure(manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" }));
    expect(refused.code).toBe("CLAIM_REQUIRED");
    expect(refused.message).toContain(`Case ${caseId.slice(0, 8)} has no claim recorded, so its charges (${[s.old, s.recent].sort().join(", ")}) are blocked`);

    // Support records it: the date rules are weighed now (the old charge is outside the loss window).
    const out = await support.trpc.compensation.correctClaim.mutate({ caseId, claim: { noticedOn: "2020-09-06", reportedOn: "2020-09-07", channel: "PHONE" }, reason: "Victim called back with the dates" });
    expect(out).toMatchObject({ recorded: true, blocked: [{ chargeId: s.old, rules: ["LOSS_WITHIN"] }], unblocked: [] });
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: caseId, action: "compensation.correctClaim" } });
    expect(audit).toMatchObject({ actorEmail: "support@floodgate.test", reason: "Victim called back with the dates", before: { claim: null } });
    const after = await manager.trpc.compensation.get.query({ caseId });
    expect(after.claimBlocksCharges).toBe(false);
    expect(after.lines.find((l) => l.chargeId === s.old)!.unresolvedRules).toEqual(["LOSS_WITHIN"]);
    await manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: s.old, rule: "LOSS_WITHIN", reason: "Victim was abroad; bank statement shows the debit" });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
  });

  it("an older approved case without a claim is listed as blocked for payout, and the batch refuses it until the claim is recorded", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.recent, amountYen: 15_000 }], reason: REASON, claim: CLAIM });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    await t.db.prisma.compensationClaim.delete({ where: { caseId } }); // older data
    expect((await manager.trpc.compensation.get.query({ caseId })).claimBlocksCharges).toBe(true);
    expect((await manager.trpc.compensation.payableCases.query()).find((c) => c.id === caseId)).toMatchObject({ claimMissing: true });
    const refused = await failure(manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" }));
    expect(refused.code).toBe("CLAIM_REQUIRED");
    expect(refused.message).toContain(`its charges (${s.recent}) are blocked`);
    await manager.trpc.compensation.correctClaim.mutate({ caseId, claim: CLAIM, reason: "Claim found in the paper file" });
    expect((await manager.trpc.compensation.payableCases.query()).find((c) => c.id === caseId)).toMatchObject({ claimMissing: false, blocked: [] });
    await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" });
  });

  it("the approval queue's card names the blocking rule, and a manager may approve there once it is overridden", async () => {
    const walletId = await insertWallet(t.db.prisma);
    const victim = victimAccount("0125");
    const [old] = await insertCharges(t.db.prisma, walletId, victim, [150_000], [new Date("2020-05-01T01:00:00Z")]);
    const { caseId } = await support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: victim.holderName, lines: [{ chargeId: old, amountYen: 150_000 }], reason: REASON, claim: CLAIM });
    const card = (await manager.trpc.compensation.approvalQueue.query()).cases.find((c) => c.id === caseId)!;
    expect(card).toMatchObject({ claimMissing: false, canDecide: false });
    expect(card.blocked.map((b) => [b.chargeId, b.block.rule])).toEqual([[old, "LOSS_WITHIN"]]);
    expect(card.whyNotApprove).toBe(`Charge ${old} is blocked by the rule "loss within the window before the report": a manager must override it on the case page first.`);
    await manager.trpc.compensation.overrideRule.mutate({ caseId, chargeId: old, rule: "LOSS_WITHIN", reason: "Victim was abroad; bank statement shows the debit" });
    expect((await manager.trpc.compensation.approvalQueue.query()).cases.find((c) => c.id === caseId)).toMatchObject({ blocked: [], canDecide: true, whyNotApprove: null });
  });

  it("the new-case form's victim carries the rules' settings and the bank and branch check", async () => {
    const s = await victimWithOldCharge();
    const v = await support.trpc.compensation.victimForCharge.query({ chargeId: s.old });
    expect(v?.eligibilityConfig).toEqual({ reportWithinDays: 30, lossWithinDays: 90, refuseReimbursed: true });
    expect(v?.place).toMatchObject({ ok: true, bankName: "七十七" });
    expect(v?.charges.every((c) => Array.isArray(c.reimbursements))).toBe(true);
  });
});

describe("correcting a claim", () => {
  it("support corrects the days with a reason: audited before and after, the charges weighed again (unblocked, then blocked)", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await createWithClaim(s);
    expect((await manager.trpc.compensation.get.query({ caseId })).lines.find((l) => l.chargeId === s.old)!.unresolvedRules).toEqual(["LOSS_WITHIN"]);

    // The victim reported on 2020-07-25 after all (85 days after the old charge): nothing blocks.
    const fixed = { noticedOn: "2020-07-20", reportedOn: "2020-07-25", channel: "POLICE" as const, policeReportNumber: "第2020-4711号" };
    const out = await support.trpc.compensation.correctClaim.mutate({ caseId, claim: fixed, reason: "The police report shows the first report on 07-25" });
    expect(out).toEqual({ caseId, recorded: false, blocked: [], unblocked: [{ chargeId: s.old, rules: ["LOSS_WITHIN"] }] });
    const got = await manager.trpc.compensation.get.query({ caseId });
    expect(got.claim).toEqual(fixed);
    expect(got.lines.every((l) => l.unresolvedRules.length === 0)).toBe(true);
    expect(got.actions.approve).toBe(true);
    const audit = await t.db.prisma.auditEvent.findMany({ where: { targetId: caseId, action: "compensation.correctClaim" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorEmail: "support@floodgate.test",
      reason: "The police report shows the first report on 07-25",
      before: { claim: { noticedOn: "2020-09-06", reportedOn: "2020-09-07", channel: "PHONE", policeReportNumber: "第2020-4711号" } },
      after: { claim: fixed, unblocked: [{ chargeId: s.old, rules: ["LOSS_WITHIN"] }] },
    });
    expect(got.history.at(-1)).toMatchObject({ action: "compensation.correctClaim" });

    // The same claim again is refused; so is one in the future, one without a reason, and an analyst.
    expect((await failure(support.trpc.compensation.correctClaim.mutate({ caseId, claim: fixed, reason: "Saving it twice" }))).code).toBe("CLAIM_UNCHANGED");
    expect((await failure(support.trpc.compensation.correctClaim.mutate({ caseId, claim: { ...fixed, reportedOn: "2099-01-01" }, reason: "A typo" }))).code).toBe("CLAIM_INVALID");
    expect((await failure(support.trpc.compensation.correctClaim.mutate({ caseId, claim: { ...fixed, channel: "PHONE" }, reason: "" }))).code).toBe("VALIDATION_FAILED");
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    expect(await errorCodeOf(analyst.trpc.compensation.correctClaim.mutate({ caseId, claim: { ...fixed, channel: "PHONE" }, reason: "Analyst trying to correct" }))).toBe("FORBIDDEN");

    // Approved, not yet in a batch: a correction to a late report blocks both charges again, and the batch refuses the case.
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const late = await manager.trpc.compensation.correctClaim.mutate({ caseId, claim: { noticedOn: "2020-08-01", reportedOn: "2020-09-07", channel: "WEB_FORM" }, reason: "Victim's web form was filed on 09-07" });
    expect(late.blocked).toEqual([
      { chargeId: s.old, rules: ["REPORTED_WITHIN", "LOSS_WITHIN"] },
      { chargeId: s.recent, rules: ["REPORTED_WITHIN"] },
    ].sort((a, b) => a.chargeId.localeCompare(b.chargeId)));
    const refused = await failure(manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" }));
    expect(refused.code).toBe("CHARGE_NOT_ELIGIBLE");
    // The payouts page's list says so before anyone tries.
    const listed = (await manager.trpc.compensation.payableCases.query()).find((c) => c.id === caseId)!;
    expect(listed.claimMissing).toBe(false);
    expect(listed.blocked.map((b) => [b.chargeId, b.block.rule])).toContainEqual([s.recent, "REPORTED_WITHIN"]);
    expect(await t.db.prisma.auditEvent.count({ where: { targetId: caseId, action: "compensation.correctClaim" } })).toBe(2);
    // The contact log is untouched by corrections.
    expect((await manager.trpc.compensation.get.query({ caseId })).contacts).toEqual([]);
  });

  it("a correction that would block a charge already paid (or in a batch) is refused, naming the charge; one that blocks nothing is taken", async () => {
    const s = await victimWithOldCharge();
    const { caseId } = await support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.recent, amountYen: 15_000 }], reason: REASON, claim: CLAIM });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" });
    const lateClaim = { noticedOn: "2020-08-01", reportedOn: "2020-09-07", channel: "WEB_FORM" as const };
    // Exported: refused.
    const inBatch = await failure(support.trpc.compensation.correctClaim.mutate({ caseId, claim: lateClaim, reason: "Victim's web form was filed on 09-07" }));
    expect(inBatch.code).toBe("CLAIM_CORRECTION_BLOCKS_PAID");
    expect(inBatch.message).toContain(`Charge ${s.recent} (¥15,000 on 2020-09-05 10:05 JST) is in payout batch`);
    expect(inBatch.message).toContain("exported");

    const line = await t.db.prisma.payoutLine.findFirstOrThrow({ where: { caseId } });
    await manager.trpc.compensation.markBatchSent.mutate({ batchId: batch.batchId, bankReference: "77-2026-1207-0009", reason: "Bank accepted the file" });
    await manager.trpc.compensation.importBankResult.mutate({ batchId: batch.batchId, fileText: `line,amount_yen,result,reason\r\n${line.lineNo},15000,SETTLED,\r\n`, reason: "Bank results" });
    expect((await manager.trpc.compensation.get.query({ caseId })).state).toBe("PAID");

    // Paid: refused in words naming the charge and the rule; nothing changed, nothing audited.
    const paid = await failure(support.trpc.compensation.correctClaim.mutate({ caseId, claim: lateClaim, reason: "Victim's web form was filed on 09-07" }));
    expect(paid.code).toBe("CLAIM_CORRECTION_BLOCKS_PAID");
    expect(paid.message).toBe(
      `Charge ${s.recent} (¥15,000 on 2020-09-05 10:05 JST) is already paid: with this claim the rule "reported within the window after noticing" would block it (Reported 37 days after the victim noticed (2020-08-01 → 2020-09-07); the rule allows at most 30 days.) Money in flight is not taken back by an edit, so the claim was not changed.`,
    );
    expect((await manager.trpc.compensation.get.query({ caseId })).claim).toEqual(CLAIM);
    expect(await t.db.prisma.auditEvent.count({ where: { targetId: caseId, action: "compensation.correctClaim" } })).toBe(0);

    // A correction that blocks nothing (the police report number) is taken on a paid case.
    await support.trpc.compensation.correctClaim.mutate({ caseId, claim: { ...CLAIM, policeReportNumber: "第2020-4712号" }, reason: "The police corrected their number" });
    expect((await manager.trpc.compensation.get.query({ caseId })).claim?.policeReportNumber).toBe("第2020-4712号");
  });
});

describe("Zengin bank and branch codes", () => {
  it("the payout file's bank and branch name fields carry the half-width kana of the Zengin code list", async () => {
    const s = await victimWithOldCharge(victimAccount("0001"));
    const { caseId } = await support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.recent, amountYen: 15_000 }], reason: REASON, claim: CLAIM });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" });
    const z = await manager.trpc.compensation.downloadZengin.query({ batchId: batch.batchId });
    const parsed = parseZenginText(new TextDecoder("shift_jis", { fatal: true }).decode(Buffer.from(z.base64, "base64")));
    // 0001 みずほ, branch 001 東京営業部 (トウキヨウ).
    expect(parsed.transfers[0]).toMatchObject({ bankCode: "0001", bankName: "ﾐｽﾞﾎ", branchCode: "001", branchName: "ﾄｳｷﾖｳ" });
  });

  it("a branch the list does not know leaves the batch with its CSV only, saying which", async () => {
    const s = await victimWithOldCharge({ ...victimAccount("0125"), branchCode: "101" });
    const { caseId } = await support.trpc.compensation.create.mutate({ idempotencyKey: key(), holderName: s.victim.holderName, lines: [{ chargeId: s.recent, amountYen: 15_000 }], reason: REASON, claim: CLAIM });
    const got = await support.trpc.compensation.get.query({ caseId });
    expect(got.place).toMatchObject({ ok: false, problem: "BRANCH_UNKNOWN", words: "Branch 101 of bank 0125 (七十七) is not in the Zengin code list." });
    await manager.trpc.compensation.approve.mutate({ caseId, reason: "Checked the statement" });
    const batch = await manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [caseId], reason: "Weekly payout run" });
    const listed = (await manager.trpc.compensation.batches.query()).find((b) => b.id === batch.batchId)!;
    expect(listed.hasZengin).toBe(false);
    expect(listed.zenginError).toBe(`Branch 101 of bank 0125 (七十七) is not in the Zengin code list. A transfer to it would be returned: check the victim's bank and branch code. (case ${caseId.slice(0, 8)})`);
  });
});
