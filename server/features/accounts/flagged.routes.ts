// GET /api/v1/accounts/flagged: flagged wallet accounts for the wallet platform, most recently
// flagged first, with a keyset cursor over (flagged_at DESC, id) — the order of the
// wallet_account_flagged_at_id_idx index. flagged_at is the moment an account FIRST reached the
// threshold and never moves afterwards, so accounts flagged while a client pages arrive before its
// first page and never shift, skip or repeat the pages it has not read yet.
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { AppError } from "../../../shared/errors.ts";
import { parseIsoInstant, textProblem } from "../../../shared/schema-blocks.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import { ApiError, FlaggedQuery, FlaggedResponse, type StoredReason } from "../../../shared/accounts/schemas.ts";
import type { PlatformRoutes } from "../../platform-api/plugin.ts";
import { and, rows, sql, type Queryable } from "../../db/sql.ts";

function encode(flaggedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([flaggedAt.toISOString(), id]), "utf8").toString("base64url");
}

function decode(cursor: string): { flaggedAt: Date; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    // A crafted cursor must not reach PostgreSQL with what it cannot store (a NUL, year 275760).
    const instant = typeof at === "string" ? parseIsoInstant(at) : null;
    if (typeof id !== "string" || textProblem(id) || !instant || "problem" in instant) return null;
    return { flaggedAt: new Date(instant.ms), id };
  } catch {
    return null;
  }
}

export async function listFlagged(db: Queryable, q: { minScore?: number; since?: string; limit: number; cursor?: string }) {
  // An account an analyst cleared as LEGITIMATE is not flagged for the platform, whatever its score
  // (the platform's own minScore, not the console's fraud rule: a confirmed fraud below it is not listed).
  const where = [sql`a.flagged_at IS NOT NULL`, sql`a.risk_score >= ${q.minScore ?? DEFAULT_FLAG_THRESHOLD}`, sql`a.review_label IS DISTINCT FROM 'LEGITIMATE'`];
  if (q.since) where.push(sql`a.flagged_at >= ${new Date(q.since)}`);
  if (q.cursor) {
    const c = decode(q.cursor);
    if (!c) throw new AppError("VALIDATION_FAILED", "The cursor is not one this API gave out; start again without it.", { details: { field: "cursor" } });
    where.push(sql`a.flagged_at <= ${c.flaggedAt} AND (a.flagged_at < ${c.flaggedAt} OR a.id > ${c.id})`);
  }
  const found = await rows<{ id: string; risk_score: number; risk_reasons: StoredReason[]; flagged_at: Date; status: "ACTIVE" | "FROZEN"; rule_version: number | null }>(db, sql`
    SELECT a.id, a.risk_score, a.risk_reasons, a.flagged_at, a.status::text AS status, a.rule_version FROM wallet_account a
    WHERE ${and(where)} ORDER BY a.flagged_at DESC, a.id ASC LIMIT ${q.limit + 1}`);
  const page = found.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    accounts: page.map((r) => ({ accountId: r.id, score: r.risk_score, reasons: r.risk_reasons.map((x) => x.code), flaggedAt: r.flagged_at.toISOString(), status: r.status, ruleVersion: r.rule_version })),
    nextCursor: found.length > q.limit && last ? encode(last.flagged_at, last.id) : null,
  };
}

export const flaggedAccountsRoutes: PlatformRoutes = (api, { db }) => {
  api.withTypeProvider<ZodTypeProvider>().get(
    "/api/v1/accounts/flagged",
    {
      schema: {
        tags: ["accounts"],
        summary: "List flagged wallet accounts",
        description: [
          `Wallet accounts whose risk score is at least \`minScore\` (default ${DEFAULT_FLAG_THRESHOLD}, the console's flag threshold), most recently flagged first, each with the codes of the rules that fired. Accounts an analyst marked legitimate are left out.`,
          "`flaggedAt` is when an account first reached the threshold; it never changes, so paging with `nextCursor` neither skips nor repeats an account while new ones are flagged (they appear before your first page: poll again without a cursor, with `since` a little before the newest `flaggedAt` you have, and de-duplicate by `accountId`).",
        ].join("\n\n"),
        querystring: FlaggedQuery,
        response: {
          200: FlaggedResponse,
          400: ApiError,
        },
      },
    },
    async (req) => listFlagged(db.pool, req.query),
  );
};
