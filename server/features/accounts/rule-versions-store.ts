// What scoring reads of the rule versions (#16): the active version's rule table, its ring settings
// (RING, LOCKSTEP) and the score bands, in one query per scoring chunk (a version's settings are fixed
// once it leaves DRAFT, so what is built from them is cached by version id), and the automatic freeze
// of the bands.
import { z } from "zod";
import { SCORING_RULES, type ScoringRule } from "../../../shared/accounts/index.ts";
import { DEFAULT_SCORE_BANDS, ringPolicyOf, rulesForSettings, type RuleSettings, type ScoreBands } from "../../../shared/accounts/rule-versions.ts";
import { CODE_RING_POLICY, type RingPolicy } from "../../../shared/accounts/ring-settings.ts";
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
  /** The version's RING and LOCKSTEP params (null: turned off). */
  ring: RingPolicy;
  bands: ScoreBands;
}

/** What one version gives scoring: its rule table and its ring settings. */
export interface VersionScoring {
  rules: readonly ScoringRule[];
  ring: RingPolicy;
}

function versionScoring(settings: unknown): VersionScoring {
  const s = parseSettings(settings);
  return { rules: rulesForSettings(s), ring: ringPolicyOf(s) };
}

const tables = new Map<number, VersionScoring>();

/** The active rule version's table, its ring settings and the bands, as the database has them now. */
export async function scoringPolicy(db: Queryable): Promise<ScoringPolicy> {
  const [r] = await rows<{ id: number | null; bands: unknown }>(db, sql`
    SELECT (SELECT id FROM rule_version WHERE state = 'ACTIVE') AS id,
           (SELECT value FROM app_setting WHERE key = ${SCORE_BANDS_KEY}) AS bands`);
  const bands = parseBands(r?.bands);
  if (r?.id == null) return { versionId: null, rules: SCORING_RULES, ring: CODE_RING_POLICY, bands };
  let v = tables.get(r.id);
  if (!v) {
    const [row] = await rows<{ settings: unknown }>(db, sql`SELECT settings FROM rule_version WHERE id = ${r.id}::int`);
    v = versionScoring(row?.settings);
    tables.set(r.id, v);
  }
  return { versionId: r.id, rules: v.rules, ring: v.ring, bands };
}

/**
 * The ring options (RingOptions in scoring-ring.ts) scoring passes: the policy's, or the code's when
 * a rule table is given instead of the active version (tests; scores stored without a version).
 */
export function ringSettingsOf(policy: Pick<ScoringPolicy, "ring">, explicitRules = false): { params: RingPolicy["ring"]; lockstep: RingPolicy["lockstep"] } {
  const r = explicitRules ? CODE_RING_POLICY : policy.ring;
  return { params: r.ring, lockstep: r.lockstep };
}

/** The rule table and ring settings of any stored version (for backtests: a draft's settings may change, so not cached). */
export async function versionPolicy(db: Queryable, id: number): Promise<VersionScoring | null> {
  const [v] = await rows<{ settings: unknown }>(db, sql`SELECT settings FROM rule_version WHERE id = ${id}::int`);
  return v ? versionScoring(v.settings) : null;
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
