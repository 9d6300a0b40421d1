// Eligibility of a victim's charges for compensation (#18), pure: the claim's dates (JST calendar
// days, as the victim and the police give them), each charge's time and what others already paid
// back on it, and the rules' settings (ADMIN, shared/admin/settings.ts). A charge blocked by a rule
// cannot be approved or paid unless a MANAGER overrode that rule for that charge in the case, with a
// reason (server/features/compensation/eligibility.ts enforces it; the case form and page show it).
import { z } from "zod";
import { text } from "../schema-blocks.ts";
import { JST_OFFSET_MS } from "../jst.ts";
import { formatJst, formatYen } from "../format.ts";

export const ELIGIBILITY_RULES = ["REPORTED_WITHIN", "LOSS_WITHIN", "NOT_REIMBURSED"] as const;
export const EligibilityRule = z.enum(ELIGIBILITY_RULES);
export type EligibilityRule = z.infer<typeof EligibilityRule>;

export const DEFAULT_REPORT_WITHIN_DAYS = 30;
export const DEFAULT_LOSS_WITHIN_DAYS = 90;

export interface EligibilityConfig {
  /** The victim reported at most this many days after noticing. */
  reportWithinDays: number;
  /** A charge is at most this many days before the report. */
  lossWithinDays: number;
  /** Refuse a charge someone else (the bank, another party) already paid back. */
  refuseReimbursed: boolean;
}

export const DEFAULT_ELIGIBILITY: EligibilityConfig = { reportWithinDays: DEFAULT_REPORT_WITHIN_DAYS, lossWithinDays: DEFAULT_LOSS_WITHIN_DAYS, refuseReimbursed: true };

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a "YYYY-MM-DD" calendar day, or null when it is no real day. */
export function dayNumber(isoDay: string): number | null {
  const m = ISO_DAY.exec(isoDay);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCFullYear() !== Number(m[1]) || back.getUTCMonth() + 1 !== Number(m[2]) || back.getUTCDate() !== Number(m[3])) return null;
  return ms / DAY_MS;
}

/** The JST calendar day (days since 1970-01-01) of an instant. */
export function jstDayNumber(at: Date | string | number): number {
  return Math.floor((new Date(at).getTime() + JST_OFFSET_MS) / DAY_MS);
}

/** "YYYY-MM-DD" of a day number. */
export function isoDay(dayNo: number): string {
  return new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
}

/** Today's JST calendar day as "YYYY-MM-DD". */
export function jstToday(now: Date = new Date()): string {
  return isoDay(jstDayNumber(now));
}

export const CLAIM_CHANNELS = ["PHONE", "EMAIL", "WEB_FORM", "SHOP", "BANK", "POLICE", "LETTER"] as const;
export const ClaimChannel = z.enum(CLAIM_CHANNELS);
export type ClaimChannel = z.infer<typeof ClaimChannel>;

const Day = text().regex(ISO_DAY, "Give the day as YYYY-MM-DD").refine((d) => dayNumber(d) !== null, "That day does not exist");

/** The claim as support takes it: when the victim noticed and reported, how, and the police report. */
export const ClaimInput = z
  .object({
    noticedOn: Day.meta({ description: "JST calendar day the victim noticed the loss (YYYY-MM-DD)" }),
    reportedOn: Day.meta({ description: "JST calendar day the victim reported it to us (YYYY-MM-DD)" }),
    channel: ClaimChannel,
    policeReportNumber: text()
      .trim()
      .max(40, "The police report number is at most 40 characters")
      .regex(/^[0-9A-Za-z\-/第号 ]*$/u, "The police report number may hold digits, letters, - and /")
      .optional()
      .transform((v) => (v ? v : null)),
  })
  .superRefine((c, ctx) => {
    const n = dayNumber(c.noticedOn);
    const r = dayNumber(c.reportedOn);
    if (n !== null && r !== null && r < n) ctx.addIssue({ code: "custom", path: ["reportedOn"], message: "The report cannot come before the victim noticed the loss" });
  })
  .meta({ description: "Claim intake: when the victim noticed and reported the loss, how, and the police report number" });
export type ClaimInput = z.input<typeof ClaimInput>;
export type Claim = z.output<typeof ClaimInput>;

