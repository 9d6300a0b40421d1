// Inputs of the settlement procedures (#18): reimbursements by banks and others, cost sharing,
// bank statements.
import { z } from "zod";
import { calendarDateProblem, text } from "../schema-blocks.ts";
import { Reason } from "../reason.ts";
import { BankCode } from "../bank-code.ts";
import { REIMBURSEMENT_PARTIES } from "./rules.ts";

/** A calendar day "YYYY-MM-DD" (JST business day), checked against the calendar. */
export const CalendarDay = text()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-12-07")
  .superRefine((value, ctx) => {
    const [y, mo, d] = value.split("-");
    const problem = calendarDateProblem(y, mo, d) ?? (Number(y) < 2000 || Number(y) > 2099 ? "must be between 2000-01-01 and 2099-12-31" : null);
    if (problem) ctx.addIssue({ code: "custom", message: problem, abort: true });
  });

export const RecordReimbursementInput = z
  .object({
    chargeId: text().trim().min(1).max(64),
    party: z.enum(REIMBURSEMENT_PARTIES),
    /** Who paid, when party is OTHER (an insurer, the merchant). */
    partyName: text().trim().min(1).max(200).optional(),
    amountYen: z.number().int().positive().max(100_000_000),
    reimbursedOn: CalendarDay,
    reference: text().trim().min(1, "The payer's reference is required").max(100),
    reason: Reason,
  })
  .superRefine((v, ctx) => {
    if (v.party === "OTHER" && !v.partyName) ctx.addIssue({ code: "custom", path: ["partyName"], message: "Name the party that reimbursed the victim" });
    if (v.party === "BANK" && v.partyName) ctx.addIssue({ code: "custom", path: ["partyName"], message: "The bank is the charge's own bank: leave the party name empty" });
  });
export type RecordReimbursementInput = z.infer<typeof RecordReimbursementInput>;

export const ChargeIdsInput = z.object({ chargeIds: z.array(text().trim().min(1).max(64)).min(1).max(500) });
export const SettlementBankInput = z.object({ bankCode: BankCode });

export const SetCostShareInput = z.object({
  bankCode: BankCode,
  /** The share the bank bears, in percent with at most two decimals (the operator bears the rest). */
  bankSharePercent: z
    .number()
    .min(0)
    .max(100)
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "At most two decimals (basis points)"),
  effectiveFrom: CalendarDay,
  reason: Reason,
});
export type SetCostShareInput = z.infer<typeof SetCostShareInput>;

export const RecordBankPaymentInput = z.object({
  bankCode: BankCode,
  amountYen: z.number().int().positive().max(10_000_000_000),
  receivedOn: CalendarDay,
  reference: text().trim().min(1, "The bank's transfer reference is required").max(100),
  reason: Reason,
});
export type RecordBankPaymentInput = z.infer<typeof RecordBankPaymentInput>;

/** Our payment to a bank of what we owe it (its reimbursements of victims beyond its share). */
export const PayBankInput = z.object({
  bankCode: BankCode,
  amountYen: z.number().int().positive().max(10_000_000_000),
  paidOn: CalendarDay,
  reference: text().trim().min(1, "Our transfer's reference is required").max(100),
  reason: Reason,
});
export type PayBankInput = z.infer<typeof PayBankInput>;
