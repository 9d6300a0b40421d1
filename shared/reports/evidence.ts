// The partner-bank evidence pack (#18), pure parts: what the bank needs to find and call its
// customers. Itemised debits (charge id, time in JST, amount, the descriptor on the customer's
// statement), the wallets involved (masked), the measures taken with dates, and each victim's
// compensation status. Account numbers and wallet ids leave masked.
import { csvDocument, isoJst } from "../csv.ts";
import { maskAccountNumber } from "../format.ts";

/**
 * The statement descriptor column: what the wallet platform reported the customer's passbook prints
 * for the debit (charge.completed's `descriptor`, stored on the charge). When the platform sent none
 * the cell stays empty and the note says so: we never make one up.
 */
export const DESCRIPTOR_NOT_SENT = "not sent by the wallet platform";
export function descriptorCells(descriptor: string | null): [string, string] {
  return descriptor ? [descriptor, ""] : ["", DESCRIPTOR_NOT_SENT];
}

/** A wallet id with all but its first two and last four characters hidden. */
export function maskWalletId(id: string): string {
  if (id.length <= 6) return "*".repeat(id.length);
  return `${id.slice(0, 2)}${"*".repeat(id.length - 6)}${id.slice(-4)}`;
}

export type VictimStatus = "PAID" | "PARTLY_PAID" | "IN_PROGRESS" | "REIMBURSED_BY_OTHERS" | "NOT_CLAIMED";

export function victimStatus(v: { takenYen: number; paidYen: number; pendingYen: number; reimbursedYen: number }): VictimStatus {
  if (v.paidYen + v.reimbursedYen >= v.takenYen) return v.paidYen > 0 ? "PAID" : "REIMBURSED_BY_OTHERS";
  if (v.pendingYen > 0) return "IN_PROGRESS";
  if (v.paidYen > 0 || v.reimbursedYen > 0) return "PARTLY_PAID";
  return "NOT_CLAIMED";
}

export interface PackDebit {
  chargeId: string;
  occurredAt: Date;
  amountYen: number;
  /** As the platform sent it; null when it sent none. */
  descriptor: string | null;
  branchCode: string;
  accountNumber: string;
  walletId: string;
  paidYen: number;
  pendingYen: number;
  reimbursedYen: number;
}
export interface PackWallet {
  walletId: string;
  status: string;
  reviewLabel: string | null;
  riskScore: number;
  flaggedAt: Date | null;
  chargeCount: number;
  takenYen: number;
}
export interface PackMeasure {
  kind: string;
  scopes: string[];
  quarantine: boolean;
  startsAt: Date;
  endsAt: Date | null;
  liftedAt: Date | null;
}
export interface PackVictim {
  branchCode: string;
  accountNumber: string;
  chargeCount: number;
  takenYen: number;
  paidYen: number;
  pendingYen: number;
  reimbursedYen: number;
}

export interface PackInput {
  bankCode: string;
  bankName: string;
  madeAt: Date;
  debits: PackDebit[];
  wallets: PackWallet[];
  measures: PackMeasure[];
  victims: PackVictim[];
}

/** The files of the pack, by name (UTF-8 CSV with BOM, CRLF). */
export function evidenceFiles(p: PackInput): Array<{ name: string; text: string }> {
  const withoutDescriptor = p.debits.filter((d) => !d.descriptor).length;
  const readme = [
    `Evidence pack for bank ${p.bankCode} ${p.bankName}, made ${isoJst(p.madeAt)}.`,
    "debits.csv: every debit by a fraudulent wallet on this bank's accounts (times in JST, amounts in yen).",
    "  statement_descriptor is what the customer's passbook shows for the debit, as the wallet platform reported it.",
    withoutDescriptor === 0
      ? "  The platform reported it for every debit here."
      : `  The platform did not report it for ${withoutDescriptor} of ${p.debits.length} debits: their cell is empty and statement_descriptor_note says "${DESCRIPTOR_NOT_SENT}" (we do not know what those passbook lines show: find them by date and amount).`,
    "wallets.csv: the wallets involved (ids masked), their status and when they were flagged.",
    "measures.csv: the measures taken on this bank (suspensions with their scopes and dates).",
    "victims.csv: each victim account (number masked) and its compensation status.",
    "Account numbers and wallet ids are masked: ask the operator for a full id of one line if needed.",
    "",
  ].join("\r\n");
  return [
    { name: "README.txt", text: readme },
    {
      name: "debits.csv",
      text: csvDocument(
        ["charge_id", "occurred_at_jst", "amount_yen", "statement_descriptor", "branch_code", "account_number", "wallet", "compensated_yen", "compensation_pending_yen", "reimbursed_by_others_yen", "statement_descriptor_note"],
        p.debits.map((d) => {
          const [descriptor, note] = descriptorCells(d.descriptor);
          return [d.chargeId, isoJst(d.occurredAt), d.amountYen, descriptor, d.branchCode, maskAccountNumber(d.accountNumber), maskWalletId(d.walletId), d.paidYen, d.pendingYen, d.reimbursedYen, note];
        }),
      ),
    },
    {
      name: "wallets.csv",
      text: csvDocument(
        ["wallet", "status", "review_label", "risk_score", "flagged_at_jst", "charges", "taken_yen"],
        p.wallets.map((w) => [maskWalletId(w.walletId), w.status, w.reviewLabel ?? "", w.riskScore, isoJst(w.flaggedAt), w.chargeCount, w.takenYen]),
      ),
    },
    {
      name: "measures.csv",
      text: csvDocument(
        ["measure", "scopes", "quarantine", "starts_at_jst", "ends_at_jst", "lifted_at_jst"],
        p.measures.map((m) => [m.kind, m.scopes.join(" "), m.quarantine ? "yes" : "no", isoJst(m.startsAt), isoJst(m.endsAt), isoJst(m.liftedAt)]),
      ),
    },
    {
      name: "victims.csv",
      text: csvDocument(
        ["branch_code", "account_number", "charges", "taken_yen", "compensated_yen", "compensation_pending_yen", "reimbursed_by_others_yen", "still_owed_yen", "status"],
        p.victims.map((v) => [v.branchCode, maskAccountNumber(v.accountNumber), v.chargeCount, v.takenYen, v.paidYen, v.pendingYen, v.reimbursedYen, Math.max(0, v.takenYen - v.paidYen - v.pendingYen - v.reimbursedYen), victimStatus(v)]),
      ),
    },
  ];
}
