// SQL fragments shared by the compensation reads and writes.
import { Prisma } from "../../generated/prisma/client.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/compensation/fraud.ts";
import type { Actor } from "../audit/write-audit.ts";
import type { Role } from "../../../shared/auth/roles.ts";

/**
 * The wallet aliased `w` is fraudulent (mirrors isFraudulentWallet in shared/compensation/fraud.ts):
 * flagged by score or confirmed by a person, and not cleared as LEGITIMATE.
 */
// Written so that it is never NULL (review_label usually is): NOT of it must mean "not fraudulent".
export const FRAUD_WALLET_SQL = Prisma.sql`((w.risk_score >= ${DEFAULT_FLAG_THRESHOLD} OR w.review_label IS NOT DISTINCT FROM 'CONFIRMED_FRAUD') AND w.review_label IS DISTINCT FROM 'LEGITIMATE')`;

/** Case states whose lines hold an amount of their charge (see RELEASED_STATES in rules.ts). */
export const PENDING_STATES_SQL = Prisma.sql`('REQUESTED', 'APPROVED')`;

/** The holder name the bank gave for this account on the most recent link or link version. */
export function holderNameSql(bank: Prisma.Sql, branch: Prisma.Sql, account: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(
    SELECT x.holder_name FROM (
      SELECT bl.holder_name, bl.registered_at AS at FROM bank_link bl
       WHERE bl.bank_code = ${bank} AND bl.branch_code = ${branch} AND bl.account_number = ${account}
      UNION ALL
      SELECT v.holder_name, v.valid_from AS at FROM bank_link_version v
       WHERE v.bank_code = ${bank} AND v.branch_code = ${branch} AND v.account_number = ${account}
    ) x ORDER BY x.at DESC LIMIT 1)`;
}

/** Raw queries return int8 sums as bigint (Prisma) or number (pg); money fits a JS number. */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "bigint" ? Number(v) : Number(v);
}

/** A signed-in staff member acting (routers build it from the session). */
export type StaffActor = Actor & { id: string; role: Role };
