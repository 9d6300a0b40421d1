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
import type { Queryable } from "./facts.ts";
import { Params } from "./list.ts";

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
  const p = new Params();
  // An account an analyst cleared as LEGITIMATE is not flagged for the platform, whatever its score.
  const where = ["a.flagged_at IS NOT NULL", `a.risk_score >= ${p.add(q.minScore ?? DEFAULT_FLAG_THRESHOLD)}`, "a.review_label IS DISTINCT FROM 'LEGITIMATE'"];
  if (q.since) where.push(`a.flagged_at >= ${p.add(new Date(q.since))}`);
  if (q.cursor) {
    const c = decode(q.cursor);
    if (!c) throw new AppError("VALIDATION_FAILED", "The cursor is not one this API gave out; start again without it.", { details: { field: "cursor" } });
    const at = p.add(c.flaggedAt);
    where.push(`a.flagged_at <= ${at} AND (a.flagged_at < ${at} OR a.id > ${p.add(c.id)})`);
  }
  const { rows } = await db.query<{ id: string; risk_score: number; risk_reasons: StoredReason[]; flagged_at: Date; status: "ACTIVE" | "FROZEN" }>(
    `SELECT a.id, a.risk_score, a.risk_reasons, a.flagged_at, a.status::text AS status FROM wallet_account a
     WHERE ${where.join(" AND ")} ORDER BY a.flagged_at DESC, a.id ASC LIMIT ${p.add(q.limit + 1)}`,
    p.values,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    accounts: page.map((r) => ({ accountId: r.id, score: r.risk_score, reasons: r.risk_reasons.map((x) => x.code), flaggedAt: r.flagged_at.toISOString(), status: r.status })),
    nextCursor: rows.length > q.limit && last ? encode(last.flagged_at, last.id) : null,
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
