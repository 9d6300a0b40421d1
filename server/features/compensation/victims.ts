// Finding victims: bank accounts that fraudulent wallets charged from, with what each charge took,
// what was already paid back, what is pending and what is still owed. Account numbers leave the
// server masked; a victim is referred to by one of its charges' ids (`ref`).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { empty, sql, type Sql } from "../../db/sql.ts";
import { fraudulentWalletSql } from "../../db/rules-sql.ts";
import { holderNameSql } from "../../db/queries/bank-links.ts";
import type { Tx } from "../../db/transaction.ts";
import { maskAccountNumber } from "../../../shared/format.ts";
import { compensationError } from "../../../shared/compensation/errors.ts";
import type { VictimSearchInput } from "../../../shared/compensation/inputs.ts";
import type { CaseState } from "../../../shared/compensation/schemas.ts";
import { num } from "./sql.ts";
import { chargeMoneyJoin } from "./charge-money-sql.ts";
import { accountsAccess } from "../../../shared/accounts/access.ts";
import type { Role } from "../../../shared/auth/roles.ts";

type Db = PrismaClient | Tx;

export interface BankAccountKey {
  bankCode: string;
  branchCode: string;
  accountNumber: string;
}

export interface VictimCharge {
  chargeId: string;
  walletId: string;
  walletRiskScore: number;
  walletReviewLabel: string | null;
  occurredAt: Date;
  amountYen: number;
  paidYen: number;
  pendingYen: number;
  /** Reimbursed by the victim's bank or another party (#18). */
  reimbursedYen: number;
  /** What can still be paid back: amount − paid − pending − reimbursed by others, never below zero. */
  owedYen: number;
}

export interface VictimSummary {
  /** A charge id of this victim: the handle the UI uses instead of the account number. */
  ref: string;
  bankCode: string;
  bankName: string;
  branchCode: string;
  accountNumberMasked: string;
  holderName: string | null;
  chargeCount: number;
  takenYen: number;
  paidYen: number;
  pendingYen: number;
  reimbursedYen: number;
  owedYen: number;
  /** Charges from this account by wallets not considered fraudulent (e.g. the victim's own wallet). */
  otherChargeCount: number;
}

export interface VictimView extends VictimSummary {
  charges: VictimCharge[];
  cases: Array<{ id: string; state: CaseState; totalYen: number; requestedAt: Date }>;
}

interface SummaryRow {
  ref: string;
  bank_code: string;
  bank_name: string;
  branch_code: string;
  account_number: string;
  holder_name: string | null;
  charge_count: unknown;
  taken_yen: unknown;
  paid_yen: unknown;
  pending_yen: unknown;
  reimbursed_yen: unknown;
  owed_yen: unknown;
  other_charge_count: unknown;
}

function toSummary(r: SummaryRow): VictimSummary {
  return {
    ref: r.ref,
    bankCode: r.bank_code,
    bankName: r.bank_name,
    branchCode: r.branch_code,
    accountNumberMasked: maskAccountNumber(r.account_number),
    holderName: r.holder_name,
    chargeCount: num(r.charge_count),
    takenYen: num(r.taken_yen),
    paidYen: num(r.paid_yen),
    pendingYen: num(r.pending_yen),
    reimbursedYen: num(r.reimbursed_yen),
    owedYen: num(r.owed_yen),
    otherChargeCount: num(r.other_charge_count),
  };
}

/**
 * Victim summaries for the charges picked by `where` (a condition on charge `c`), grouped by bank
 * account. Per-charge sums first, so a charge in several cases is counted once.
 */
async function summaries(db: Db, where: Sql): Promise<VictimSummary[]> {
  const rows = await db.$queryRaw<SummaryRow[]>(sql`
    WITH picked AS (
      SELECT c.id, c.bank_code, c.branch_code, c.account_number, c.amount_yen, ${fraudulentWalletSql("w")} AS fraudulent
        FROM charge c JOIN wallet_account w ON w.id = c.account_id
       WHERE ${where}
    )
    SELECT MIN(p.id) FILTER (WHERE p.fraudulent) AS ref, p.bank_code, b.name AS bank_name, p.branch_code, p.account_number,
           ${holderNameSql(sql`p.bank_code`, sql`p.branch_code`, sql`p.account_number`)} AS holder_name,
           COUNT(*) FILTER (WHERE p.fraudulent) AS charge_count,
           COALESCE(SUM(p.amount_yen) FILTER (WHERE p.fraudulent), 0) AS taken_yen,
           COALESCE(SUM(m.paid_yen) FILTER (WHERE p.fraudulent), 0) AS paid_yen,
           COALESCE(SUM(m.pending_yen) FILTER (WHERE p.fraudulent), 0) AS pending_yen,
           COALESCE(SUM(m.reimbursed_yen) FILTER (WHERE p.fraudulent), 0) AS reimbursed_yen,
           COALESCE(SUM(m.owed_yen) FILTER (WHERE p.fraudulent), 0) AS owed_yen,
           COUNT(*) FILTER (WHERE NOT p.fraudulent) AS other_charge_count
      FROM picked p
      JOIN bank b ON b.code = p.bank_code
      ${chargeMoneyJoin("p")}
     GROUP BY p.bank_code, b.name, p.branch_code, p.account_number
     ORDER BY owed_yen DESC, p.bank_code, p.branch_code, p.account_number`);
  return rows.filter((r) => r.ref !== null).map(toSummary);
}

