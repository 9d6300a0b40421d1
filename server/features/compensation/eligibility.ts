// Claim intake and eligibility (#18): the rules' settings (ADMIN), what others already paid back on
// a charge, a case's eligibility per charge with the managers' overrides, the guard approval and
// payout batches call (no blocked charge leaves without an override), and the two mutations of the
// case page: a manager's override of one rule for one charge, and the contact log. The rules
// themselves are pure: shared/compensation/eligibility.ts.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { AppError } from "../../../shared/errors.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import {
  blockWords,
  evaluateCharge,
  RULE_NAMES,
  unresolvedBlocks,
  type Claim,
  type EligibilityConfig,
  type EligibilityRule,
  type Reimbursement,
  type RuleBlock,
} from "../../../shared/compensation/eligibility.ts";
import type { AddContactInput, OverrideRuleRequest } from "../../../shared/compensation/inputs.ts";
import { readSetting } from "../admin/settings-service.ts";
import { emails } from "./queries.ts";
import { reimbursedCharges } from "../settlement/reimbursements.ts";
import { bankBranch } from "./zengin-codes.ts";
import type { VictimView } from "./victims.ts";

type Db = PrismaClient | Tx;

export async function eligibilityConfig(db: Db): Promise<EligibilityConfig> {
  const [reportWithinDays, lossWithinDays, refuseReimbursed] = await Promise.all([
    readSetting(db, "compensation.eligibility.reportWithinDays"),
    readSetting(db, "compensation.eligibility.lossWithinDays"),
    readSetting(db, "compensation.eligibility.refuseReimbursed"),
  ]);
  return { reportWithinDays, lossWithinDays, refuseReimbursed: refuseReimbursed === 1 };
}

/**
 * What the bank or other parties already paid back, per charge: the reimbursement records of cost
 * sharing (charge_reimbursement, server/features/settlement/reimbursements.ts), named for the words.
 */
export async function reimbursementsOf(db: Db, chargeIds: readonly string[]): Promise<Map<string, Reimbursement[]>> {
  const out = new Map<string, Reimbursement[]>();
  for (const [chargeId, list] of await reimbursedCharges(db, chargeIds)) {
    out.set(
      chargeId,
      list.map((r) => ({ party: r.party === "BANK" ? `the victim's bank (${r.bankCode ?? "?"})` : (r.partyName ?? r.party), amountYen: r.amountYen })),
    );
  }
  return out;
}

/** "YYYY-MM-DD" of a DATE column (Prisma reads it as UTC midnight). */
function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function dateOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export interface StoredClaim {
  noticedOn: string;
  reportedOn: string;
  channel: string;
  policeReportNumber: string | null;
}

export interface LineEligibility {
  chargeId: string;
  blocks: RuleBlock[];
  overrides: Array<{ rule: EligibilityRule; reason: string; byEmail: string; at: Date }>;
  /** The blocks no override lifts: while any remain, the case cannot be approved or paid. */
  unresolved: RuleBlock[];
}

export interface CaseEligibility {
  claim: StoredClaim | null;
  config: EligibilityConfig;
  lines: LineEligibility[];
}

