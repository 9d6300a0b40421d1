import { z } from "zod";
import { suspensionTime, text } from "../schema-blocks.ts";
import { Reason } from "../reason.ts";
import { BankCode as BankCodeText } from "../bank-code.ts";

export const BankCode = BankCodeText.meta({ description: "4-digit Zengin bank code, e.g. 0125", example: "0125" });

export const SuspensionScope = z.enum(["REGISTRATION", "LINK_CHANGE", "CHARGE"]).meta({
  description:
    "REGISTRATION: new link registrations at the bank; LINK_CHANGE: link changes to or from the bank; CHARGE: charges on all links at the bank",
});
export type SuspensionScope = z.infer<typeof SuspensionScope>;

// What a manager proposes: shared by the preview (no reason yet) and the suspend action itself.
const proposalShape = {
  bankCodes: z
    .array(BankCode)
    .min(1, "bankCodes must contain at least one bank")
    .max(100, "bankCodes must contain at most 100 banks")
    .refine((codes) => new Set(codes).size === codes.length, { message: "bankCodes must be unique" })
    .meta({ description: "Banks to suspend; one suspension record is created per bank" }),
  scopes: z
    .array(SuspensionScope)
    .min(1, "scopes must contain at least one scope")
    .refine((scopes) => new Set(scopes).size === scopes.length, { message: "scopes must be unique" }),
  startsAt: suspensionTime()
    .optional()
    .meta({ description: "When the suspension takes effect (UTC). Omitted: now. Later: scheduled." }),
  cutoffAt: suspensionTime().optional().meta({
    description:
      "Links registered before this instant are grandfathered. Omitted: equal to startsAt. May be set earlier (to the attack's start), never later than startsAt.",
  }),
  quarantine: z.boolean().optional().meta({
    description:
      "Quarantine links registered at or after cutoffAt (their charges are refused until reviewed). Omitted: on when cutoffAt is earlier than startsAt.",
  }),
  endsAt: suspensionTime().nullable().optional().meta({ description: "When the suspension ends by itself (lifted by the system, suspension.ended). Omitted: it lasts until lifted." }),
  reviewAt: suspensionTime().nullable().optional().meta({ description: "When managers should review it (they are reminded 24 hours before). Omitted: no review date." }),
};

function checkCutoff(input: { startsAt?: Date; cutoffAt?: Date }, ctx: z.RefinementCtx) {
  // Compared against the clock only when startsAt is omitted (it then defaults to now);
  // planSuspensions repeats the check against the server's `now` deterministically.
  const startsAt = input.startsAt ?? new Date();
  if (input.cutoffAt && input.cutoffAt.getTime() > startsAt.getTime()) {
    ctx.addIssue({
      code: "custom",
      path: ["cutoffAt"],
      message: input.startsAt ? "cutoffAt must not be later than startsAt" : "cutoffAt must not be in the future when startsAt is omitted (it defaults to now)",
    });
  }
}

export const SuspendInput = z
  .object({ ...proposalShape, reason: Reason })
  .superRefine(checkCutoff)
  .meta({ description: "Suspend one or more banks" });
export type SuspendInput = z.infer<typeof SuspendInput>;

export const SuspensionPreviewInput = z
  .object(proposalShape)
  .superRefine(checkCutoff)
  .meta({ description: "The impact of a proposed suspension, computed before confirming" });
export type SuspensionPreviewInput = z.infer<typeof SuspensionPreviewInput>;

export const SetSuspensionTimesInput = z
  .object({
    suspensionId: z.uuid().meta({ description: "A suspension not lifted" }),
    endsAt: suspensionTime().nullable().meta({ description: "The new end time; null: no end (it lasts until lifted)" }),
    reviewAt: suspensionTime().nullable().meta({ description: "The new review date; null: none" }),
    reason: Reason,
  })
  .meta({ description: "Change a suspension's end time or review date" });
export type SetSuspensionTimesInput = z.infer<typeof SetSuspensionTimesInput>;

export const AuthMethod = z.enum(["PIN", "PIN_OTP", "ONLINE_BANKING", "CASH_CARD"]).meta({
  description: "What the bank's link (debit-acceptance) page asks for: PIN only, PIN + one-time password, online-banking login, cash card",
});
export type AuthMethod = z.infer<typeof AuthMethod>;

