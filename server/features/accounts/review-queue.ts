// Review queue (#16): each analyst takes "the next flagged wallet nobody has reviewed", highest
// score first, and holds it alone until they label it, give it back or the claim expires
// (shared/accounts/review-queue.ts). Exclusivity rests on review_claim's primary key: two analysts
// asking at the same instant skip each other's locked wallet, and a claim taken between one's
// snapshot and its insert makes the insert a no-op, so that analyst tries the next wallet.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import { claimExpiry, type ReviewClaim, type ReviewQueueStats } from "../../../shared/accounts/review-queue.ts";
import { AppError } from "../../../shared/errors.ts";
import { rows, sql, type Queryable, type Sql } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";

/** An unreviewed flagged wallet `w` (the rows the queue hands out; wallet_account_review_queue_idx). */
const UNREVIEWED: Sql = sql`w.flagged_at IS NOT NULL AND w.review_label IS NULL AND w.risk_score >= ${DEFAULT_FLAG_THRESHOLD}`;

interface ClaimRow {
  account_id: string;
  risk_score: number;
  claimed_at: Date;
  expires_at: Date;
}
const toClaim = (r: ClaimRow): ReviewClaim => ({ accountId: r.account_id, riskScore: r.risk_score, claimedAt: r.claimed_at, expiresAt: r.expires_at });

/** The wallet this person holds, extended; else the next one nobody holds; null when the queue is empty. */
export async function claimNextReview(db: PrismaClient, actor: StaffActor): Promise<ReviewClaim | null> {
  return withTransaction(db, async (tx) => {
    const expiresAt = claimExpiry(new Date());
    const kept = await tx.$queryRaw<ClaimRow[]>(sql`
      UPDATE review_claim c SET expires_at = ${expiresAt}
      FROM wallet_account w
      WHERE c.staff_id = ${actor.id}::uuid AND c.expires_at > now() AND w.id = c.account_id AND ${UNREVIEWED}
      RETURNING c.account_id, w.risk_score, c.claimed_at, c.expires_at`);
    if (kept[0]) return toClaim(kept[0]);
    // One wallet per person: whatever else they held (expired, or labelled by someone else) goes back.
    await tx.$executeRaw(sql`DELETE FROM review_claim WHERE staff_id = ${actor.id}::uuid`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const claimed = await claimOne(tx, actor, expiresAt);
      if (claimed !== "taken") return claimed;
    }
    throw new AppError("CONFLICT", "Other analysts took the next wallets at the same moment; ask for the next one again.");
  });
}

async function claimOne(tx: Tx, actor: StaffActor, expiresAt: Date): Promise<ReviewClaim | null | "taken"> {
  const [next] = await tx.$queryRaw<{ id: string; risk_score: number }[]>(sql`
    SELECT w.id, w.risk_score FROM wallet_account w
    WHERE ${UNREVIEWED}
      AND NOT EXISTS (SELECT 1 FROM review_claim c WHERE c.account_id = w.id AND c.expires_at > now())
    ORDER BY w.risk_score DESC, w.flagged_at, w.id
    LIMIT 1
    FOR UPDATE OF w SKIP LOCKED`);
  if (!next) return null;
  const [row] = await tx.$queryRaw<ClaimRow[]>(sql`
    INSERT INTO review_claim (account_id, staff_id, claimed_at, expires_at)
    VALUES (${next.id}, ${actor.id}::uuid, now(), ${expiresAt})
    ON CONFLICT (account_id) DO UPDATE SET staff_id = EXCLUDED.staff_id, claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at
      WHERE review_claim.expires_at <= now()
    RETURNING account_id, ${next.risk_score}::int AS risk_score, claimed_at, expires_at`);
  if (!row) return "taken";
  await writeAudit(tx, actor, { action: "account.reviewClaim", targetType: "account", targetId: next.id, after: { expiresAt: row.expires_at.toISOString() } });
  return toClaim(row);
}

/** Gives a held wallet back to the queue (someone else should look at it). */
export async function releaseReview(db: PrismaClient, actor: StaffActor, accountId: string): Promise<{ released: boolean }> {
  return withTransaction(db, async (tx) => {
    const gone = await tx.$executeRaw(sql`DELETE FROM review_claim WHERE account_id = ${accountId} AND staff_id = ${actor.id}::uuid`);
    if (gone > 0) await writeAudit(tx, actor, { action: "account.reviewRelease", targetType: "account", targetId: accountId });
    return { released: gone > 0 };
  });
}

/** Labelling a wallet ends its review: called in the label's own transaction. */
export async function endReviews(tx: Tx, accountIds: readonly string[]): Promise<void> {
  await tx.$executeRaw(sql`DELETE FROM review_claim WHERE account_id = ANY(${[...accountIds]}::text[])`);
}

/** Who holds a wallet now (null: nobody), for the account page. */
export async function reviewHolder(db: Queryable, accountId: string): Promise<{ staffId: string; email: string; expiresAt: Date } | null> {
  const [r] = await rows<{ staff_id: string; email: string; expires_at: Date }>(db, sql`
    SELECT c.staff_id, s.email, c.expires_at FROM review_claim c JOIN staff_user s ON s.id = c.staff_id
    WHERE c.account_id = ${accountId} AND c.expires_at > now()`);
  return r ? { staffId: r.staff_id, email: r.email, expiresAt: r.expires_at } : null;
}

export async function reviewQueueStats(db: Queryable): Promise<ReviewQueueStats> {
  const [queue] = await rows<{ unreviewed: number; claimed: number; oldest: Date | null }>(db, sql`
    SELECT count(*)::int AS unreviewed,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM review_claim c WHERE c.account_id = w.id AND c.expires_at > now()))::int AS claimed,
           min(w.flagged_at) AS oldest
    FROM wallet_account w WHERE ${UNREVIEWED}`);
  const reviewers = await rows<{ id: string; email: string; labelled: number; holding: string | null }>(db, sql`
    WITH labels AS (
      SELECT actor_id, count(*)::int AS n FROM audit_event
      WHERE action IN ('account.markConfirmedFraud', 'account.markLegitimate') AND at > now() - interval '24 hours' AND actor_id IS NOT NULL
      GROUP BY actor_id),
    holds AS (SELECT staff_id, min(account_id) AS account_id FROM review_claim WHERE expires_at > now() GROUP BY staff_id)
    SELECT s.id, s.email, coalesce(l.n, 0) AS labelled, h.account_id AS holding
    FROM staff_user s LEFT JOIN labels l ON l.actor_id = s.id LEFT JOIN holds h ON h.staff_id = s.id
    WHERE l.n IS NOT NULL OR h.account_id IS NOT NULL
    ORDER BY labelled DESC, s.email`);
  return {
    unreviewed: queue.unreviewed,
    claimed: queue.claimed,
    oldestFlaggedAt: queue.oldest,
    reviewers: reviewers.map((r) => ({ staffId: r.id, email: r.email, labelled24h: r.labelled, holding: r.holding })),
  };
}
