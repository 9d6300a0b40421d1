// Which charges can be compensated: those made by a wallet we consider fraudulent. One definition,
// used by the SQL in server/features/compensation (FRAUD_WALLET_SQL mirrors it) and by the UI.
import { DEFAULT_FLAG_THRESHOLD } from "../accounts/rules.ts";

export type ReviewLabel = "CONFIRMED_FRAUD" | "LEGITIMATE";

/** Scored at or above the flag threshold, or confirmed by a person; a LEGITIMATE label wins over any score. */
export function isFraudulentWallet(wallet: { riskScore: number; reviewLabel: ReviewLabel | null }, flagThreshold: number = DEFAULT_FLAG_THRESHOLD): boolean {
  if (wallet.reviewLabel === "LEGITIMATE") return false;
  return wallet.reviewLabel === "CONFIRMED_FRAUD" || wallet.riskScore >= flagThreshold;
}

export { DEFAULT_FLAG_THRESHOLD };

/** One change of a wallet's review label (wallet_label_change, #18). */
export interface LabelChange {
  changedAt: Date;
  labelBefore: ReviewLabel | null;
}

/**
 * The label a wallet had at `at`: the label its first change after `at` replaced, or its current
 * label when nothing changed after `at`. Changes at the same instant are taken in recorded order.
 */
export function labelAsOf(current: ReviewLabel | null, changes: readonly LabelChange[], at: Date): ReviewLabel | null {
  let next: LabelChange | undefined;
  for (const c of changes) if (c.changedAt.getTime() > at.getTime() && (!next || c.changedAt.getTime() < next.changedAt.getTime())) next = c;
  return next ? next.labelBefore : current;
}

/**
 * Flagged by its score at `at`, as far as the stored columns tell: it had reached the threshold by
 * then (flagged_at), and if its score has not been rewritten since (scored_at at or before `at`),
 * that score is still at or above it. No score history is kept: a score rewritten after `at` counts
 * as still flagged at `at` (it had been flagged by then).
 */
export function flaggedAsOf(w: { riskScore: number; flaggedAt: Date | null; scoredAt: Date | null }, at: Date, flagThreshold: number = DEFAULT_FLAG_THRESHOLD): boolean {
  if (!w.flaggedAt || w.flaggedAt.getTime() > at.getTime()) return false;
  if (w.scoredAt && w.scoredAt.getTime() > at.getTime()) return true;
  return w.riskScore >= flagThreshold;
}

/** isFraudulentWallet as it was at `at`: the label then and the flag then. */
export function isFraudulentWalletAsOf(
  w: { riskScore: number; flaggedAt: Date | null; scoredAt: Date | null; reviewLabel: ReviewLabel | null; labelChanges: readonly LabelChange[] },
  at: Date,
  flagThreshold: number = DEFAULT_FLAG_THRESHOLD,
): boolean {
  const label = labelAsOf(w.reviewLabel, w.labelChanges, at);
  if (label === "LEGITIMATE") return false;
  return label === "CONFIRMED_FRAUD" || flaggedAsOf(w, at, flagThreshold);
}
