// Reads for the compensation screens: the queue, one case with its victim view and history, and the
// cases ready for a payout batch (the managers' queue: approval-queue.ts). Account numbers go out masked.
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { maskAccountNumber } from "../../../shared/format.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import { ListCasesInput } from "../../../shared/compensation/inputs.ts";
import { ALLOWED_TRANSITIONS, approvalRefusalWords, canApprove, canApproveForVictim, needsSecondApprover, victimTotalWith } from "../../../shared/compensation/rules.ts";
import { CaseState } from "../../../shared/compensation/schemas.ts";
import type { z } from "zod";
import { approvalThresholdYen, victimCases } from "./service.ts";
import { num } from "./sql.ts";
import type { StaffActor } from "../audit/write-audit.ts";
import { victimView } from "./victims.ts";
import { casesEligibility, contactLog } from "./eligibility.ts";
import { bankBranch } from "./zengin-codes.ts";
import { blockWords, RULE_NAMES } from "../../../shared/compensation/eligibility.ts";

export async function emails(db: PrismaClient, ids: Array<string | null>): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))];
  if (unique.length === 0) return new Map();
  const staff = await db.staffUser.findMany({ where: { id: { in: unique } }, select: { id: true, email: true } });
  return new Map(staff.map((s) => [s.id, s.email]));
}

export async function bankNames(db: PrismaClient, codes: string[]): Promise<Map<string, string>> {
  const banks = await db.bank.findMany({ where: { code: { in: [...new Set(codes)] } }, select: { code: true, name: true } });
  return new Map(banks.map((b) => [b.code, b.name]));
}

interface CaseHeaderRow {
  id: string;
  bankCode: string;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  totalYen: number;
  reason: string;
  requestedById: string;
  requestedAt: Date;
}

/** What the case page and the approval queue both show of a case: the victim masked, who asked. */
export function caseHeader(c: CaseHeaderRow, bankOf: Map<string, string>, emailOf: Map<string, string>) {
  return {
    id: c.id,
    bankCode: c.bankCode,
    bankName: bankOf.get(c.bankCode) ?? c.bankCode,
    branchCode: c.branchCode,
    accountNumberMasked: maskAccountNumber(c.accountNumber),
    holderName: c.holderName,
    totalYen: c.totalYen,
    reason: c.reason,
    requestedByEmail: emailOf.get(c.requestedById) ?? "unknown",
    requestedAt: c.requestedAt,
  };
}

export async function listCases(db: PrismaClient, actor: StaffActor, rawInput: z.input<typeof ListCasesInput>) {
  const input = ListCasesInput.parse(rawInput);
  const base: Prisma.CompensationCaseWhereInput = {
    ...(input.bankCode ? { bankCode: input.bankCode } : {}),
    ...(input.mine ? { requestedById: actor.id } : {}),
  };
  const where: Prisma.CompensationCaseWhereInput = { ...base, ...(input.states?.length ? { state: { in: input.states } } : {}) };
  const [rows, matching, byState, thresholdYen] = await Promise.all([
    db.compensationCase.findMany({
      where,
      orderBy: [{ requestedAt: "desc" }, { id: "asc" }],
      take: input.limit,
      skip: input.offset,
      select: {
        id: true,
        state: true,
        bankCode: true,
        branchCode: true,
        accountNumber: true,
        holderName: true,
        totalYen: true,
        reason: true,
        requestedById: true,
        requestedAt: true,
        decidedById: true,
        decidedAt: true,
        payoutBatchId: true,
        _count: { select: { lines: true } },
      },
    }),
    db.compensationCase.aggregate({ where, _count: { _all: true }, _sum: { totalYen: true } }),
    // Per state under the other filters, so the state tabs can show their counts and sums.
    db.compensationCase.groupBy({ by: ["state"], where: base, _count: { _all: true }, _sum: { totalYen: true } }),
    approvalThresholdYen(db),
  ]);
  const [emailOf, bankOf] = await Promise.all([emails(db, rows.flatMap((r) => [r.requestedById, r.decidedById])), bankNames(db, rows.map((r) => r.bankCode))]);
  const stateTotals = Object.fromEntries(CaseState.options.map((s) => [s, { count: 0, totalYen: 0 }])) as Record<CaseState, { count: number; totalYen: number }>;
  for (const g of byState) stateTotals[g.state] = { count: g._count._all, totalYen: num(g._sum.totalYen) };
  return {
    thresholdYen,
    total: { count: matching._count._all, totalYen: num(matching._sum.totalYen) },
    stateTotals,
    cases: rows.map((r) => ({
      id: r.id,
      state: r.state,
      bankCode: r.bankCode,
      bankName: bankOf.get(r.bankCode) ?? r.bankCode,
      branchCode: r.branchCode,
      accountNumberMasked: maskAccountNumber(r.accountNumber),
      holderName: r.holderName,
      totalYen: r.totalYen,
      lineCount: r._count.lines,
      reason: r.reason,
      requestedByEmail: emailOf.get(r.requestedById) ?? "unknown",
      requestedAt: r.requestedAt,
      decidedByEmail: r.decidedById ? (emailOf.get(r.decidedById) ?? "unknown") : null,
      decidedAt: r.decidedAt,
      payoutBatchId: r.payoutBatchId,
      needsManager: needsSecondApprover(r.totalYen, thresholdYen),
    })),
  };
}

