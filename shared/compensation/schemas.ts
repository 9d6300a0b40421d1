import { z } from "zod";
import { text } from "../schema-blocks.ts";
import { Reason } from "../reason.ts";
import { BankCode } from "../bank-code.ts";

export const DEFAULT_APPROVAL_THRESHOLD_YEN = 100_000;
// A single charge is at most ¥1,000,000; 10x leaves room for historical data while keeping a
// 200-line case total (≤ ¥2,000,000,000) inside the database's 32-bit total_yen column.
export const MAX_LINE_YEN = 10_000_000;

export const StaffRole = z.enum(["ANALYST", "MANAGER", "SUPPORT", "ADMIN"]);
export type StaffRole = z.infer<typeof StaffRole>;

export const CaseState = z
  .enum(["REQUESTED", "APPROVED", "PAID", "REJECTED", "CANCELLED"])
  .meta({ description: "REQUESTED → APPROVED → PAID, or REJECTED / CANCELLED" });
export type CaseState = z.infer<typeof CaseState>;

export const Victim = z
  .object({
    bankCode: BankCode.meta({ description: "4-digit Zengin bank code" }),
    branchCode: text().regex(/^\d{3}$/, "branchCode must be 3 digits"),
    accountNumber: text().regex(/^\d{7}$/, "accountNumber must be 7 digits"),
    holderName: text()
      .trim()
      .min(1, "holderName is required")
      .max(100, "holderName must be at most 100 characters")
      .meta({ description: "Account holder name as the bank records it (usually full-width katakana)" }),
  })
  .meta({ description: "The victim's bank account the money is paid back to" });
export type Victim = z.infer<typeof Victim>;

export const CompensationLineInput = z.object({
  chargeId: text().min(1).max(64),
  amountYen: z
    .number()
    .int("amountYen must be a whole number of yen")
    .positive("amountYen must be positive")
    .max(MAX_LINE_YEN, `amountYen must be at most ${MAX_LINE_YEN}`)
    .meta({ description: "Yen to pay back for this charge (the whole charge or part of it)" }),
});
export type CompensationLineInput = z.infer<typeof CompensationLineInput>;

export const CreateCaseInput = z
  .object({
    idempotencyKey: text()
      .regex(/^[A-Za-z0-9._:-]{8,100}$/, "idempotencyKey must be a UUID or 8..100 characters of [A-Za-z0-9._:-]")
      .meta({ description: "Client-chosen key; retrying with the same key and content returns the same case" }),
    victim: Victim,
    lines: z
      .array(CompensationLineInput)
      .min(1, "lines must contain at least one charge")
      .max(200, "lines must contain at most 200 charges")
      .superRefine((lines, ctx) => {
        const seen = new Set<string>();
        lines.forEach((line, i) => {
          if (seen.has(line.chargeId)) {
            ctx.addIssue({ code: "custom", path: [i, "chargeId"], message: `chargeId ${line.chargeId} appears more than once` });
          }
          seen.add(line.chargeId);
        });
      }),
    reason: Reason,
  })
  .meta({ description: "Request compensation for fraudulent charges drawn from one victim account" });
export type CreateCaseInput = z.infer<typeof CreateCaseInput>;

export const TransitionInput = z
  .object({ caseId: z.uuid(), reason: Reason })
  .meta({ description: "Approve, reject or cancel a case" });
export type TransitionInput = z.infer<typeof TransitionInput>;

export const CreatePayoutBatchInput = z
  .object({
    caseIds: z
      .array(z.uuid())
      .min(1, "caseIds must contain at least one case")
      .max(500, "caseIds must contain at most 500 cases")
      .refine((ids) => new Set(ids).size === ids.length, { message: "caseIds must be unique" }),
    reason: Reason,
  })
  .meta({ description: "Pay approved cases in one transfer file" });
export type CreatePayoutBatchInput = z.infer<typeof CreatePayoutBatchInput>;

export const SetThresholdInput = z
  .object({
    approvalThresholdYen: z
      .number()
      .int("approvalThresholdYen must be a whole number of yen")
      .min(1_000, "approvalThresholdYen must be at least 1000")
      .max(10_000_000, "approvalThresholdYen must be at most 10000000")
      .meta({ description: "Cases totalling at least this need a manager other than the requester" }),
    reason: Reason,
  })
  .meta({ description: "Change the second-approver threshold" });
export type SetThresholdInput = z.infer<typeof SetThresholdInput>;
