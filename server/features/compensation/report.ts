// Money totals by bank and by case state: what fraudulent wallets took, what was paid back, what is
// pending and what is still owed. Totals only: no names or account numbers.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { empty, sql } from "../../db/sql.ts";
import { fraudulentWalletSql } from "../../db/rules-sql.ts";
import { CaseState } from "../../../shared/compensation/schemas.ts";
import { num } from "./sql.ts";

export interface BankTotals {
  bankCode: string;
  bankName: string;
  victimCount: number;
  takenYen: number;
  compensatedYen: number;
  pendingYen: number;
  /** Reimbursed to victims by the bank itself or another party (#18): not ours to pay. */
  reimbursedYen: number;
  /**
   * Σ over the bank's fraudulent charges of max(0, amount − paid − pending − reimbursed by others): equal to
   * taken − compensated − pending − reimbursed while every compensated charge is still considered fraudulent
   * (a wallet later cleared as LEGITIMATE stops counting as taken, but what was paid stays paid).
   */
  outstandingYen: number;
  casesByState: Record<CaseState, { count: number; totalYen: number }>;
}

function emptyStates(): Record<CaseState, { count: number; totalYen: number }> {
  return Object.fromEntries(CaseState.options.map((s) => [s, { count: 0, totalYen: 0 }])) as Record<CaseState, { count: number; totalYen: number }>;
}

export async function compensationReport(db: PrismaClient, opts: { bankCode?: string } = {}) {
  const bankFilter = opts.bankCode ? sql`AND c.bank_code = ${opts.bankCode}` : empty;
  const caseBankFilter = opts.bankCode ? sql`AND cc.bank_code = ${opts.bankCode}` : empty;
  const [money, cases] = await Promise.all([
    db.$queryRaw<Array<{ bank_code: string; victim_count: unknown; taken_yen: unknown; outstanding_yen: unknown; paid_yen: unknown; pending_yen: unknown; reimbursed_yen: unknown }>>(sql`
      WITH held AS (
        SELECT l.charge_id,
               SUM(l.amount_yen) FILTER (WHERE cc.state = 'PAID') AS paid_yen,
               SUM(l.amount_yen) FILTER (WHERE cc.state IN ('REQUESTED', 'APPROVED')) AS pending_yen
          FROM compensation_line l JOIN compensation_case cc ON cc.id = l.case_id
         GROUP BY l.charge_id
      ), others AS (
        SELECT r.charge_id, SUM(r.amount_yen) AS reimbursed_yen FROM charge_reimbursement r GROUP BY r.charge_id
      ), fraud AS (
        SELECT c.bank_code, c.branch_code, c.account_number, c.amount_yen,
               COALESCE(h.paid_yen, 0) AS paid_yen, COALESCE(h.pending_yen, 0) AS pending_yen, COALESCE(o.reimbursed_yen, 0) AS reimbursed_yen
          FROM charge c
          JOIN wallet_account w ON w.id = c.account_id
          LEFT JOIN held h ON h.charge_id = c.id
          LEFT JOIN others o ON o.charge_id = c.id
         WHERE ${fraudulentWalletSql("w")} ${bankFilter}
      ), taken AS (
        SELECT bank_code,
               COUNT(DISTINCT (branch_code, account_number)) AS victim_count,
               SUM(amount_yen) AS taken_yen,
               SUM(GREATEST(0, amount_yen - paid_yen - pending_yen - reimbursed_yen)) AS outstanding_yen,
               SUM(reimbursed_yen) AS reimbursed_yen
          FROM fraud GROUP BY bank_code
      ), compensated AS (
        -- What was actually paid or is pending, whatever the wallet's label is today.
        SELECT c.bank_code, SUM(h.paid_yen) AS paid_yen, SUM(h.pending_yen) AS pending_yen
          FROM held h JOIN charge c ON c.id = h.charge_id
         WHERE TRUE ${bankFilter}
         GROUP BY c.bank_code
      )
      SELECT COALESCE(t.bank_code, p.bank_code) AS bank_code, t.victim_count, t.taken_yen, t.outstanding_yen, t.reimbursed_yen, p.paid_yen, p.pending_yen
        FROM taken t FULL JOIN compensated p ON p.bank_code = t.bank_code`),
    db.$queryRaw<Array<{ bank_code: string; state: CaseState; n: unknown; total_yen: unknown }>>(sql`
      SELECT cc.bank_code, cc.state::text AS state, COUNT(*) AS n, SUM(cc.total_yen) AS total_yen
        FROM compensation_case cc WHERE TRUE ${caseBankFilter}
       GROUP BY cc.bank_code, cc.state`),
  ]);
  const codes = [...new Set([...money.map((m) => m.bank_code), ...cases.map((c) => c.bank_code)])];
  const banks = await db.bank.findMany({ where: { code: { in: codes } }, select: { code: true, name: true } });
  const nameOf = new Map(banks.map((b) => [b.code, b.name]));
  const byBank = new Map<string, BankTotals>();
  const entry = (code: string): BankTotals => {
    let e = byBank.get(code);
    if (!e) {
      e = { bankCode: code, bankName: nameOf.get(code) ?? code, victimCount: 0, takenYen: 0, compensatedYen: 0, pendingYen: 0, reimbursedYen: 0, outstandingYen: 0, casesByState: emptyStates() };
      byBank.set(code, e);
    }
    return e;
  };
  for (const m of money) {
    const e = entry(m.bank_code);
    e.victimCount = num(m.victim_count);
    e.takenYen = num(m.taken_yen);
    e.outstandingYen = num(m.outstanding_yen);
    e.compensatedYen = num(m.paid_yen);
    e.pendingYen = num(m.pending_yen);
    e.reimbursedYen = num(m.reimbursed_yen);
  }
  for (const c of cases) entry(c.bank_code).casesByState[c.state] = { count: num(c.n), totalYen: num(c.total_yen) };
  const rows = [...byBank.values()].sort((a, b) => b.outstandingYen - a.outstandingYen || b.takenYen - a.takenYen || a.bankCode.localeCompare(b.bankCode));
  const total: Omit<BankTotals, "bankCode" | "bankName"> = { victimCount: 0, takenYen: 0, compensatedYen: 0, pendingYen: 0, reimbursedYen: 0, outstandingYen: 0, casesByState: emptyStates() };
  for (const r of rows) {
    total.victimCount += r.victimCount;
    total.takenYen += r.takenYen;
    total.compensatedYen += r.compensatedYen;
    total.pendingYen += r.pendingYen;
    total.reimbursedYen += r.reimbursedYen;
    total.outstandingYen += r.outstandingYen;
    for (const s of CaseState.options) {
      total.casesByState[s].count += r.casesByState[s].count;
      total.casesByState[s].totalYen += r.casesByState[s].totalYen;
    }
  }
  return { banks: rows, total };
}