/** Per case, the wallets behind its charges with the scorer's reasons: the evidence an approver reads. */
export async function walletsByCase(db: PrismaClient, caseIds: string[]) {
  const byCase = new Map<string, Array<ReturnType<typeof toWallet>>>();
  if (caseIds.length === 0) return byCase;
  const rows = await db.$queryRaw<WalletRow[]>(sql`
    SELECT l.case_id::text AS case_id, w.id, w.holder_name, w.risk_score, w.risk_reasons, w.review_label::text AS review_label,
           w.flagged_at, w.opened_at, w.status::text AS status, COUNT(c.id) AS charge_count, SUM(c.amount_yen) AS charged_yen
      FROM compensation_line l
      JOIN charge c ON c.id = l.charge_id
      JOIN wallet_account w ON w.id = c.account_id
     WHERE l.case_id = ANY(${caseIds}::uuid[])
     GROUP BY l.case_id, w.id
     ORDER BY w.risk_score DESC, w.id`);
  for (const r of rows) {
    const list = byCase.get(r.case_id) ?? [];
    list.push(toWallet(r));
    byCase.set(r.case_id, list);
  }
  return byCase;
}

interface WalletRow {
  case_id: string;
  id: string;
  holder_name: string;
  risk_score: number;
  risk_reasons: unknown;
  review_label: string | null;
  flagged_at: Date | null;
  opened_at: Date;
  status: string;
  charge_count: unknown;
  charged_yen: unknown;
}

function toWallet(r: WalletRow) {
  return {
    id: r.id,
    holderName: r.holder_name,
    riskScore: r.risk_score,
    riskReasons: parseReasons(r.risk_reasons),
    reviewLabel: r.review_label,
    flaggedAt: r.flagged_at,
    openedAt: r.opened_at,
    status: r.status,
    chargeCount: num(r.charge_count),
    chargedYen: num(r.charged_yen),
  };
}

export interface RiskReason {
  code: string;
  points: number;
  evidence: string;
}

// risk_reasons is written by the scoring feature; read defensively so a shape change cannot break
// the approval screen.
function parseReasons(value: unknown): RiskReason[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((r): r is Record<string, unknown> => typeof r === "object" && r !== null)
    .map((r) => ({ code: String(r.code ?? ""), points: Number(r.points ?? 0), evidence: String(r.evidence ?? r.text ?? "") }));
}

