import { z } from "zod";
import { instant, text } from "../schema-blocks.ts";
import { BankCode } from "../bank-code.ts";

export const AUDIT_PAGE_ROWS_MAX = 200;
/** A CSV export holds at most this many records (newest first); narrow the filters for more. */
export const AUDIT_EXPORT_ROWS_MAX = 20_000;
/** Audit entries on a bank's incident timeline (newest kept). */
export const TIMELINE_AUDIT_ROWS_MAX = 500;

const Text = (max: number) => text().trim().max(max, `Keep this under ${max} characters`);

/** Server-side filters of the audit page; every field is optional and they combine with AND. */
export const AuditFilters = z.strictObject({
  /** part of the actor's email */
  actor: Text(200).optional(),
  /** an action, or its feature prefix ("suspension." matches every suspension action) */
  action: Text(64).optional(),
  targetType: Text(32).optional(),
  targetId: Text(200).optional(),
  from: instant().optional(),
  to: instant().optional(),
  /** free text searched in the reason */
  q: Text(200).optional(),
});
export type AuditFilters = z.infer<typeof AuditFilters>;

export const AuditListInput = AuditFilters.extend({
  /** keyset pagination: records older than this id (the previous page's nextCursor) */
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(AUDIT_PAGE_ROWS_MAX).default(50),
});
export type AuditListInput = z.input<typeof AuditListInput>;

export const AuditExportInput = AuditFilters;

export const BankTimelineInput = z.strictObject({
  bankCode: BankCode,
});

export interface AuditRowView {
  id: number;
  at: Date;
  actorEmail: string;
  actorRole: string | null;
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  /** the staff member's address: ADMIN only (null for other roles) */
  ipAddress: string | null;
  hash: string | null;
}

export interface ChainVerification {
  status: "VERIFIED" | "BROKEN";
  /** records that verified, from the first */
  verifiedCount: number;
  lastVerifiedId: number | null;
  /** the first record whose hash or link does not hold */
  brokenAtId: number | null;
  problem: string | null;
  headId: number | null;
  checkedAt: Date;
}
import type { ProposalTimelineFacts } from "../proposals/rules.ts";

export const TIMELINE_KINDS = ["SPIKE_STARTED", "SPIKE_ENDED", "PROPOSAL", "SUSPENSION", "QUARANTINE", "COMPENSATION", "OTHER"] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  /** in English (the Markdown export); the console words it from the facts below in the reader's language */
  title: string;
  detail: string | null;
  actor: string | null;
  auditId: number | null;
  /** an audit entry's action and target */
  action?: string;
  target?: { type: string; id: string };
  /** a spike's measure and figures */
  spike?: { metric: string; detector: string; peak: number; expected: number; severity: number };
  /** a proposed action's step (proposed, confirmed, dismissed) and the minutes since the spike began */
  proposal?: ProposalTimelineFacts;
}

export interface BankTimeline {
  bankCode: string;
  bankName: string;
  entries: TimelineEntry[];
  compensation: { state: string; caseCount: number; totalYen: number }[];
  /** true when older audit entries were left out */
  truncated: boolean;
}
