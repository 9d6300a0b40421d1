// Review queue (#16): analysts take "the next flagged wallet nobody has reviewed" one at a time.
// A claim keeps two analysts off the same wallet; it expires so a wallet left open in a tab that
// someone walked away from returns to the queue by itself.

/** How long a claimed wallet stays with its analyst before anyone may take it over. */
export const REVIEW_CLAIM_MINUTES = 15;

export interface ReviewClaim {
  accountId: string;
  riskScore: number;
  claimedAt: Date;
  expiresAt: Date;
}

export interface ReviewerCount {
  staffId: string;
  email: string;
  /** Labels this person gave (confirmed fraud or legitimate) in the last 24 hours. */
  labelled24h: number;
  /** The wallet this person holds now, if any. */
  holding: string | null;
}

export interface ReviewQueueStats {
  /** Flagged wallets with no label yet (claimed or not). */
  unreviewed: number;
  /** Of those, held by someone now. */
  claimed: number;
  /** When the oldest unreviewed wallet was flagged (null: the queue is empty). */
  oldestFlaggedAt: Date | null;
  reviewers: ReviewerCount[];
}

/** The expiry of a claim taken (or extended) at `now`. */
export function claimExpiry(now: Date, minutes = REVIEW_CLAIM_MINUTES): Date {
  return new Date(now.getTime() + minutes * 60_000);
}

/** Whole minutes a wallet has waited since it was flagged (0 for a future or missing time). */
export function waitingMinutes(flaggedAt: Date | null, now: Date): number {
  if (!flaggedAt) return 0;
  return Math.max(0, Math.floor((now.getTime() - flaggedAt.getTime()) / 60_000));
}
