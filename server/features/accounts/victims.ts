// Likely victims: the bank accounts that flagged or confirmed-fraud wallets linked and charged from
// (charges keep the bank account they drew on, so a later link change does not hide a victim),
// grouped by bank, with the total taken, what compensation has paid back or has pending, what the
// bank or others reimbursed, and what is still owed (charge-money-sql.ts: the victim pages' figures).
// Wallets an analyst marked LEGITIMATE are left out even when their score is high.
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import { VICTIMS_PER_BANK_MAX } from "../../../shared/accounts/schemas.ts";
import { maskAccountNumber } from "../../../shared/format.ts";
import { fraudulentWalletSql } from "../../db/rules-sql.ts";
import { empty, rows, sql, type Queryable, type Sql } from "../../db/sql.ts";
import { chargeMoneyJoin } from "../compensation/charge-money-sql.ts";

export interface VictimRow {
  bankCode: string;
  branchCode: string;
  maskedAccountNumber: string;
  holderName: string | null;
  takenYen: number;
  chargeCount: number;
  walletCount: number;
  firstChargeAt: Date;
  lastChargeAt: Date;
  /** one of the charges, for /compensation/new?chargeId=… */
  chargeId: string;
  paidBackYen: number;
  pendingYen: number;
  /** Paid back by the victim's bank or another party (#18). */
  reimbursedYen: number;
  /** What compensation still owes: amount − paid − pending − reimbursed per charge, never below zero (the victim pages' figure). */
  owedYen: number;
  /** an unflagged wallet linked this bank account too (perhaps the holder's own) */
  alsoLinkedByUnflaggedWallet: boolean;
}

export interface VictimBank {
  bankCode: string;
  bankName: string | null;
  victimCount: number;
  takenYen: number;
  paidBackYen: number;
  pendingYen: number;
  reimbursedYen: number;
  owedYen: number;
  victims: VictimRow[];
}

/** The SQL of the victims set, one row per bank account; `full` keeps the full account number. */
export function victimsQuery(opts: { bank?: string; threshold?: number }): Sql {
  const bankFilter = opts.bank ? sql`AND c.bank_code = ${opts.bank}` : empty;
  return sql`
      WITH bad AS (
        SELECT id FROM wallet_account w WHERE ${fraudulentWalletSql("w", opts.threshold ?? DEFAULT_FLAG_THRESHOLD)}
      ),
      bad_charges AS (
        SELECT c.* FROM charge c JOIN bad ON bad.id = c.account_id WHERE true ${bankFilter}
      ),
      taken AS (
        SELECT c.bank_code, c.branch_code, c.account_number, sum(c.amount_yen)::bigint AS taken_yen, count(*)::int AS charge_count,
               count(DISTINCT c.account_id)::int AS wallet_count, min(c.occurred_at) AS first_at, max(c.occurred_at) AS last_at,
               (array_agg(c.id ORDER BY c.occurred_at, c.id))[1] AS charge_id,
               -- Paid, pending, reimbursed and still owed per charge: the victim pages' definition (#18).
               sum(m.paid_yen)::bigint AS paid_yen, sum(m.pending_yen)::bigint AS pending_yen,
               sum(m.reimbursed_yen)::bigint AS reimbursed_yen, sum(m.owed_yen)::bigint AS owed_yen
        FROM bad_charges c ${chargeMoneyJoin("c")}
        GROUP BY c.bank_code, c.branch_code, c.account_number
      )
      SELECT t.bank_code, b.name AS bank_name, t.branch_code, t.account_number, t.taken_yen, t.charge_count, t.wallet_count,
             t.first_at, t.last_at, t.charge_id, t.paid_yen, t.pending_yen, t.reimbursed_yen, t.owed_yen,
             (SELECT v.holder_name FROM bank_link_version v
              WHERE v.bank_code = t.bank_code AND v.branch_code = t.branch_code AND v.account_number = t.account_number
              ORDER BY v.valid_from DESC LIMIT 1) AS holder_name,
             EXISTS (SELECT 1 FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id
                     WHERE v.bank_code = t.bank_code AND v.branch_code = t.branch_code AND v.account_number = t.account_number
                       AND l.account_id NOT IN (SELECT id FROM bad)) AS also_unflagged
      FROM taken t
      LEFT JOIN bank b ON b.code = t.bank_code
      ORDER BY t.bank_code, t.taken_yen DESC, t.branch_code, t.account_number`;
}

export interface RawVictim {
  bank_code: string;
  bank_name: string | null;
  branch_code: string;
  account_number: string;
  taken_yen: number;
  charge_count: number;
  wallet_count: number;
  first_at: Date;
  last_at: Date;
  charge_id: string;
  paid_yen: number;
  pending_yen: number;
  reimbursed_yen: number;
  owed_yen: number;
  holder_name: string | null;
  also_unflagged: boolean;
}

export async function listVictims(db: Queryable, opts: { bank?: string }): Promise<{ banks: VictimBank[]; threshold: number }> {
  const banks = new Map<string, VictimBank>();
  for (const r of await rows<RawVictim>(db, victimsQuery(opts))) {
    let b = banks.get(r.bank_code);
    if (!b) banks.set(r.bank_code, (b = { bankCode: r.bank_code, bankName: r.bank_name, victimCount: 0, takenYen: 0, paidBackYen: 0, pendingYen: 0, reimbursedYen: 0, owedYen: 0, victims: [] }));
    b.victimCount++;
    b.takenYen += r.taken_yen;
    b.paidBackYen += r.paid_yen;
    b.pendingYen += r.pending_yen;
    b.reimbursedYen += r.reimbursed_yen;
    b.owedYen += r.owed_yen;
    if (b.victims.length < VICTIMS_PER_BANK_MAX) {
      b.victims.push({
        bankCode: r.bank_code,
        branchCode: r.branch_code,
        maskedAccountNumber: maskAccountNumber(r.account_number),
        holderName: r.holder_name,
        takenYen: r.taken_yen,
        chargeCount: r.charge_count,
        walletCount: r.wallet_count,
        firstChargeAt: r.first_at,
        lastChargeAt: r.last_at,
        chargeId: r.charge_id,
        paidBackYen: r.paid_yen,
        pendingYen: r.pending_yen,
        reimbursedYen: r.reimbursed_yen,
        owedYen: r.owed_yen,
        alsoLinkedByUnflaggedWallet: r.also_unflagged,
      });
    }
  }
  // The bank that lost most first.
  return { banks: [...banks.values()].sort((x, y) => y.takenYen - x.takenYen || x.bankCode.localeCompare(y.bankCode)), threshold: DEFAULT_FLAG_THRESHOLD };
}