/** Per case, per charge: which rules block it, and which a manager overrode (a few queries for all cases). */
export async function casesEligibility(db: Db, caseIds: readonly string[]): Promise<Map<string, CaseEligibility>> {
  const ids = [...new Set(caseIds)];
  const [claims, config, lines] = await Promise.all([
    db.compensationClaim.findMany({ where: { caseId: { in: ids } } }),
    eligibilityConfig(db),
    db.compensationLine.findMany({
      where: { caseId: { in: ids } },
      select: {
        caseId: true,
        chargeId: true,
        charge: { select: { occurredAt: true, amountYen: true } },
        overrides: { select: { rule: true, reason: true, overriddenById: true, overriddenAt: true }, orderBy: { overriddenAt: "asc" } },
      },
      orderBy: [{ caseId: "asc" }, { chargeId: "asc" }],
    }),
  ]);
  const reimbursed = await reimbursementsOf(db, [...new Set(lines.map((l) => l.chargeId))]);
  const emailOf = await emails(db as PrismaClient, lines.flatMap((l) => l.overrides.map((o) => o.overriddenById)));
  const out = new Map<string, CaseEligibility>();
  for (const id of ids) out.set(id, { claim: null, config, lines: [] });
  for (const c of claims) {
    out.get(c.caseId)!.claim = { noticedOn: dayOf(c.noticedOn), reportedOn: dayOf(c.reportedOn), channel: c.channel, policeReportNumber: c.policeReportNumber };
  }
  for (const l of lines) {
    const entry = out.get(l.caseId)!;
    const blocks = evaluateCharge(entry.claim, { chargeId: l.chargeId, occurredAt: l.charge.occurredAt, amountYen: l.charge.amountYen, reimbursements: reimbursed.get(l.chargeId) ?? [] }, config);
    const overrides = l.overrides.map((o) => ({ rule: o.rule as EligibilityRule, reason: o.reason, byEmail: emailOf.get(o.overriddenById) ?? "unknown", at: o.overriddenAt }));
    entry.lines.push({ chargeId: l.chargeId, blocks, overrides, unresolved: unresolvedBlocks(l.chargeId, blocks, overrides.map((o) => ({ chargeId: l.chargeId, rule: o.rule }))) });
  }
  return out;
}

export async function caseEligibility(db: Db, caseId: string): Promise<CaseEligibility> {
  return (await casesEligibility(db, [caseId])).get(caseId)!;
}

/**
 * Refuses, in words, when one of these cases has no claim (an older case: its date rules cannot be
 * weighed, so its charges stay blocked until a claim is recorded on the case page), or a charge of
 * one is blocked by a rule no manager overrode.
 */
export async function assertCasesEligible(tx: Tx, caseIds: readonly string[]): Promise<void> {
  const all = await casesEligibility(tx, caseIds);
  for (const caseId of caseIds) {
    const entry = all.get(caseId)!;
    if (entry.claim === null) {
      const charges = entry.lines.map((l) => l.chargeId);
      throw compensationError(
        "CLAIM_REQUIRED",
        `Case ${caseId.slice(0, 8)} has no claim recorded, so its charges (${charges.join(", ")}) are blocked: record the claim (the day the victim noticed the loss, the day they reported it and how) on the case page before the case is approved or paid.`,
        { caseId, chargeIds: charges },
      );
    }
    const blocked = entry.lines.find((l) => l.unresolved.length > 0);
    if (blocked) {
      const b = blocked.unresolved[0];
      throw compensationError(
        "CHARGE_NOT_ELIGIBLE",
        `Charge ${blocked.chargeId} of case ${caseId.slice(0, 8)} is blocked by the rule "${RULE_NAMES[b.rule]}": ${blockWords(b)} A manager must override that rule for this charge, with a reason, before the case is approved or paid.`,
        { caseId, chargeId: blocked.chargeId, rule: b.rule },
      );
    }
  }
}

/** A MANAGER lifts one rule for one charge of a case (reason, audited, one transaction). */
export async function overrideRule(db: PrismaClient, actor: StaffActor, input: OverrideRuleRequest): Promise<{ caseId: string; chargeId: string; rule: EligibilityRule }> {
  if (actor.role !== "MANAGER") throw new AppError("FORBIDDEN", "Only a manager may override an eligibility rule.");
  return withTransaction(db, async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ state: string; payout_batch_id: string | null }>>(sql`
      SELECT state::text AS state, payout_batch_id::text AS payout_batch_id FROM compensation_case WHERE id = ${input.caseId}::uuid FOR UPDATE`);
    if (!row) throw compensationError("CASE_NOT_FOUND");
    if (row.state !== "REQUESTED" && !(row.state === "APPROVED" && row.payout_batch_id === null)) {
      throw compensationError("INVALID_TRANSITION", `This case is ${row.state.toLowerCase()}${row.payout_batch_id ? " and in a payout batch" : ""}: its charges' eligibility can no longer be overridden.`, { state: row.state });
    }
    const { lines } = await caseEligibility(tx, input.caseId);
    const line = lines.find((l) => l.chargeId === input.chargeId);
    if (!line) throw compensationError("CHARGE_NOT_FOUND", `Charge ${input.chargeId} is not in this case.`, { chargeId: input.chargeId });
    const block = line.blocks.find((b) => b.rule === input.rule);
    if (!block) throw compensationError("RULE_NOT_BLOCKING", `The rule "${RULE_NAMES[input.rule]}" does not block charge ${input.chargeId}: there is nothing to override.`, { chargeId: input.chargeId, rule: input.rule });
    const inserted = await tx.$executeRaw(sql`
      INSERT INTO compensation_rule_override (case_id, charge_id, rule, reason, overridden_by_id)
      VALUES (${input.caseId}::uuid, ${input.chargeId}, ${input.rule}, ${input.reason}, ${actor.id}::uuid)
      ON CONFLICT (case_id, charge_id, rule) DO NOTHING`);
    if (inserted !== 1) {
      const prior = line.overrides.find((o) => o.rule === input.rule);
      throw compensationError("RULE_ALREADY_OVERRIDDEN", `The rule "${RULE_NAMES[input.rule]}" was already overridden for charge ${input.chargeId}${prior ? ` by ${prior.byEmail}` : ""}.`, { chargeId: input.chargeId, rule: input.rule });
    }
    await writeAudit(tx, actor, {
      action: "compensation.overrideRule",
      targetType: "case",
      targetId: input.caseId,
      reason: input.reason,
      after: { chargeId: input.chargeId, rule: input.rule, block: blockWords(block) },
    });
    return { caseId: input.caseId, chargeId: input.chargeId, rule: input.rule };
  });
}