async function lastFailedLine(db: PrismaClient, caseId: string) {
  const l = await db.payoutLine.findFirst({
    where: { caseId, status: "FAILED" },
    orderBy: { resolvedAt: "desc" },
    select: { failureCode: true, lineNo: true, resolvedAt: true, batch: { select: { fileName: true } } },
  });
  return l ? { failureCode: l.failureCode, lineNo: l.lineNo, at: l.resolvedAt, fileName: l.batch.fileName } : null;
}

export async function getCase(db: PrismaClient, actor: StaffActor, caseId: string) {
  const c = await db.compensationCase.findUnique({
    where: { id: caseId },
    include: {
      lines: { include: { charge: { select: { id: true, accountId: true, occurredAt: true, amountYen: true } } }, orderBy: [{ charge: { occurredAt: "asc" } }, { chargeId: "asc" }] },
      payoutBatch: { select: { id: true, createdAt: true, fileName: true, status: true } },
    },
  });
  if (!c) throw compensationError("CASE_NOT_FOUND");
  const [thresholdYen, victim, history, bankOf, wallets] = await Promise.all([
    approvalThresholdYen(db),
    victimView(db, c),
    db.auditEvent.findMany({
      where: { targetType: "case", targetId: caseId },
      orderBy: { id: "asc" },
      select: { id: true, at: true, actorEmail: true, actorRole: true, action: true, reason: true },
    }),
    bankNames(db, [c.bankCode]),
    walletsByCase(db, [caseId]).then((m) => m.get(caseId) ?? []),
  ]);
  const [emailOf, sameVictim, eligibility, contacts] = await Promise.all([
    emails(db, [c.requestedById, c.decidedById]),
    victimCases(db, c),
    casesEligibility(db, [caseId]).then((m) => m.get(caseId)!),
    contactLog(db, caseId),
  ]);
  const eligibilityOf = new Map(eligibility.lines.map((l) => [l.chargeId, l]));
  // An older case without a claim: its charges are blocked until a claim is recorded (#18).
  const claimMissing = eligibility.claim === null;
  const blocked = eligibility.lines.find((l) => l.unresolved.length > 0);
  const blockedWords = claimMissing
    ? "No claim is recorded for this case: its charges are blocked until the claim is recorded."
    : blocked
      ? `Charge ${blocked.chargeId} is blocked by the rule "${RULE_NAMES[blocked.unresolved[0].rule]}": a manager must override it first.`
      : null;
  // Not yet in a payout batch: what a correction of the claim may still block or unblock.
  const unpaid = c.state === "REQUESTED" || (c.state === "APPROVED" && c.payoutBatchId === null);
  // Approving looks at the victim's total across cases (#12 defect 1); rejecting at this case alone.
  const approval = canApproveForVictim({ actor, target: c, victimCases: sameVictim, thresholdYen });
  const rejection = canApprove({ actor, requestedById: c.requestedById, totalYen: c.totalYen, thresholdYen });
  const victimCharges = new Map((victim?.charges ?? []).map((vc) => [vc.chargeId, vc]));
  return {
    ...caseHeader(c, bankOf, emailOf),
    state: c.state,
    requestedById: c.requestedById,
    decidedByEmail: c.decidedById ? (emailOf.get(c.decidedById) ?? "unknown") : null,
    decidedAt: c.decidedAt,
    decisionReason: c.decisionReason,
    paidAt: c.paidAt,
    payoutBatch: c.payoutBatch,
    /** Why the bank refused its last transfer, while it is payable again (#18): the words, and the line's code for the UI. */
    payoutFailure: c.payoutFailure,
    lastFailedLine: c.payoutFailure ? await lastFailedLine(db, caseId) : null,
    thresholdYen,
    needsManager: needsSecondApprover(c.totalYen, thresholdYen),
    /** What the victim's account receives across its cases that are not rejected or cancelled, this one included. */
    victimTotalYen: victimTotalWith(c, sameVictim).totalYen,
    lines: c.lines.map((l) => {
      const vc = victimCharges.get(l.chargeId);
      return {
        chargeId: l.chargeId,
        walletId: l.charge.accountId,
        occurredAt: l.charge.occurredAt,
        chargeAmountYen: l.charge.amountYen,
        amountYen: l.amountYen,
        // Across all cases (this one included): what the charge has paid, pending and left.
        paidYen: vc?.paidYen ?? 0,
        pendingYen: vc?.pendingYen ?? 0,
        owedYen: vc?.owedYen ?? 0,
        /** Eligibility (#18): the rules that block this charge (with words), the managers' overrides, what still blocks it. */
        blocks: (eligibilityOf.get(l.chargeId)?.blocks ?? []).map((b) => ({ ...b, words: blockWords(b) })),
        overrides: eligibilityOf.get(l.chargeId)?.overrides ?? [],
        unresolvedRules: (eligibilityOf.get(l.chargeId)?.unresolved ?? []).map((b) => b.rule),
      };
    }),
    /** The claim as support took it (null for cases made before claim intake). */
    claim: eligibility.claim,
    /** True for an older case without a claim whose charges are not yet in a payout batch: they are blocked until one is recorded. */
    claimBlocksCharges: claimMissing && unpaid,
    eligibilityConfig: eligibility.config,
    contacts,
    /** The victim's bank and branch in the Zengin code list: real names, or why a transfer would be returned. */
    place: bankBranch(c.bankCode, c.branchCode),
    wallets,
    victim,
    history: history.map((h) => ({ ...h, id: String(h.id) })),
    /** What the signed-in person may do now (the server checks again on the call). */
    actions: {
      approve: c.state === "REQUESTED" && approval.ok && !blocked && !claimMissing,
      reject: c.state === "REQUESTED" && rejection.ok,
      cancel: ALLOWED_TRANSITIONS[c.state].includes("CANCELLED"),
      whyNotApprove: c.state !== "REQUESTED" ? null : !approval.ok ? approvalRefusalWords(approval, thresholdYen) : blockedWords,
      /** A manager may override a blocking rule until the case is in a payout batch. */
      overrideRules: actor.role === "MANAGER" && (c.state === "REQUESTED" || (c.state === "APPROVED" && c.payoutBatchId === null)),
      addContact: actor.role === "SUPPORT" || actor.role === "MANAGER",
      /** Correct the claim (or record one on an older case), with a reason; the server refuses what would block money in flight. */
      correctClaim: actor.role === "SUPPORT" || actor.role === "MANAGER",
    },
  };
}