/** A claim's days must not lie in the future (checked where "today" is known: the server). */
export function claimInFuture(claim: Pick<Claim, "noticedOn" | "reportedOn">, today: string): "noticedOn" | "reportedOn" | null {
  const t = dayNumber(today)!;
  if ((dayNumber(claim.noticedOn) ?? 0) > t) return "noticedOn";
  if ((dayNumber(claim.reportedOn) ?? 0) > t) return "reportedOn";
  return null;
}

export interface Reimbursement {
  /** Who paid it back: a bank's name or another party's. */
  party: string;
  amountYen: number;
}

export interface ChargeFacts {
  chargeId: string;
  occurredAt: Date | string;
  amountYen: number;
  /** What the bank or other parties already paid back on this charge. */
  reimbursements: readonly Reimbursement[];
}

export type RuleBlock =
  | { rule: "REPORTED_WITHIN"; noticedOn: string; reportedOn: string; days: number; limitDays: number }
  | { rule: "LOSS_WITHIN"; chargeDay: string; reportedOn: string; days: number; limitDays: number; occurredAt: string }
  | { rule: "NOT_REIMBURSED"; reimbursedYen: number; parties: string[] };

/**
 * Which rules block this charge for this claim (empty: eligible). Without a claim (cases made
 * before claim intake) only the reimbursement rule can be weighed.
 */
export function evaluateCharge(claim: Pick<Claim, "noticedOn" | "reportedOn"> | null, charge: ChargeFacts, config: EligibilityConfig): RuleBlock[] {
  const blocks: RuleBlock[] = [];
  if (claim) {
    const noticed = dayNumber(claim.noticedOn);
    const reported = dayNumber(claim.reportedOn);
    if (noticed !== null && reported !== null) {
      const late = reported - noticed;
      if (late > config.reportWithinDays) blocks.push({ rule: "REPORTED_WITHIN", noticedOn: claim.noticedOn, reportedOn: claim.reportedOn, days: late, limitDays: config.reportWithinDays });
      const chargeDay = jstDayNumber(charge.occurredAt);
      const before = reported - chargeDay;
      if (before > config.lossWithinDays) {
        blocks.push({ rule: "LOSS_WITHIN", chargeDay: isoDay(chargeDay), reportedOn: claim.reportedOn, days: before, limitDays: config.lossWithinDays, occurredAt: new Date(charge.occurredAt).toISOString() });
      }
    }
  }
  if (config.refuseReimbursed) {
    const paid = charge.reimbursements.filter((r) => r.amountYen > 0);
    const reimbursedYen = paid.reduce((s, r) => s + r.amountYen, 0);
    if (reimbursedYen > 0) blocks.push({ rule: "NOT_REIMBURSED", reimbursedYen, parties: [...new Set(paid.map((r) => r.party))] });
  }
  return blocks;
}

export interface Override {
  chargeId: string;
  rule: EligibilityRule;
}

/** The blocks no override lifts: what still keeps a charge out of approval and payment. */
export function unresolvedBlocks(chargeId: string, blocks: readonly RuleBlock[], overrides: readonly Override[]): RuleBlock[] {
  return blocks.filter((b) => !overrides.some((o) => o.chargeId === chargeId && o.rule === b.rule));
}

/** One block in words (English; the console words them through i18n from the same fields). */
export function blockWords(b: RuleBlock): string {
  switch (b.rule) {
    case "REPORTED_WITHIN":
      return `Reported ${b.days} days after the victim noticed (${b.noticedOn} → ${b.reportedOn}); the rule allows at most ${b.limitDays} days.`;
    case "LOSS_WITHIN":
      return `The charge of ${formatJst(b.occurredAt)} is ${b.days} days before the report of ${b.reportedOn}; the rule allows losses at most ${b.limitDays} days before the report.`;
    case "NOT_REIMBURSED":
      return `Already paid back ${formatYen(b.reimbursedYen)} by ${b.parties.join(", ")}; a charge is not reimbursed twice.`;
  }
}

export const RULE_NAMES: Record<EligibilityRule, string> = {
  REPORTED_WITHIN: "reported within the window after noticing",
  LOSS_WITHIN: "loss within the window before the report",
  NOT_REIMBURSED: "not already reimbursed",
};

export const OverrideRuleInput = z
  .object({ caseId: z.uuid(), chargeId: text().min(1).max(64), rule: EligibilityRule })
  .meta({ description: "Override one eligibility rule for one charge of a case (MANAGER, with a reason)" });