export const SetBankAuthInput = z
  .object({
    bankCode: BankCode,
    authMethod: AuthMethod,
    effectiveAt: suspensionTime().meta({ description: "When the bank's link page changed (not in the future)" }),
    reason: Reason,
  })
  .superRefine((v, ctx) => {
    if (v.effectiveAt.getTime() > Date.now() + 60_000) ctx.addIssue({ code: "custom", path: ["effectiveAt"], message: "the effective date must not be in the future" });
  })
  .meta({ description: "Record a change of a bank's link authentication" });
export type SetBankAuthInput = z.infer<typeof SetBankAuthInput>;

export const ForBankInput = z.object({ bankCode: BankCode });
export type ForBankInput = z.infer<typeof ForBankInput>;

// --- Charge limits and step-up (#17) --------------------------------------------------------

const limitYen = (what: string) =>
  z
    .number()
    .int("limits are whole yen")
    .positive("a limit must be positive")
    .max(100_000_000, "a limit must be at most ¥100,000,000")
    .nullable()
    .meta({ description: `${what} in yen; null: no limit` });

const chargePolicyShape = {
  bankCode: BankCode,
  perChargeYen: limitYen("Limit per charge"),
  perDayYen: limitYen("Limit per link per JST calendar day"),
  perMonthYen: limitYen("Limit per link per JST calendar month"),
  stepUp: z.enum(["NONE", "AFTER_CUTOFF", "ALL"]).meta({ description: "Which links must pass step-up verification before charging" }),
  stepUpCutoffAt: suspensionTime().nullable().optional().meta({ description: "For AFTER_CUTOFF: links registered or changed at or after this instant" }),
};

function checkStepUpCutoff(input: { stepUp: string; stepUpCutoffAt?: Date | null }, ctx: z.RefinementCtx) {
  if (input.stepUp === "AFTER_CUTOFF" && !input.stepUpCutoffAt) {
    ctx.addIssue({ code: "custom", path: ["stepUpCutoffAt"], message: "Give the cutoff: links registered at or after it must verify" });
  }
}

export const ChargePolicyPreviewInput = z.object(chargePolicyShape).superRefine(checkStepUpCutoff);
export type ChargePolicyPreviewInput = z.infer<typeof ChargePolicyPreviewInput>;

export const SetChargePolicyInput = z
  .object({ ...chargePolicyShape, reason: Reason })
  .superRefine(checkStepUpCutoff)
  .meta({ description: "Set a bank's charge limits and step-up verification" });
export type SetChargePolicyInput = z.infer<typeof SetChargePolicyInput>;

export const OpenGateInput = z
  .object({
    suspensionId: z.uuid().meta({ description: "An active suspension of the bank's charges" }),
    verifiedAfter: suspensionTime().meta({ description: "Re-verifications at or after this instant count" }),
    reason: Reason,
  })
  .meta({ description: "Open a re-verification gate on a charge suspension" });
export type OpenGateInput = z.infer<typeof OpenGateInput>;

/** Quarantine queue page size; equal to the bulk action limit so a page can be acted on at once. */
export const QUARANTINE_PAGE_SIZE_MAX = 500;

export const QuarantineListInput = z.object({
  bankCode: BankCode.optional(),
  suspensionId: z.uuid().optional(),
  limit: z.number().int().min(1).max(QUARANTINE_PAGE_SIZE_MAX).default(100),
  offset: z.number().int().min(0).default(0),
});
export type QuarantineListInput = z.input<typeof QuarantineListInput>;

export const LiftInput = z
  .object({
    suspensionId: z.uuid().meta({ description: "Suspension to lift" }),
    reason: Reason,
  })
  .meta({ description: "Lift a suspension. Quarantined links stay quarantined until reviewed one by one." });
export type LiftInput = z.infer<typeof LiftInput>;

export const QuarantineActionInput = z
  .object({
    linkIds: z
      .array(text().min(1).max(64))
      .min(1, "linkIds must contain at least one link")
      .max(500, "linkIds must contain at most 500 links")
      .refine((ids) => new Set(ids).size === ids.length, { message: "linkIds must be unique" }),
    reason: Reason,
  })
  .meta({ description: "Release or revoke quarantined links" });
