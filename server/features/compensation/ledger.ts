// Writing and reading the compensation ledger (#18). The posting rules are pure
// (shared/compensation/ledger.ts); here they are written inside the caller's transaction, so a
// case's state change and its journal commit together or not at all. The database refuses an
// unbalanced journal at commit, any UPDATE or DELETE, and a second resolution of a pending journal.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { empty, join, sql } from "../../db/sql.ts";
import type { Tx } from "../../db/transaction.ts";
import { isBalanced, type JournalDraft, type LedgerAccount } from "../../../shared/compensation/ledger.ts";
import { num } from "./sql.ts";

export interface JournalMeta {
  actorId: string | null;
  batchId?: string | null;
  reimbursementId?: string | null;
  bankPaymentId?: string | null;
  /** Our payment to a bank of what we owe it (bank.payout). */
  bankPayoutId?: string | null;
}

/** Writes one balanced journal and its postings; returns the journal's id. */
export async function postJournal(tx: Tx, draft: JournalDraft, meta: JournalMeta): Promise<string> {
  if (!isBalanced(draft)) throw new Error(`Refusing to write an unbalanced ${draft.kind} journal.`);
  const id = randomUUID();
  await tx.$executeRaw(sql`
    INSERT INTO ledger_journal (id, kind, phase, case_id, batch_id, created_by_id, reimbursement_id, bank_payment_id, bank_payout_id)
    VALUES (${id}::uuid, ${draft.kind}, ${draft.phase}::ledger_phase, ${draft.caseId}::uuid, ${meta.batchId ?? null}::uuid, ${meta.actorId}::uuid,
            ${meta.reimbursementId ?? null}::uuid, ${meta.bankPaymentId ?? null}::uuid, ${meta.bankPayoutId ?? null}::uuid)`);
  await tx.$executeRaw(sql`
    INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen)
    VALUES ${join(draft.postings.map((p) => sql`(${id}::uuid, ${p.account}::ledger_account, ${p.bankCode}, ${p.caseId}::uuid, ${p.amountYen}::int8)`))}`);
  return id;
}

/**
 * Posts or voids a pending journal; returns the resolving journal's id. The unique index on
 * pending_id refuses a second resolution, so callers lock what orders competitors (the payout line)
 * and resolve only what they found still pending.
 */
export async function resolvePending(tx: Tx, pendingId: string, phase: "POST" | "VOID", kind: "payout.settled" | "payout.failed", meta: JournalMeta): Promise<string> {
  const id = randomUUID();
  await tx.$executeRaw(sql`
    INSERT INTO ledger_journal (id, kind, phase, pending_id, case_id, batch_id, created_by_id)
    SELECT ${id}::uuid, ${kind}, ${phase}::ledger_phase, p.id, p.case_id, ${meta.batchId ?? null}::uuid, ${meta.actorId}::uuid
      FROM ledger_journal p WHERE p.id = ${pendingId}::uuid AND p.phase = 'PENDING'`);
  return id;
}

export interface LedgerRow {
  bankCode: string;
  lossYen: number;
  payableYen: number;
  inFlightYen: number;
  paidYen: number;
}

/** Ledger figures per bank (credits as positive amounts), from ledger_balance. */
export async function ledgerByBank(db: PrismaClient | Tx, opts: { caseIds?: string[] } = {}): Promise<LedgerRow[]> {
  const filter = opts.caseIds ? sql`WHERE case_id = ANY(${opts.caseIds}::uuid[])` : empty;
  const rows = await db.$queryRaw<Array<{ bank_code: string; account: LedgerAccount; has_case: boolean; posted_yen: unknown; pending_yen: unknown }>>(sql`
    SELECT bank_code, account::text AS account, case_id IS NOT NULL AS has_case, SUM(posted_yen)::int8 AS posted_yen, SUM(pending_yen)::int8 AS pending_yen
      FROM ledger_balance ${filter}
     GROUP BY bank_code, account, case_id IS NOT NULL
     ORDER BY bank_code`);
  const byBank = new Map<string, LedgerRow>();
  for (const r of rows) {
    const b = byBank.get(r.bank_code) ?? { bankCode: r.bank_code, lossYen: 0, payableYen: 0, inFlightYen: 0, paidYen: 0 };
    // A case's cost whoever bears it: bank-level journals (no case) are not case money.
    if ((r.account === "OPERATOR_LOSS" || r.account === "BANK_RECOVERABLE") && r.has_case) b.lossYen += num(r.posted_yen);
    if (r.account === "VICTIM_PAYABLE") b.payableYen -= num(r.posted_yen);
    if (r.account === "CASH_IN_TRANSIT") b.inFlightYen -= num(r.pending_yen);
    if (r.account === "CASH_PAID") b.paidYen -= num(r.posted_yen);
    byBank.set(r.bank_code, b);
  }
  return [...byBank.values()];
}

/** Journals that do not balance: always empty while the database's triggers hold. */
export async function unbalancedJournals(db: PrismaClient | Tx): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>(sql`
    SELECT j.id::text AS id FROM ledger_journal j LEFT JOIN ledger_posting p ON p.journal_id = j.id
     WHERE j.phase IN ('SINGLE', 'PENDING')
     GROUP BY j.id HAVING count(p.id) < 2 OR COALESCE(SUM(p.amount_yen), 0) <> 0`);
  return rows.map((r) => r.id);
}
