// Suspensions that end and get reviewed (#17): pure timing rules. A suspension may carry an end time
// (the ending job lifts it then, as the system, through the same code as a manager's lift) and a
// review date (a reminder only). Managers see what is due within REMINDER_WINDOW_MS (24 h) on the
// suspensions page, the bank page and as a count in the navigation.

export const HOUR_MS = 3_600_000;
/** How long before an end time or review date managers are reminded. */
export const REMINDER_WINDOW_MS = 24 * HOUR_MS;

export interface EndTiming {
  startsAt: Date;
  liftedAt?: Date | null;
  endsAt?: Date | null;
  reviewAt?: Date | null;
}

/** The ending job lifts a suspension once its end time has come and nobody lifted it before. */
export function isDueToEnd(s: EndTiming, now: Date): boolean {
  return s.liftedAt == null && s.endsAt != null && s.endsAt.getTime() <= now.getTime();
}

export type AttentionKind = "ENDS" | "REVIEW";

export interface Attention {
  kind: AttentionKind;
  at: Date;
  /** The time has passed (a review not yet done, or an end the job has not reached yet). */
  overdue: boolean;
}

/**
 * What managers are reminded of for a suspension not lifted at `now`: the end time or review date
 * within the window ahead (or passed), the earlier of the two first. A review date after the end
 * time is never reached, so it is not shown.
 */
export function attentionFor(s: EndTiming, now: Date, windowMs = REMINDER_WINDOW_MS): Attention[] {
  if (s.liftedAt != null && s.liftedAt.getTime() <= now.getTime()) return [];
  const t = now.getTime();
  const out: Attention[] = [];
  if (s.endsAt != null && s.endsAt.getTime() <= t + windowMs) out.push({ kind: "ENDS", at: s.endsAt, overdue: s.endsAt.getTime() <= t });
  if (s.reviewAt != null && s.reviewAt.getTime() <= t + windowMs && (s.endsAt == null || s.reviewAt.getTime() < s.endsAt.getTime())) {
    out.push({ kind: "REVIEW", at: s.reviewAt, overdue: s.reviewAt.getTime() <= t });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function needsAttention(s: EndTiming, now: Date, windowMs = REMINDER_WINDOW_MS): boolean {
  return attentionFor(s, now, windowMs).length > 0;
}

export type EndTimesProblem = "ENDS_BEFORE_START" | "ENDS_IN_PAST" | "REVIEW_IN_PAST";

export const END_TIMES_MESSAGES: Record<EndTimesProblem, string> = {
  ENDS_BEFORE_START: "endsAt must be after startsAt",
  ENDS_IN_PAST: "endsAt must be in the future",
  REVIEW_IN_PAST: "reviewAt must be in the future",
};

/**
 * Checks a new end time and review date against the suspension's start and `now` (when suspending
 * and when a manager edits them). null clears one. An end must be after the start and in the future
 * (an end now is a lift: that takes a second manager); a review date must be in the future.
 */
/**
 * Four eyes (#12) on what weakens protection: ending a suspension is lifting it, so once a suspension
 * exists one manager may not give it an end time it did not have, nor bring its end time forward
 * (a second manager approves a lift instead). Moving the end later, clearing it, and the review date
 * are free. An end time chosen when suspending is part of that manager's own suspension.
 */
export function endChangeWeakensProtection(before: Date | null | undefined, next: Date | null | undefined): boolean {
  if (next == null) return false;
  return before == null || next.getTime() < before.getTime();
}

export function checkEndTimes(startsAt: Date, endsAt: Date | null | undefined, reviewAt: Date | null | undefined, now: Date): EndTimesProblem | null {
  if (endsAt != null) {
    if (endsAt.getTime() <= now.getTime()) return "ENDS_IN_PAST";
    if (endsAt.getTime() <= startsAt.getTime()) return "ENDS_BEFORE_START";
  }
  if (reviewAt != null && reviewAt.getTime() <= now.getTime()) return "REVIEW_IN_PAST";
  return null;
}
