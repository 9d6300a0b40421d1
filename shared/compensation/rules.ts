import { formatYen, maskAccountNumber } from "../format.ts";
import { csvDocument, csvFileName } from "../csv.ts";
import type { CaseState, StaffRole } from "./schemas.ts";

export type Ok = { ok: true };
const OK: Ok = { ok: true };

// --- Amounts -----------------------------------------------------------------------------------

/** Rejected and cancelled cases will never be paid, so their amounts are free again. */
export const RELEASED_STATES: readonly CaseState[] = ["REJECTED", "CANCELLED"];

export function holdsAmount(state: CaseState): boolean {
  return !RELEASED_STATES.includes(state);
}

export interface ExistingLine {
  amountYen: number;
  caseState: CaseState;
}

/** What can still be paid back for a charge. Never negative, even if stored data is already over. */
export function remainingOwedYen(chargeAmountYen: number, existingLines: readonly ExistingLine[]): number {
  let heldYen = 0;
  for (const line of existingLines) if (holdsAmount(line.caseState)) heldYen += line.amountYen;
  return Math.max(0, chargeAmountYen - heldYen);
}

export interface ChargeForCompensation {
  id: string;
  amountYen: number;
  /** The bank account the charge drew on. */
  bankCode: string;
  branchCode: string;
  accountNumber: string;
}

export interface VictimAccount {
  bankCode: string;
  branchCode: string;
  accountNumber: string;
}

export type LineCheckError =
  | { ok: false; code: "COMPENSATION_EXCEEDS_CHARGE"; chargeId: string; remainingYen: number; requestedYen: number }
  | { ok: false; code: "CHARGE_NOT_FOR_VICTIM"; chargeId: string }
  | { ok: false; code: "UNKNOWN_CHARGE"; chargeId: string }
  | { ok: false; code: "INVALID_AMOUNT"; chargeId: string; requestedYen: number };

/**
 * Checks new lines against the charges and the lines already held by other cases.
 * The caller must read existing lines and insert the new ones in one serialised step (e.g. lock
 * the charge rows) or two concurrent requests can both pass. Returns the first problem, in line order.
 */
export function checkLines(
  lines: readonly { chargeId: string; amountYen: number }[],
  chargesById: ReadonlyMap<string, ChargeForCompensation>,
  existingLinesByCharge: ReadonlyMap<string, readonly ExistingLine[]>,
  victim: VictimAccount,
): Ok | LineCheckError {
  // Summed per charge so a request that lists a charge twice cannot pass each half separately.
  const requestedByCharge = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountYen) || line.amountYen <= 0) {
      return { ok: false, code: "INVALID_AMOUNT", chargeId: line.chargeId, requestedYen: line.amountYen };
    }
    requestedByCharge.set(line.chargeId, (requestedByCharge.get(line.chargeId) ?? 0) + line.amountYen);
  }
  for (const [chargeId, requestedYen] of requestedByCharge) {
    const charge = chargesById.get(chargeId);
    if (!charge) return { ok: false, code: "UNKNOWN_CHARGE", chargeId };
    if (victimKey(charge.bankCode, charge.branchCode, charge.accountNumber) !== victimKey(victim.bankCode, victim.branchCode, victim.accountNumber)) {
      return { ok: false, code: "CHARGE_NOT_FOR_VICTIM", chargeId };
    }
    const remainingYen = remainingOwedYen(charge.amountYen, existingLinesByCharge.get(chargeId) ?? []);
    if (requestedYen > remainingYen) {
      return { ok: false, code: "COMPENSATION_EXCEEDS_CHARGE", chargeId, remainingYen, requestedYen };
    }
  }
  return OK;
}

export function caseTotalYen(lines: readonly { amountYen: number }[]): number {
  return lines.reduce((sum, line) => sum + line.amountYen, 0);
}

// --- Approval ----------------------------------------------------------------------------------

/** At the threshold counts as large: "¥100,000 or more needs a manager". */
export function needsSecondApprover(totalYen: number, thresholdYen: number): boolean {
  return totalYen >= thresholdYen;
}

export type ApprovalError = { ok: false; code: "SELF_APPROVAL_NOT_ALLOWED" | "MANAGER_APPROVAL_REQUIRED" | "ROLE_NOT_ALLOWED" };

