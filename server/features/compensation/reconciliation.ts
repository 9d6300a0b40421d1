// Reconciliation (#18): per bank and in total, what the ledger says against what the cases say.
// Ledger side: balances derived from the postings (ledger_balance). Case side: sums over the cases
// by state, and over the payout lines in flight. Any difference is a defect to look at at once.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { ledgerByBank, unbalancedJournals } from "./ledger.ts";
import { num } from "./sql.ts";

export interface Figures {
  lossYen: number;
  payableYen: number;
  inFlightYen: number;
  paidYen: number;
}
export interface ReconciliationRow {
  bankCode: string;
  bankName: string;
  ledger: Figures;
  cases: Figures;
  differenceYen: Figures;
  balanced: boolean;
}

const ZERO: Figures = { lossYen: 0, payableYen: 0, inFlightYen: 0, paidYen: 0 };
const KEYS = ["lossYen", "payableYen", "inFlightYen", "paidYen"] as const;
const minus = (a: Figures, b: Figures): Figures => Object.fromEntries(KEYS.map((k) => [k, a[k] - b[k]])) as unknown as Figures;
const plus = (a: Figures, b: Figures): Figures => Object.fromEntries(KEYS.map((k) => [k, a[k] + b[k]])) as unknown as Figures;

export async function reconciliation(db: PrismaClient) {
  const [ledger, caseRows, banks, unbalanced] = await Promise.all([
    ledgerByBank(db),
    db.$queryRaw<Array<{ bank_code: string; approved: unknown; in_flight: unknown; paid: unknown }>>(sql`
      SELECT bank_code,
             COALESCE(SUM(total_yen) FILTER (WHERE state = 'APPROVED'), 0)::int8 AS approved,
             COALESCE(SUM(total_yen) FILTER (WHERE state = 'APPROVED' AND payout_batch_id IS NOT NULL), 0)::int8 AS in_flight,
             COALESCE(SUM(total_yen) FILTER (WHERE state = 'PAID'), 0)::int8 AS paid
        FROM compensation_case
       GROUP BY bank_code`),
    db.bank.findMany({ select: { code: true, name: true } }),
    unbalancedJournals(db),
  ]);
  const nameOf = new Map(banks.map((b) => [b.code, b.name]));
  const codes = [...new Set([...ledger.map((l) => l.bankCode), ...caseRows.map((c) => c.bank_code)])].sort();
  const rows: ReconciliationRow[] = codes.map((bankCode) => {
    const l = ledger.find((x) => x.bankCode === bankCode);
    const c = caseRows.find((x) => x.bank_code === bankCode);
    const ledgerFigures: Figures = l ? { lossYen: l.lossYen, payableYen: l.payableYen, inFlightYen: l.inFlightYen, paidYen: l.paidYen } : ZERO;
    const caseFigures: Figures = c ? { lossYen: num(c.approved) + num(c.paid), payableYen: num(c.approved), inFlightYen: num(c.in_flight), paidYen: num(c.paid) } : ZERO;
    const differenceYen = minus(ledgerFigures, caseFigures);
    return { bankCode, bankName: nameOf.get(bankCode) ?? bankCode, ledger: ledgerFigures, cases: caseFigures, differenceYen, balanced: KEYS.every((k) => differenceYen[k] === 0) };
  });
  const ledgerTotal = rows.reduce((s, r) => plus(s, r.ledger), ZERO);
  const casesTotal = rows.reduce((s, r) => plus(s, r.cases), ZERO);
  const differenceYen = minus(ledgerTotal, casesTotal);
  return {
    banks: rows,
    total: { ledger: ledgerTotal, cases: casesTotal, differenceYen, balanced: KEYS.every((k) => differenceYen[k] === 0) },
    unbalancedJournals: unbalanced,
    balanced: rows.every((r) => r.balanced) && unbalanced.length === 0,
  };
}
