// Inputs of the compensation procedures (tRPC). The create request names no bank account: the
// server takes the victim from the charges themselves, so the full account number never has to
// reach the browser (it appears only in the payout export).
import { z } from "zod";
import { instant, text } from "../schema-blocks.ts";
import { CaseState, CreateCaseInput, Victim } from "./schemas.ts";
import { Reason } from "../reason.ts";
import { BankCode } from "../bank-code.ts";
import { BankReference } from "./payout-lifecycle.ts";
import { ClaimChannel, ClaimInput, EligibilityRule, type Claim } from "./eligibility.ts";

export const CASE_LIST_LIMIT_MAX = 500;

export const CreateCaseRequest = z
  .object({
    idempotencyKey: CreateCaseInput.shape.idempotencyKey,
    holderName: Victim.shape.holderName,
    lines: CreateCaseInput.shape.lines,
    reason: Reason,
    /**
     * The claim as support took it: required (#18). Optional in the shape only so that a request
     * without one is refused with its own code, CLAIM_REQUIRED, in words (the refinement below).
     */
    claim: ClaimInput.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.claim === undefined) ctx.addIssue({ code: "custom", path: ["claim"], message: CLAIM_REQUIRED_WORDS, params: { code: "CLAIM_REQUIRED" } });
  })
  .meta({ description: "Request compensation for fraudulent charges; the victim is the bank account the charges drew on. The claim (days noticed and reported, channel) is required." });
export type CreateCaseRequest = Omit<z.infer<typeof CreateCaseRequest>, "claim"> & { claim: Claim };

/** Why a case cannot be created (or, for an older case without one, approved or paid) without a claim. */
export const CLAIM_REQUIRED_WORDS =
  "A claim is required: the day the victim noticed the loss, the day they reported it to us and how (phone, email, …). The police report number is optional.";

export const ListCasesInput = z.object({
  states: z.array(CaseState).max(5).optional(),
  bankCode: BankCode.optional(),
  /** Only cases the signed-in person requested. */
  mine: z.boolean().optional(),
  limit: z.number().int().min(1).max(CASE_LIST_LIMIT_MAX).default(100),
  offset: z.number().int().min(0).default(0),
});
export type ListCasesInput = z.input<typeof ListCasesInput>;

export const CaseIdInput = z.object({ caseId: z.uuid() });
export const BatchIdInput = z.object({ batchId: z.uuid() });
export const ChargeIdInput = z.object({ chargeId: text().min(1).max(64) });
export const AccountIdInput = z.object({ accountId: text().min(1).max(64) });

export const VictimSearchInput = z.object({
  bankCode: text().trim().pipe(BankCode),
  accountNumber: text().trim().regex(/^\d{7}$/, "Account number is 7 digits"),
  branchCode: text()
    .trim()
    .regex(/^\d{3}$/, "Branch code is 3 digits")
    .optional(),
});
export type VictimSearchInput = z.infer<typeof VictimSearchInput>;

export const ReportInput = z.object({ bankCode: BankCode.optional() }).optional();


export const MarkBatchSentInput = z
  .object({ batchId: z.uuid(), bankReference: BankReference, reason: Reason })
  .meta({ description: "Record that the bank accepted a payout batch, with its acceptance reference" });
export type MarkBatchSentInput = z.infer<typeof MarkBatchSentInput>;

export const ImportBankResultInput = z
  .object({ batchId: z.uuid(), fileText: text().min(1, "The result file is empty").max(1_000_000, "The result file is larger than 1 MB"), reason: Reason })
  .meta({ description: "Import the bank's result file of a sent payout batch: each line settled or failed" });
export type ImportBankResultInput = z.infer<typeof ImportBankResultInput>;

export const OverrideRuleRequest = z
  .object({ caseId: z.uuid(), chargeId: text().min(1).max(64), rule: EligibilityRule, reason: Reason })
  .meta({ description: "A manager overrides one eligibility rule for one charge of a case, with a reason" });
export type OverrideRuleRequest = z.infer<typeof OverrideRuleRequest>;

export const AddContactInput = z
  .object({
    caseId: z.uuid(),
    contactedAt: instant(),
    channel: ClaimChannel,
    note: Reason.meta({ description: "What was said (recorded in the contact log and the audit log)" }),
  })
  .meta({ description: "Log a contact with the victim of a case" });
export type AddContactInput = z.infer<typeof AddContactInput>;

export const CorrectClaimRequest = z
  .object({ caseId: z.uuid(), claim: ClaimInput, reason: Reason })
  .meta({
    description:
      "Correct (or, for an older case without one, record) a case's claim, with a reason: eligibility is weighed again; refused if it would block a charge already in a payout batch or paid",
  });
export type CorrectClaimRequest = z.infer<typeof CorrectClaimRequest>;