/** Roles that approve payouts; analysts and admins are kept out to separate duties. */
export const APPROVER_ROLES: readonly StaffRole[] = ["SUPPORT", "MANAGER"];

export function canApprove(args: {
  actor: { id: string; role: StaffRole };
  requestedById: string;
  totalYen: number;
  thresholdYen: number;
}): Ok | ApprovalError {
  const { actor, requestedById, totalYen, thresholdYen } = args;
  if (!APPROVER_ROLES.includes(actor.role)) return { ok: false, code: "ROLE_NOT_ALLOWED" };
  if (!needsSecondApprover(totalYen, thresholdYen)) return OK; // small: requester may approve their own
  if (actor.role !== "MANAGER") return { ok: false, code: "MANAGER_APPROVAL_REQUIRED" };
  if (actor.id === requestedById) return { ok: false, code: "SELF_APPROVAL_NOT_ALLOWED" };
  return OK;
}

/** One case of the same victim (bank account), as the approval rule reads it. */
export interface VictimCase {
  id: string;
  state: CaseState;
  totalYen: number;
  requestedById: string;
  decidedById: string | null;
}

export type VictimApprovalError = {
  ok: false;
  code: "ROLE_NOT_ALLOWED" | "MANAGER_APPROVAL_REQUIRED" | "SELF_APPROVAL_NOT_ALLOWED" | "OTHER_MANAGER_REQUIRED";
  /** For OTHER_MANAGER_REQUIRED: the actor asked for another of the victim's cases, or alone approved them. */
  why?: "REQUESTED_OTHER_CASE" | "APPROVED_OTHER_CASES";
  victimTotalYen: number;
  caseCount: number;
};

/**
 * What the victim would receive if `target` were approved: every case of theirs that is not
 * rejected or cancelled (requested, approved, paid), `target` included, whatever its state.
 */
export function victimTotalWith(target: { id: string; totalYen: number }, victimCases: readonly VictimCase[]): { totalYen: number; others: VictimCase[] } {
  const others = victimCases.filter((c) => c.id !== target.id && holdsAmount(c.state));
  return { totalYen: target.totalYen + others.reduce((sum, c) => sum + c.totalYen, 0), others };
}

/**
 * Four eyes per victim, not per case (#12 defect 1): the threshold applies to what one bank account
 * receives across all its cases, so splitting a sum into small cases, in any order, cannot pass one
 * person's approval alone. When the victim's total with this case is at or above the threshold, the
 * approver must be a MANAGER who did not request this case, requested none of the victim's other
 * cases, and is not the only person who approved them. Below it, the existing rule holds (support may
 * approve their own small case). The caller must read `victimCases` and write the approval in one
 * serialised step per victim (the service takes an advisory lock on the victim's account).
 */
export function canApproveForVictim(args: {
  actor: { id: string; role: StaffRole };
  target: { id: string; requestedById: string; totalYen: number };
  victimCases: readonly VictimCase[];
  thresholdYen: number;
}): Ok | VictimApprovalError {
  const { actor, target, thresholdYen } = args;
  const { totalYen, others } = victimTotalWith(target, args.victimCases);
  const refuse = (code: VictimApprovalError["code"], why?: VictimApprovalError["why"]): VictimApprovalError => ({
    ok: false,
    code,
    ...(why ? { why } : {}),
    victimTotalYen: totalYen,
    caseCount: others.length + 1,
  });
  if (!APPROVER_ROLES.includes(actor.role)) return refuse("ROLE_NOT_ALLOWED");
  if (!needsSecondApprover(totalYen, thresholdYen)) return OK;
  if (actor.role !== "MANAGER") return refuse("MANAGER_APPROVAL_REQUIRED");
  if (actor.id === target.requestedById) return refuse("SELF_APPROVAL_NOT_ALLOWED");
  if (others.some((c) => c.requestedById === actor.id)) return refuse("OTHER_MANAGER_REQUIRED", "REQUESTED_OTHER_CASE");
  const approvers = others.filter((c) => c.state === "APPROVED" || c.state === "PAID").map((c) => c.decidedById);
  if (approvers.length > 0 && approvers.every((id) => id === actor.id)) return refuse("OTHER_MANAGER_REQUIRED", "APPROVED_OTHER_CASES");
  return OK;
}