export type QuarantineActionInput = z.infer<typeof QuarantineActionInput>;

// --- Decision API (called by the wallet platform) -------------------------------------------

const AccountId = text().min(1).max(64).meta({ description: "Wallet account id" });
const LinkId = text().min(1).max(64).meta({ description: "Bank link id" });

export const LinkRegistrationDecisionRequest = z
  .object({ accountId: AccountId, bankCode: BankCode })
  .meta({ description: "May this wallet account register a new link to this bank?" });
export type LinkRegistrationDecisionRequest = z.infer<typeof LinkRegistrationDecisionRequest>;

export const LinkChangeDecisionRequest = z
  .object({ linkId: LinkId, bankCode: BankCode.meta({ description: "The bank the link would change to" }) })
  .meta({ description: "May this link change to an account at this bank?" });
export type LinkChangeDecisionRequest = z.infer<typeof LinkChangeDecisionRequest>;

export const MAX_CHARGE_YEN = 1_000_000;

export const ChargeDecisionRequest = z
  .object({
    linkId: LinkId,
    amountYen: z
      .number()
      .int("amountYen must be a whole number of yen")
      .positive("amountYen must be positive")
      .max(MAX_CHARGE_YEN, `amountYen must be at most ${MAX_CHARGE_YEN}`)
      .meta({ description: "Charge amount in yen" }),
  })
  .meta({ description: "May this link charge this amount now?" });
export type ChargeDecisionRequest = z.infer<typeof ChargeDecisionRequest>;

export const LimitKind = z.enum(["PER_CHARGE", "DAY", "MONTH"]).meta({
  description: "PER_CHARGE: one charge; DAY and MONTH: the link's charges in the JST calendar day or month (from the charge.completed events received)",
});

export const AppliedLimitSchema = z.object({
  kind: LimitKind,
  limitYen: z.number().int().meta({ description: "The limit in yen" }),
  usedYen: z.number().int().meta({ description: "Charged on this link in the limit's window so far (0 for PER_CHARGE)" }),
  availableYen: z.number().int().meta({ description: "The most this link may charge now under this limit" }),
});

export const DecisionReason = z
  .enum([
    "ALLOWED",
    "BANK_REGISTRATION_SUSPENDED",
    "BANK_LINK_CHANGE_SUSPENDED",
    "BANK_CHARGES_SUSPENDED",
    "LINK_QUARANTINED",
    "LINK_REVOKED",
    "ACCOUNT_FROZEN",
    "UNKNOWN_LINK",
    "UNKNOWN_ACCOUNT",
    "UNKNOWN_BANK",
    "CHARGE_LIMIT_PER_CHARGE",
    "CHARGE_LIMIT_DAY",
    "CHARGE_LIMIT_MONTH",
    "STEP_UP_REQUIRED",
    "REVERIFICATION_REQUIRED",
  ])
  .meta({
    description:
      "Machine-readable reason for the decision. CHARGE_LIMIT_*: the amount exceeds the bank's limit per charge, or what is left of the link's limit for the JST day or month (see limit). " +
      "STEP_UP_REQUIRED (decision challenge): verify the customer (OTP, eKYC), report the result as an account.verified event, then ask again. " +
      "REVERIFICATION_REQUIRED (deny): the bank's charges are suspended with a re-verification gate; this grandfathered link charges again once its holder's re-verification (account.verified, passed, after the gate's time) is reported.",
  });
export type DecisionReason = z.infer<typeof DecisionReason>;

export const Decision = z.enum(["allow", "deny", "challenge"]).meta({
  description:
    "allow: proceed. deny: do not proceed. challenge: proceed only after the customer passed step-up verification (reported by an account.verified event); ask again after it.",
});
export type Decision = z.infer<typeof Decision>;

export const DecisionResponse = z
  .object({
    decision: Decision,
    reason: DecisionReason,
    suspensionId: z.string().optional().meta({ description: "The suspension behind a denial, when there is one" }),
    limit: AppliedLimitSchema.optional().meta({ description: "Charges at a bank with limits: the limit that applied (the one with the least yen left)" }),
  })
  .meta({ description: "Platform decision" });
export type DecisionResponse = z.infer<typeof DecisionResponse>;
