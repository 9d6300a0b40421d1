// Staff actions on wallet accounts: freeze / unfreeze, and the review label (confirmed fraud /
// legitimate). One account or up to BULK_ACCOUNTS_MAX at once with one shared reason; the change and
// one audit record per changed account commit together. Accounts already in the asked state are
// left alone and not audited (nothing happened to them).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { AppError } from "../../../shared/errors.ts";
import type { AccountActionInput, AccountActionResult } from "../../../shared/accounts/schemas.ts";
import { raw, sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import type { AuditAction } from "../../../shared/audit/actions.ts";
import { enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { walletActionEvents } from "../webhooks/events.ts";
import { endReviews } from "./review-queue.ts";

export type AccountAction = "freeze" | "unfreeze" | "markConfirmedFraud" | "markLegitimate";

const CHANGES: Record<AccountAction, { column: "status" | "review_label"; value: string; cast: string; audit: AuditAction }> = {
  freeze: { column: "status", value: "FROZEN", cast: "AccountStatus", audit: "account.freeze" },
  unfreeze: { column: "status", value: "ACTIVE", cast: "AccountStatus", audit: "account.unfreeze" },
  markConfirmedFraud: { column: "review_label", value: "CONFIRMED_FRAUD", cast: "ReviewLabel", audit: "account.markConfirmedFraud" },
  markLegitimate: { column: "review_label", value: "LEGITIMATE", cast: "ReviewLabel", audit: "account.markLegitimate" },
};

export async function applyAccountAction(db: PrismaClient, actor: Actor, action: AccountAction, input: AccountActionInput): Promise<AccountActionResult> {
  const change = CHANGES[action];
  const ids = [...new Set(input.accountIds)].sort(); // id order: two bulk actions never deadlock
  return withTransaction(db, async (tx) => {
    const before = await tx.$queryRaw<{ id: string; status: string; review_label: string | null }[]>(sql`
      SELECT id, status::text AS status, review_label::text AS review_label FROM wallet_account
      WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE`);
    if (before.length !== ids.length) {
      const found = new Set(before.map((r) => r.id));
      const missing = ids.filter((id) => !found.has(id));
      throw new AppError("ACCOUNT_NOT_FOUND", `No wallet account ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""}; nothing was changed.`, {
        details: { missing: missing.slice(0, 20) },
      });
    }
    const current = (r: (typeof before)[number]) => (change.column === "status" ? r.status : r.review_label);
    const toChange = before.filter((r) => current(r) !== change.value);
    if (toChange.length > 0) {
      // column and cast come from CHANGES (our constants), never from input
      await tx.$executeRaw(sql`
        UPDATE wallet_account SET ${raw(change.column)} = ${change.value}::${raw(`"${change.cast}"`)}, updated_at = now()
        WHERE id = ANY(${toChange.map((r) => r.id)}::text[])`);
      await enqueueWebhookEvents(tx, walletActionEvents(action, toChange.map((r) => r.id)));
      // A label is the end of a review: the wallet leaves the queue and whoever held it is free.
      if (change.column === "review_label") await endReviews(tx, toChange.map((r) => r.id));
      const field = change.column === "status" ? "status" : "reviewLabel";
      for (const r of toChange) {
        await writeAudit(tx, actor, {
          action: change.audit,
          targetType: "account",
          targetId: r.id,
          reason: input.reason,
          before: { [field]: current(r) },
          after: { [field]: change.value, ...(ids.length > 1 ? { bulkCount: ids.length } : {}) },
        });
      }
    }
    return { changed: toChange.length, unchanged: before.length - toChange.length };
  });
}
