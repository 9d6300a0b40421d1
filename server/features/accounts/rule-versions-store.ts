// What scoring reads of the rule versions (#16): the active version's rule table and the score
// bands, in one query per scoring chunk (a version's settings are fixed once it leaves DRAFT, so the
// table built from them is cached by version id), and the automatic freeze of the bands.
import { z } from "zod";
import { SCORING_RULES, type ScoringRule } from "../../../shared/accounts/index.ts";
import { DEFAULT_SCORE_BANDS, rulesForSettings, type RuleSettings, type ScoreBands } from "../../../shared/accounts/rule-versions.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { rows, sql, type Queryable } from "../../db/sql.ts";
import type { Actor } from "../audit/write-audit.ts";
import { runWithoutSession } from "../auth/session-guard.ts";
import { applyAccountAction } from "./actions.ts";

/** app_setting key of the score bands (JSON ScoreBands). */
export const SCORE_BANDS_KEY = "accounts.scoreBands";

export const ScoreBandsValue = z.object({ autoFreeze: z.boolean(), freezeFrom: z.number().int().min(0).max(100) });

export function parseBands(value: unknown): ScoreBands {
  const p = ScoreBandsValue.safeParse(value);
  return p.success ? p.data : DEFAULT_SCORE_BANDS;
}

export const RuleSettingsValue = z.record(
  z.string().max(64),
  z.object({ enabled: z.boolean(), points: z.number(), params: z.record(z.string().max(64), z.number()) }),
);

export function parseSettings(value: unknown): RuleSettings {
  const p = RuleSettingsValue.safeParse(value);
  return p.success ? p.data : {};
}

export interface ScoringPolicy {
  /** The active version (null only if the table has none: then the code table scores). */
  versionId: number | null;
  rules: readonly ScoringRule[];
  bands: ScoreBands;
}

const tables = new Map<number, readonly ScoringRule[]>();

/** The active rule version's table and the bands, as the database has them now. */
export async function scoringPolicy(db: Queryable): Promise<ScoringPolicy> {
  const [r] = await rows<{ id: number | null; bands: unknown }>(db, sql`
    SELECT (SELECT id FROM rule_version WHERE state = 'ACTIVE') AS id,
           (SELECT value FROM app_setting WHERE key = ${SCORE_BANDS_KEY}) AS bands`);
  const bands = parseBands(r?.bands);
  if (r?.id == null) return { versionId: null, rules: SCORING_RULES, bands };
  let rules = tables.get(r.id);
  if (!rules) {
    const [v] = await rows<{ settings: unknown }>(db, sql`SELECT settings FROM rule_version WHERE id = ${r.id}::int`);
    rules = rulesForSettings(parseSettings(v?.settings));
    tables.set(r.id, rules);
  }
  return { versionId: r.id, rules, bands };
}

/** The rule table of any stored version (for backtests: a draft's settings may change, so not cached). */
export async function versionRules(db: Queryable, id: number): Promise<readonly ScoringRule[] | null> {
  const [v] = await rows<{ settings: unknown }>(db, sql`SELECT settings FROM rule_version WHERE id = ${id}::int`);
  return v ? rulesForSettings(parseSettings(v.settings)) : null;
}

/** Who the audit log names for the automatic freeze of the score bands. */
export const AUTO_FREEZE_ACTOR: Actor = { id: null, email: "system:score-bands", role: null };

/**
 * Freezes wallets whose score entered the freeze band, through the staff freeze action (the status
 * change, its webhook event and one audit record per wallet, by AUTO_FREEZE_ACTOR, in one
 * transaction). A failure is logged, not thrown: the scores are committed either way.
 */
export async function autoFreeze(prisma: PrismaClient, accountIds: readonly string[], policy: ScoringPolicy): Promise<void> {
  const reason = `Score at or above the automatic freeze band (${policy.bands.freezeFrom}) under rule version ${policy.versionId ?? "code"}.`;
  try {
    for (let i = 0; i < accountIds.length; i += 500) {
      await runWithoutSession(() => applyAccountAction(prisma, AUTO_FREEZE_ACTOR, "freeze", { accountIds: accountIds.slice(i, i + 500), reason }));
    }
  } catch (err) {
    console.error("[accounts] automatic freeze failed; the wallets stay in the review queue", err);
  }
}