/** The refusal in words, the same on the case page and in the error the server answers. */
export function approvalRefusalWords(refusal: Pick<VictimApprovalError, "code" | "why" | "victimTotalYen" | "caseCount">, thresholdYen: number): string {
  if (refusal.code === "ROLE_NOT_ALLOWED") return "Your role does not approve compensation.";
  const split = refusal.caseCount > 1;
  const sum = split
    ? `With this case the victim's account would receive ${formatYen(refusal.victimTotalYen)} across ${refusal.caseCount} cases, at or above the ${formatYen(thresholdYen)} threshold`
    : `Cases of ${formatYen(thresholdYen)} or more`;
  switch (refusal.code) {
    case "MANAGER_APPROVAL_REQUIRED":
      return split ? `${sum}: a manager must approve it.` : `${sum} need a manager's approval.`;
    case "SELF_APPROVAL_NOT_ALLOWED":
      return split ? `${sum}: a manager other than the one who requested this case must approve it.` : `${sum} need a manager other than the one who requested them.`;
    case "OTHER_MANAGER_REQUIRED":
      return refusal.why === "REQUESTED_OTHER_CASE"
        ? `${sum}, and you requested another of its cases: a manager who did not must approve it.`
        : `${sum}, and you alone approved its other cases: another manager must approve this one, so no one person approves the whole sum.`;
  }
}

/**
 * At payout, a last check of the same rule: every victim whose paid total reaches the threshold must
 * have had at least two different people requesting and approving those cases. Returns the victims
 * (keys) that fail.
 */
export function victimsPaidByOnePerson(
  paidCases: readonly { bankCode: string; branchCode: string; accountNumber: string; totalYen: number; requestedById: string; decidedById: string | null }[],
  thresholdYen: number,
): string[] {
  const byVictim = new Map<string, { totalYen: number; people: Set<string> }>();
  for (const c of paidCases) {
    const key = victimKey(c.bankCode, c.branchCode, c.accountNumber);
    const v = byVictim.get(key) ?? { totalYen: 0, people: new Set<string>() };
    v.totalYen += c.totalYen;
    v.people.add(c.requestedById);
    if (c.decidedById) v.people.add(c.decidedById);
    byVictim.set(key, v);
  }
  return [...byVictim].filter(([, v]) => needsSecondApprover(v.totalYen, thresholdYen) && v.people.size < 2).map(([key]) => key).sort();
}

// --- State machine -----------------------------------------------------------------------------

/**
 * PAID, REJECTED and CANCELLED are final. An APPROVED case can still be cancelled (e.g. a mistake
 * found before the transfer file is sent) but not rejected: rejection is the approver's answer to
 * a request. PAID is reached only through a payout batch.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  REQUESTED: ["APPROVED", "REJECTED", "CANCELLED"],
  APPROVED: ["PAID", "CANCELLED"],
  PAID: [],
  REJECTED: [],
  CANCELLED: [],
};

export function assertTransition(from: CaseState, to: CaseState): Ok | { ok: false; code: "INVALID_TRANSITION"; from: CaseState; to: CaseState } {
  return ALLOWED_TRANSITIONS[from].includes(to) ? OK : { ok: false, code: "INVALID_TRANSITION", from, to };
}

// --- Idempotency -------------------------------------------------------------------------------

export interface CaseRequestContent {
  victim: { bankCode: string; branchCode: string; accountNumber: string; holderName: string };
  lines: readonly { chargeId: string; amountYen: number }[];
  reason: string;
}

/**
 * Canonical JSON of a create request (without its idempotency key): fixed key order and lines
 * sorted by charge id, so a retry that lists the same lines in another order is the same request.
 * Hash it (SHA-256) on the server for `request_hash`; kept hash-free so the client can import this.
 */
export function canonicalCaseRequest(input: CaseRequestContent): string {
  const lines = [...input.lines]
    .map((l) => ({ chargeId: l.chargeId, amountYen: l.amountYen }))
    .sort((a, b) => compareCodeUnits(a.chargeId, b.chargeId) || a.amountYen - b.amountYen);
  return JSON.stringify({
    victim: {
      bankCode: input.victim.bankCode,
      branchCode: input.victim.branchCode,
      accountNumber: input.victim.accountNumber,
      holderName: input.victim.holderName,
    },
    lines,
    reason: input.reason,
  });
}