/** By bank code and account number (branch optional): the full number is only ever an input. */
export async function searchVictims(db: Db, input: VictimSearchInput): Promise<{ victims: VictimSummary[]; nonFraudulentAccounts: number }> {
  const branch = input.branchCode ? sql`AND c.branch_code = ${input.branchCode}` : empty;
  const all = await summariesIncludingClean(db, sql`c.bank_code = ${input.bankCode} AND c.account_number = ${input.accountNumber} ${branch}`);
  return all;
}

// Search also says when the account was charged only by wallets we do not consider fraudulent, so
// support can tell "no fraud found" from "no such account".
async function summariesIncludingClean(db: Db, where: Sql) {
  const victims = await summaries(db, where);
  const [{ n }] = await db.$queryRaw<{ n: unknown }[]>(sql`
    SELECT COUNT(DISTINCT (c.bank_code, c.branch_code, c.account_number)) AS n
      FROM charge c JOIN wallet_account w ON w.id = c.account_id
     WHERE ${where}`);
  return { victims, nonFraudulentAccounts: num(n) - victims.length };
}

export async function chargeAccount(db: Db, chargeId: string): Promise<BankAccountKey & { accountId: string }> {
  const charge = await db.charge.findUnique({ where: { id: chargeId }, select: { bankCode: true, branchCode: true, accountNumber: true, accountId: true } });
  if (!charge) throw compensationError("CHARGE_NOT_FOUND", `There is no charge with id ${chargeId}.`);
  return charge;
}

/** The victim a charge drew from, with all fraudulent charges from that bank account. */
export async function victimForCharge(db: Db, chargeId: string): Promise<VictimView | null> {
  const account = await chargeAccount(db, chargeId);
  return victimView(db, account);
}

export async function victimView(db: Db, account: BankAccountKey): Promise<VictimView | null> {
  const accountWhere = sql`c.bank_code = ${account.bankCode} AND c.branch_code = ${account.branchCode} AND c.account_number = ${account.accountNumber}`;
  const [summary] = await summaries(db, accountWhere);
  if (!summary) return null;
  const chargeRows = await db.$queryRaw<
    Array<{ id: string; account_id: string; risk_score: number; review_label: string | null; occurred_at: Date; amount_yen: number; paid_yen: unknown; pending_yen: unknown; reimbursed_yen: unknown; owed_yen: unknown }>
  >(sql`
    SELECT c.id, c.account_id, w.risk_score, w.review_label::text AS review_label, c.occurred_at, c.amount_yen,
           m.paid_yen, m.pending_yen, m.reimbursed_yen, m.owed_yen
      FROM charge c
      JOIN wallet_account w ON w.id = c.account_id
      ${chargeMoneyJoin("c")}
     WHERE ${accountWhere} AND ${fraudulentWalletSql("w")}
     ORDER BY c.occurred_at, c.id`);
  const cases = await db.compensationCase.findMany({
    where: { bankCode: account.bankCode, branchCode: account.branchCode, accountNumber: account.accountNumber },
    select: { id: true, state: true, totalYen: true, requestedAt: true },
    orderBy: { requestedAt: "desc" },
  });
  return {
    ...summary,
    charges: chargeRows.map((r) => {
      const paidYen = num(r.paid_yen);
      const pendingYen = num(r.pending_yen);
      const reimbursedYen = num(r.reimbursed_yen);
      return {
        chargeId: r.id,
        walletId: r.account_id,
        walletRiskScore: r.risk_score,
        walletReviewLabel: r.review_label,
        occurredAt: r.occurred_at,
        amountYen: r.amount_yen,
        paidYen,
        pendingYen,
        reimbursedYen,
        owedYen: num(r.owed_yen),
      };
    }),
    cases,
  };
}

/**
 * "Compensate the victims of this wallet": the bank accounts it charged from, if it is fraudulent.
 * Roles that may read any account (accounts.get) see any wallet here too. Support may not (#12
 * defect 5): to them a wallet that is not flagged or confirmed fraud does not exist, with the same
 * answer as an unknown id, so sequential ids cannot be walked to read names and scores.
 */
export async function victimsOfAccount(db: Db, viewer: { role: Role }, accountId: string) {
  const [wallet] = await db.$queryRaw<Array<{ id: string; holderName: string; riskScore: number; reviewLabel: "CONFIRMED_FRAUD" | "LEGITIMATE" | null; flaggedAt: Date | null; fraudulent: boolean }>>(
    sql`SELECT w.id, w.holder_name AS "holderName", w.risk_score AS "riskScore", w.review_label::text AS "reviewLabel", w.flagged_at AS "flaggedAt",
                      ${fraudulentWalletSql("w")} AS fraudulent
                 FROM wallet_account w WHERE w.id = ${accountId}`,
  );
  const mayReadAnyWallet = (accountsAccess["accounts.get"] as readonly Role[]).includes(viewer.role);
  if (!wallet || (!wallet.fraudulent && !mayReadAnyWallet)) {
    throw compensationError("WALLET_NOT_FOUND", `There is no flagged or confirmed-fraud wallet with id ${accountId}.`);
  }
  // Totals per victim cover this wallet's charges only; the form then shows all of the victim's.
  const victims = wallet.fraudulent ? await summaries(db, sql`c.account_id = ${accountId}`) : [];
  return { wallet, victims };
}
