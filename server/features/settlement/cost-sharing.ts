// Cost sharing with the banks (#18): per-bank agreements (set by an admin or manager with a reason,
// audited), the ledger postings that split each paid compensation and each bank's own
// reimbursement under the agreement in force, the bank's payments of its share, and per bank a
// statement of what it owes us and what we owe it, read from the ledger.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { formatYen } from "../../../shared/format.ts";
import { bankPaidJournal, bankPayoutJournal, bankReimbursedJournal, costSharedJournal, formatShare, statementFigures, type BankStatementFigures } from "../../../shared/settlement/cost-share.ts";
import { settlementError } from "../../../shared/settlement/errors.ts";
import type { PayBankInput, RecordBankPaymentInput, SetCostShareInput } from "../../../shared/settlement/inputs.ts";
import { postJournal, type JournalMeta } from "../compensation/ledger.ts";
import { num } from "../compensation/sql.ts";

type Db = PrismaClient | Tx;

const JST_OFFSET_MS = 9 * 3600_000;
/** The JST calendar day of an instant, "YYYY-MM-DD". */
export function jstDay(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

export interface CostShare {
  id: string;
  bankCode: string;
  bankShareBp: number;
  effectiveFrom: string;
  reason: string;
  setById: string;
  setAt: Date;
}

const SHARE_COLUMNS = sql`id::text AS id, bank_code, bank_share_bp, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, reason, set_by_id::text AS set_by_id, set_at`;
type ShareRow = { id: string; bank_code: string; bank_share_bp: number; effective_from: string; reason: string; set_by_id: string; set_at: Date };
const toShare = (r: ShareRow): CostShare => ({ id: r.id, bankCode: r.bank_code, bankShareBp: r.bank_share_bp, effectiveFrom: r.effective_from, reason: r.reason, setById: r.set_by_id, setAt: r.set_at });

async function bankName(db: Db, bankCode: string): Promise<string> {
  const bank = await db.bank.findUnique({ where: { code: bankCode }, select: { name: true } });
  if (!bank) throw settlementError("SETTLEMENT_BANK_NOT_FOUND", `There is no bank with code ${bankCode}.`, { bankCode });
  return bank.name;
}

export async function setCostShare(db: PrismaClient, actor: StaffActor, input: SetCostShareInput): Promise<CostShare> {
  const bankShareBp = Math.round(input.bankSharePercent * 100);
  try {
    return await withTransaction(db, async (tx) => {
      const name = await bankName(tx, input.bankCode);
      const before = (await bankShareOn(tx, input.bankCode, input.effectiveFrom)) ?? 0;
      const [row] = await tx.$queryRaw<ShareRow[]>(sql`
        INSERT INTO bank_cost_share (id, bank_code, bank_share_bp, effective_from, reason, set_by_id)
        VALUES (${randomUUID()}::uuid, ${input.bankCode}, ${bankShareBp}, ${input.effectiveFrom}::date, ${input.reason}, ${actor.id}::uuid)
        RETURNING ${SHARE_COLUMNS}`);
      await writeAudit(tx, actor, {
        action: "settlement.setCostShare",
        targetType: "bank",
        targetId: input.bankCode,
        reason: input.reason,
        before: { bankShare: formatShare(before), operatorShare: formatShare(10_000 - before) },
        after: { bank: name, bankShare: formatShare(bankShareBp), operatorShare: formatShare(10_000 - bankShareBp), effectiveFrom: input.effectiveFrom },
      });
      return toShare(row);
    });
  } catch (err) {
    if (/bank_cost_share_one_per_day/.test(String((err as Error)?.message ?? "") + JSON.stringify((err as { meta?: unknown })?.meta ?? {}))) {
      throw settlementError("COST_SHARE_EXISTS", `Bank ${input.bankCode} already has an agreement starting on ${input.effectiveFrom}. Agreements are kept as recorded: start the new one on another day.`);
    }
    throw err;
  }
}

export async function costShares(db: Db, bankCode?: string): Promise<CostShare[]> {
  const rows = await db.$queryRaw<ShareRow[]>(sql`
    SELECT ${SHARE_COLUMNS} FROM bank_cost_share ${bankCode ? sql`WHERE bank_code = ${bankCode}` : sql``}
     ORDER BY bank_code, effective_from DESC`);
  return rows.map(toShare);
}

/** The bank's share (basis points) in force on a JST day: null without an agreement (the operator bears all). */
export async function bankShareOn(db: Db, bankCode: string, day: string): Promise<number | null> {
  const [row] = await db.$queryRaw<Array<{ bank_share_bp: number }>>(sql`
    SELECT bank_share_bp FROM bank_cost_share WHERE bank_code = ${bankCode} AND effective_from <= ${day}::date ORDER BY effective_from DESC LIMIT 1`);
  return row?.bank_share_bp ?? null;
}

/** Called where a payout line settles: the bank's share of the paid case becomes recoverable. */
export async function postCostShareOnSettle(tx: Tx, c: { caseId: string; bankCode: string; totalYen: number }, at: Date, meta: JournalMeta): Promise<void> {
  const draft = costSharedJournal(c, (await bankShareOn(tx, c.bankCode, jstDay(at))) ?? 0);
  if (draft) await postJournal(tx, draft, meta);
}

/**
 * Called where a bank's own reimbursement of a charge is recorded: under an agreement in force on
 * that day, our share of it is owed to the bank. Without one nothing is shared: the bank paid its
 * customer on its own account (it still reduces what we owe the victim).
 */
export async function postBankReimbursement(tx: Tx, r: { id: string; bankCode: string; amountYen: number; reimbursedOn: string }, actorId: string): Promise<void> {
  const bp = await bankShareOn(tx, r.bankCode, r.reimbursedOn);
  if (bp === null) return;
  const draft = bankReimbursedJournal(r.bankCode, r.amountYen, bp);
  if (draft) await postJournal(tx, draft, { actorId, reimbursementId: r.id });
}

async function postedByAccount(db: Db, bankCode: string): Promise<Record<string, number>> {
  const rows = await db.$queryRaw<Array<{ account: string; posted_yen: unknown }>>(sql`
    SELECT account::text AS account, SUM(posted_yen)::int8 AS posted_yen FROM ledger_balance
     WHERE bank_code = ${bankCode} AND account IN ('BANK_RECOVERABLE', 'BANK_PAYABLE', 'CASH_RECEIVED', 'CASH_PAID_TO_BANK') GROUP BY account`);
  return Object.fromEntries(rows.map((r) => [r.account, num(r.posted_yen)]));
}

export async function recordBankPayment(db: PrismaClient, actor: StaffActor, input: RecordBankPaymentInput) {
  return withTransaction(db, async (tx) => {
    await bankName(tx, input.bankCode);
    // One payment of a bank at a time: what it owes is read and reduced under this lock.
    await tx.$queryRaw(sql`SELECT code FROM bank WHERE code = ${input.bankCode} FOR UPDATE`);
    const before = statementFigures(await postedByAccount(tx, input.bankCode));
    if (input.amountYen > before.owesUsYen) {
      throw settlementError(
        "BANK_PAYMENT_EXCEEDS_OWED",
        `Bank ${input.bankCode} owes us ${formatYen(before.owesUsYen)} (its shares of paid compensation, less what it already paid), but the payment is ${formatYen(input.amountYen)}. Check the amount against the bank statement.`,
        { owesUsYen: before.owesUsYen },
      );
    }
    const id = randomUUID();
    await tx.$executeRaw(sql`
      INSERT INTO bank_payment (id, bank_code, amount_yen, received_on, reference, reason, recorded_by_id)
      VALUES (${id}::uuid, ${input.bankCode}, ${input.amountYen}, ${input.receivedOn}::date, ${input.reference}, ${input.reason}, ${actor.id}::uuid)`);
    await postJournal(tx, bankPaidJournal(input.bankCode, input.amountYen), { actorId: actor.id, bankPaymentId: id });
    await writeAudit(tx, actor, {
      action: "settlement.recordBankPayment",
      targetType: "bank",
      targetId: input.bankCode,
      reason: input.reason,
      before: { owesUsYen: before.owesUsYen },
      after: { amountYen: input.amountYen, receivedOn: input.receivedOn, reference: input.reference, owesUsYen: before.owesUsYen - input.amountYen },
    });
    return { id, owesUsYen: before.owesUsYen - input.amountYen };
  });
}

export interface BankPayout {
  id: string;
  bankCode: string;
  amountYen: number;
  paidOn: string;
  reference: string;
  /** What we still owe the bank after it. */
  weOweYen: number;
  /** True when this request repeated one already recorded (same bank, reference, amount and day): nothing more was paid. */
  repeated: boolean;
}

/**
 * A manager records our transfer to a bank of what we owe it (our share of the reimbursements it
 * made to its customers itself): Dr BANK_PAYABLE, Cr CASH_PAID_TO_BANK, audited, in one transaction
 * under the bank's row lock. Refused in words beyond what we owe. A reference is recorded once per
 * bank: the same request again (a double click, a retry) answers the recorded payment and pays
 * nothing more; another payment under that reference is refused.
 */
export async function payBank(db: PrismaClient, actor: StaffActor, input: PayBankInput): Promise<BankPayout> {
  return withTransaction(db, async (tx) => {
    await bankName(tx, input.bankCode);
    await tx.$queryRaw(sql`SELECT code FROM bank WHERE code = ${input.bankCode} FOR UPDATE`);
    const [existing] = await tx.$queryRaw<Array<{ id: string; amount_yen: number; paid_on: string }>>(sql`
      SELECT id::text AS id, amount_yen, to_char(paid_on, 'YYYY-MM-DD') AS paid_on FROM bank_payout WHERE bank_code = ${input.bankCode} AND reference = ${input.reference}`);
    const before = statementFigures(await postedByAccount(tx, input.bankCode));
    if (existing) {
      if (existing.amount_yen === input.amountYen && existing.paid_on === input.paidOn) {
        return { id: existing.id, bankCode: input.bankCode, amountYen: existing.amount_yen, paidOn: existing.paid_on, reference: input.reference, weOweYen: before.weOweYen, repeated: true };
      }
      throw settlementError(
        "BANK_PAYOUT_REFERENCE_EXISTS",
        `A payment of ${formatYen(existing.amount_yen)} on ${existing.paid_on} to bank ${input.bankCode} is already recorded under the reference ${input.reference}. Each transfer has its own reference: check the reference, or whether this payment was already recorded.`,
        { existingAmountYen: existing.amount_yen, existingPaidOn: existing.paid_on },
      );
    }
    if (input.amountYen > before.weOweYen) {
      throw settlementError(
        "BANK_PAYOUT_EXCEEDS_OWED",
        `We owe bank ${input.bankCode} ${formatYen(before.weOweYen)} (our share of the reimbursements it made itself, less what we already paid it), but the payment is ${formatYen(input.amountYen)}. Check the amount against the bank statement.`,
        { weOweYen: before.weOweYen },
      );
    }
    const id = randomUUID();
    await tx.$executeRaw(sql`
      INSERT INTO bank_payout (id, bank_code, amount_yen, paid_on, reference, reason, recorded_by_id)
      VALUES (${id}::uuid, ${input.bankCode}, ${input.amountYen}, ${input.paidOn}::date, ${input.reference}, ${input.reason}, ${actor.id}::uuid)`);
    await postJournal(tx, bankPayoutJournal(input.bankCode, input.amountYen), { actorId: actor.id, bankPayoutId: id });
    const weOweYen = before.weOweYen - input.amountYen;
    await writeAudit(tx, actor, {
      action: "settlement.payBank",
      targetType: "bank",
      targetId: input.bankCode,
      reason: input.reason,
      before: { weOweYen: before.weOweYen },
      after: { amountYen: input.amountYen, paidOn: input.paidOn, reference: input.reference, weOweYen },
    });
    return { id, bankCode: input.bankCode, amountYen: input.amountYen, paidOn: input.paidOn, reference: input.reference, weOweYen, repeated: false };
  });
}

export interface StatementItem {
  at: Date;
  kind: "cost.shared" | "bank.reimbursed" | "bank.paid" | "bank.payout";
  caseId: string | null;
  chargeId: string | null;
  reference: string | null;
  /** + the bank owes us more / we owe it less, − the reverse. */
  owesUsYen: number;
  weOweYen: number;
}

export interface BankStatement extends BankStatementFigures {
  bankCode: string;
  bankName: string;
  agreements: CostShare[];
  items: StatementItem[];
}

/** What the bank owes us and what we owe it, from the ledger, with every item behind the figures. */
export async function bankStatement(db: Db, bankCode: string): Promise<BankStatement> {
  const name = await bankName(db, bankCode);
  const [posted, agreements, items] = await Promise.all([
    postedByAccount(db, bankCode),
    costShares(db, bankCode),
    db.$queryRaw<Array<{ at: Date; kind: StatementItem["kind"]; case_id: string | null; charge_id: string | null; reference: string | null; recoverable: unknown; payable: unknown }>>(sql`
      SELECT j.created_at AS at, j.kind, j.case_id::text AS case_id, r.charge_id, COALESCE(r.reference, bp.reference, po.reference) AS reference,
             COALESCE(SUM(p.amount_yen) FILTER (WHERE p.account = 'BANK_RECOVERABLE'), 0)::int8 AS recoverable,
             COALESCE(SUM(p.amount_yen) FILTER (WHERE p.account = 'BANK_PAYABLE'), 0)::int8 AS payable
        FROM ledger_journal j
        JOIN ledger_posting p ON p.journal_id = j.id
        LEFT JOIN charge_reimbursement r ON r.id = j.reimbursement_id
        LEFT JOIN bank_payment bp ON bp.id = j.bank_payment_id
        LEFT JOIN bank_payout po ON po.id = j.bank_payout_id
       WHERE p.bank_code = ${bankCode} AND j.kind IN ('cost.shared', 'bank.reimbursed', 'bank.paid', 'bank.payout')
       GROUP BY j.id, r.charge_id, r.reference, bp.reference, po.reference
       ORDER BY j.created_at, j.id`),
  ]);
  return {
    bankCode,
    bankName: name,
    ...statementFigures(posted),
    agreements,
    items: items.map((i) => ({ at: i.at, kind: i.kind, caseId: i.case_id, chargeId: i.charge_id, reference: i.reference, owesUsYen: num(i.recoverable), weOweYen: -num(i.payable) || 0 })),
  };
}
