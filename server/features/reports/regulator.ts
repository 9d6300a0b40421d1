// The regulator report (#18): per bank and in total, as of a chosen time: victims and charges of
// fraudulent wallets, the amounts taken, compensation cases, what was compensated (settled
// transfers, from the ledger), what was pending (requested, or approved and not yet settled), what
// the banks or others reimbursed, and the measures with their scopes and dates. Everything is as it
// was at that time: which wallets were fraudulent then (their label then, from wallet_label_change,
// and their flag then), cases requested by then, ledger journals posted by then, reimbursements
// recorded by then, suspensions created by then with the end planned then (a suspension.setTimes
// audit record after the time holds the end planned before it) and lifts by then.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { fraudulentWalletAsOfSql } from "../../db/rules-sql.ts";
import { num } from "../compensation/sql.ts";
import { measureStatus, outstandingOf, totalOf, ZERO_FIGURES, type RegulatorBankRow, type RegulatorMeasure, type RegulatorReport } from "../../../shared/reports/regulator.ts";

export async function regulatorReport(db: PrismaClient, asOf: Date = new Date()): Promise<RegulatorReport> {
  const at = sql`${asOf}::timestamptz`;
  const [taken, cases, paid, pending, reimbursed, measures, banks] = await Promise.all([
    db.$queryRaw<Array<{ bank_code: string; victims: unknown; charges: unknown; taken_yen: unknown }>>(sql`
      -- The wallets fraudulent then, judged once per wallet (not per charge), among those that can
      -- be: flagged by then, or labelled now or at some time (a label then needs one of these).
      WITH fraudulent AS MATERIALIZED (
        SELECT w.id FROM wallet_account w
         WHERE (w.flagged_at <= ${at} OR w.review_label IS NOT NULL OR w.id IN (SELECT h.account_id FROM wallet_label_change h))
           AND ${fraudulentWalletAsOfSql("w", at)})
      SELECT c.bank_code, COUNT(DISTINCT (c.branch_code, c.account_number)) AS victims, COUNT(*) AS charges, SUM(c.amount_yen)::int8 AS taken_yen
        FROM fraudulent f JOIN charge c ON c.account_id = f.id
       WHERE c.occurred_at <= ${at}
       GROUP BY c.bank_code`),
    db.$queryRaw<Array<{ bank_code: string; n: unknown }>>(sql`
      SELECT bank_code, COUNT(*) AS n FROM compensation_case WHERE requested_at <= ${asOf} GROUP BY bank_code`),
    // Compensated: what settled transfers had paid by then (CASH_PAID, a credit).
    db.$queryRaw<Array<{ bank_code: string; yen: unknown }>>(sql`
      SELECT p.bank_code, -SUM(p.amount_yen)::int8 AS yen
        FROM ledger_posting p JOIN ledger_journal j ON j.id = p.journal_id
       WHERE p.account = 'CASH_PAID' AND j.created_at <= ${asOf}
       GROUP BY p.bank_code`),
    // Pending: owed to victims after approval (VICTIM_PAYABLE posted by then, a credit), plus cases
    // requested by then and neither approved nor rejected or cancelled by then.
    db.$queryRaw<Array<{ bank_code: string; yen: unknown }>>(sql`
      SELECT bank_code, SUM(yen)::int8 AS yen FROM (
        SELECT p.bank_code, -p.amount_yen AS yen
          FROM ledger_posting p JOIN ledger_journal j ON j.id = p.journal_id
         WHERE p.account = 'VICTIM_PAYABLE' AND j.phase = 'SINGLE' AND j.created_at <= ${asOf}
        UNION ALL
        SELECT p.bank_code, -p.amount_yen
          FROM ledger_posting p JOIN ledger_journal j ON j.id = p.journal_id
          JOIN ledger_journal r ON r.pending_id = j.id AND r.phase = 'POST'
         WHERE p.account = 'VICTIM_PAYABLE' AND j.phase = 'PENDING' AND r.created_at <= ${asOf}
        UNION ALL
        SELECT cc.bank_code, cc.total_yen
          FROM compensation_case cc
         WHERE cc.requested_at <= ${asOf}
           AND NOT EXISTS (SELECT 1 FROM ledger_journal j WHERE j.case_id = cc.id AND j.kind = 'case.approved' AND j.created_at <= ${asOf})
           AND NOT (cc.state IN ('REJECTED', 'CANCELLED') AND cc.decided_at <= ${asOf})
      ) x GROUP BY bank_code`),
    db.$queryRaw<Array<{ bank_code: string; yen: unknown }>>(sql`
      SELECT c.bank_code, SUM(r.amount_yen)::int8 AS yen
        FROM charge_reimbursement r JOIN charge c ON c.id = r.charge_id
       WHERE r.recorded_at <= ${asOf}
       GROUP BY c.bank_code`),
    db.$queryRaw<Array<{ bank_code: string; scopes: string[]; quarantine: boolean; starts_at: Date; ends_at: Date | null; lifted_at: Date | null }>>(sql`
      SELECT s.bank_code, s.scopes::text[] AS scopes, s.quarantine, s.starts_at, s.lifted_at,
             CASE WHEN e.a IS NULL THEN s.ends_at ELSE (e.a[1])::timestamptz END AS ends_at
        FROM suspension s
        LEFT JOIN LATERAL (
          SELECT ARRAY[a.before ->> 'endsAt'] AS a FROM audit_event a
           WHERE a.action = 'suspension.setTimes' AND a.target_type = 'bank' AND a.target_id = s.bank_code
             AND a.before ->> 'suspensionId' = s.id::text AND a.at > ${at}
           ORDER BY a.at, a.id LIMIT 1) e ON true
       WHERE s.created_at <= ${at}
       ORDER BY s.bank_code, s.starts_at`),
    db.bank.findMany({ select: { code: true, name: true } }),
  ]);
  const nameOf = new Map(banks.map((b) => [b.code, b.name]));
  const rows = new Map<string, RegulatorBankRow>();
  const row = (code: string) => {
    let r = rows.get(code);
    if (!r) rows.set(code, (r = { ...ZERO_FIGURES, bankCode: code, bankName: nameOf.get(code) ?? code, measures: [] }));
    return r;
  };
  for (const t of taken) Object.assign(row(t.bank_code), { victimCount: num(t.victims), chargeCount: num(t.charges), takenYen: num(t.taken_yen) });
  for (const c of cases) row(c.bank_code).caseCount = num(c.n);
  for (const p of paid) row(p.bank_code).compensatedYen = num(p.yen);
  for (const p of pending) row(p.bank_code).pendingYen = num(p.yen);
  for (const r of reimbursed) row(r.bank_code).reimbursedByOthersYen = num(r.yen);
  for (const m of measures) {
    // A lift after the time does not count yet: then the planned end (if any) is what was known.
    const lifted = m.lifted_at && m.lifted_at.getTime() <= asOf.getTime() ? m.lifted_at : null;
    const endsAt = lifted ?? m.ends_at;
    const measure: RegulatorMeasure = { bankCode: m.bank_code, scopes: m.scopes, quarantine: m.quarantine, startsAt: m.starts_at, endsAt, status: measureStatus(m.starts_at, lifted ?? (m.ends_at && m.ends_at.getTime() <= asOf.getTime() ? m.ends_at : null), asOf) };
    row(m.bank_code).measures.push(measure);
  }
  for (const r of rows.values()) r.outstandingYen = outstandingOf(r);
  const list = [...rows.values()].sort((a, b) => b.takenYen - a.takenYen || a.bankCode.localeCompare(b.bankCode));
  return { asOf, banks: list, total: totalOf(list) };
}
