// Inputs and views of proposed actions (#17): zod validates every input at the boundary.
import { z } from "zod";
import { suspensionTime } from "../schema-blocks.ts";
import { Reason } from "../reason.ts";
import { BankCode, SuspensionScope } from "../suspensions/schemas.ts";
import type { ProposalCutoffBasis } from "./rules.ts";

export const ProposalId = z.uuid().meta({ description: "A proposed action" });

export const ProposalsForBankInput = z.object({ bankCode: BankCode });

/** A manager confirms, possibly edited (scopes, cutoff, quarantine): the suspension starts now. */
export const ConfirmProposalInput = z
  .object({
    proposalId: ProposalId,
    scopes: z
      .array(SuspensionScope)
      .min(1, "scopes must contain at least one scope")
      .refine((scopes) => new Set(scopes).size === scopes.length, { message: "scopes must be unique" }),
    cutoffAt: suspensionTime().meta({ description: "Links registered before this instant are grandfathered; not in the future" }),
    quarantine: z.boolean().optional(),
    reason: Reason,
  })
  .superRefine((input, ctx) => {
    if (input.cutoffAt.getTime() > Date.now()) ctx.addIssue({ code: "custom", path: ["cutoffAt"], message: "cutoffAt must not be in the future (the suspension starts now)" });
  });
export type ConfirmProposalInput = z.infer<typeof ConfirmProposalInput>;

export const DismissProposalInput = z.object({ proposalId: ProposalId, reason: Reason });
export type DismissProposalInput = z.infer<typeof DismissProposalInput>;

export type ProposalStatus = "PENDING" | "CONFIRMED" | "DISMISSED";

/** The figures of the suspend dialog's preview, as they were when the proposal was made. */
export interface ProposalPreviewFigures {
  cutoffAt: string;
  quarantine: boolean;
  totals: {
    totalLinks: number;
    grandfathered: number;
    flaggedGrandfathered: number;
    afterCutoff: number;
    toQuarantine: number;
    flaggedToQuarantine: number;
    alreadyQuarantined: number;
    expectedRefusedPerHour: number;
  };
}

export interface ProposalView {
  id: string;
  bankCode: string;
  bankName: string;
  bankNameJa: string | null;
  status: ProposalStatus;
  incidentStartedAt: Date;
  incidentEndedAt: Date | null;
  triggerMetric: string;
  triggerSeverity: number;
  authMethod: string;
  threshold: number;
  scopes: SuspensionScope[];
  cutoffAt: Date;
  cutoffBasis: ProposalCutoffBasis;
  preview: ProposalPreviewFigures;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionReason: string | null;
  suspensionIds: string[];
  /** Of the proposed scopes, those the bank is already suspended for (active or scheduled). */
  coveredScopes: SuspensionScope[];
}