/** Approved cases not yet in a payout batch. */
export async function payableCases(db: PrismaClient) {
  const cases = await db.compensationCase.findMany({
    where: { state: "APPROVED", payoutBatchId: null },
    orderBy: [{ decidedAt: "asc" }, { id: "asc" }],
    take: 500,
    select: { id: true, bankCode: true, branchCode: true, accountNumber: true, holderName: true, totalYen: true, decidedAt: true, decidedById: true },
  });
  const [emailOf, bankOf, eligibility] = await Promise.all([
    emails(db, cases.map((c) => c.decidedById)),
    bankNames(db, cases.map((c) => c.bankCode)),
    casesEligibility(db, cases.map((c) => c.id)),
  ]);
  return cases.map(({ accountNumber, decidedById, ...c }) => ({
    ...c,
    /** What keeps it out of a batch (#18): no claim recorded (an older case), or the rules still blocking its charges. */
    claimMissing: eligibility.get(c.id)?.claim === null,
    blocked: (eligibility.get(c.id)?.lines ?? []).flatMap((l) => l.unresolved.map((block) => ({ chargeId: l.chargeId, block }))),
    bankName: bankOf.get(c.bankCode) ?? c.bankCode,
    accountNumberMasked: maskAccountNumber(accountNumber),
    approvedByEmail: decidedById ? (emailOf.get(decidedById) ?? "unknown") : null,
  }));
}