export function sameRequest(a: CaseRequestContent, b: CaseRequestContent): boolean {
  return canonicalCaseRequest(a) === canonicalCaseRequest(b);
}

/**
 * What to do with a create request given what is stored under its idempotency key
 * (compare canonical JSON or its hash, the same kind on both sides).
 */
export function idempotencyOutcome(
  storedRequest: string | null,
  incomingRequest: string,
): { kind: "create" } | { kind: "replay" } | { ok: false; code: "IDEMPOTENCY_KEY_REUSED" } {
  if (storedRequest === null) return { kind: "create" };
  return storedRequest === incomingRequest ? { kind: "replay" } : { ok: false, code: "IDEMPOTENCY_KEY_REUSED" };
}

// --- Formatting --------------------------------------------------------------------------------

export function victimKey(bankCode: string, branchCode: string, accountNumber: string): string {
  return `${bankCode}-${branchCode}-${accountNumber}`;
}

// One implementation of money and account-number display for the whole app (shared/format.ts):
// "¥1,234,567" and "****567" look the same on every page, in the payout file and in tests.
export { formatYen, maskAccountNumber } from "../format.ts";

// Plain UTF-16 code unit order: localeCompare depends on the runtime's ICU and locale.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- Payout file -------------------------------------------------------------------------------

export interface PayoutRow {
  caseId: string;
  bankCode: string;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  amountYen: number;
}

export const PAYOUT_CSV_COLUMNS = [
  "bank_code",
  "branch_code",
  "account_number_masked",
  "account_number",
  "holder_name",
  "amount_yen",
  "case_ids",
] as const;

export interface PayoutFile {
  fileName: string;
  /** Written by shared/csv.ts: BOM, header, CRLF after every record including the last. */
  csv: string;
  caseCount: number;
  totalYen: number;
}

/**
 * Deterministic: the same rows in any order give the same bytes, so a re-download can be checked
 * against the stored SHA-256. Throws on a duplicate case or a non-positive amount: a payout file
 * must never pay a case twice or carry a nonsense amount.
 */
export function buildPayoutCsv(rows: readonly PayoutRow[], batch: { id: string; createdAt: Date }): PayoutFile {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.caseId)) throw new Error(`buildPayoutCsv: case ${row.caseId} appears more than once`);
    seen.add(row.caseId);
    if (!Number.isSafeInteger(row.amountYen) || row.amountYen <= 0) {
      throw new Error(`buildPayoutCsv: case ${row.caseId} has invalid amount ${row.amountYen}`);
    }
  }
  // Finance transfers once per victim account: cases for the same account in one batch become one
  // row with the summed amount and every case id (space-separated, sorted).
  const byVictim = new Map<string, { row: PayoutRow; amountYen: number; caseIds: string[] }>();
  for (const r of rows) {
    const key = victimKey(r.bankCode, r.branchCode, r.accountNumber);
    const entry = byVictim.get(key) ?? { row: r, amountYen: 0, caseIds: [] };
    entry.amountYen += r.amountYen;
    entry.caseIds.push(r.caseId);
    byVictim.set(key, entry);
  }
  const victims = [...byVictim.values()].map((v) => ({ ...v, caseIds: v.caseIds.sort(compareCodeUnits) }));
  victims.sort((a, b) => compareCodeUnits(a.caseIds[0], b.caseIds[0]));
  const csv = csvDocument(
    PAYOUT_CSV_COLUMNS,
    victims.map((v) => [v.row.bankCode, v.row.branchCode, maskAccountNumber(v.row.accountNumber), v.row.accountNumber, v.row.holderName, v.amountYen, v.caseIds.join(" ")]),
  );
  return {
    // The batch is named by its id's first 8 characters, as everywhere in the console, and the JST minute.
    fileName: csvFileName(`payout-batch-${batch.id.slice(0, 8)}`, batch.createdAt),
    csv,
    caseCount: rows.length,
    totalYen: caseTotalYen(rows),
  };
}