/** One entry of the contact log with the victim (the note is the audit record's reason). */
export async function addContact(db: PrismaClient, actor: StaffActor, input: AddContactInput): Promise<{ id: string }> {
  if (input.contactedAt.getTime() > Date.now() + 60_000) throw compensationError("CLAIM_INVALID", "A contact cannot be logged in the future.", { field: "contactedAt" });
  return withTransaction(db, async (tx) => {
    const c = await tx.compensationCase.findUnique({ where: { id: input.caseId }, select: { id: true } });
    if (!c) throw compensationError("CASE_NOT_FOUND");
    const id = randomUUID();
    await tx.compensationContact.create({ data: { id, caseId: input.caseId, contactedAt: input.contactedAt, staffId: actor.id, channel: input.channel, note: input.note } });
    await writeAudit(tx, actor, {
      action: "compensation.contact",
      targetType: "case",
      targetId: input.caseId,
      reason: input.note,
      after: { contactId: id, contactedAt: input.contactedAt.toISOString(), channel: input.channel },
    });
    return { id };
  });
}

/** The contact log of a case, oldest first, with who logged each entry. */
export async function contactLog(db: PrismaClient, caseId: string) {
  const rows = await db.compensationContact.findMany({ where: { caseId }, orderBy: [{ contactedAt: "asc" }, { recordedAt: "asc" }] });
  const emailOf = await emails(db, rows.map((r) => r.staffId));
  return rows.map((r) => ({ id: r.id, contactedAt: r.contactedAt, channel: r.channel, note: r.note, staffEmail: emailOf.get(r.staffId) ?? "unknown" }));
}

/** Writes a new case's claim in its creating transaction. */
export async function recordClaim(tx: Tx, actor: StaffActor, caseId: string, claim: Claim): Promise<void> {
  await tx.compensationClaim.create({
    data: { caseId, noticedOn: dateOfDay(claim.noticedOn), reportedOn: dateOfDay(claim.reportedOn), channel: claim.channel, policeReportNumber: claim.policeReportNumber, recordedById: actor.id },
  });
}

/**
 * The new-case form's victim with what it needs to show eligibility before the case exists: the
 * rules' settings and each charge's reimbursements (the form runs the same pure rules on the claim
 * being typed), and the bank and branch checked against the Zengin code list.
 */
export async function withEligibilityFacts(db: Db, victim: VictimView | null) {
  if (!victim) return null;
  const [config, reimbursed] = await Promise.all([eligibilityConfig(db), reimbursementsOf(db, victim.charges.map((c) => c.chargeId))]);
  const { charges, ...rest } = victim;
  return {
    ...rest,
    charges: charges.map((c) => ({ ...c, reimbursements: reimbursed.get(c.chargeId) ?? [] })),
    eligibilityConfig: config,
    place: bankBranch(victim.bankCode, victim.branchCode),
  };
}
