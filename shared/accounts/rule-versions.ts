// Rule versions as data (#16): the rule catalogue stays code (SCORING_RULES: each rule's logic, keyed
// by its code), and a version is the per-rule settings analysts may change: enabled, points and the
// named thresholds (params). Stored in rule_version (draft → active → retired; exactly one active).
// A rule the version does not mention (a rule added to the code after the version was written) runs
// with its code defaults, so a new rule appears in every version without a migration.
// The ring signals (RING, LOCKSTEP: ring-settings.ts) are entries of a version too, after the rule
// table's rules: enabled, points and named params, their code defaults today's constants.
// Pure: validating a draft, the difference between two versions, the rule table a version gives, its
// ring settings and the outcome of a score under the bands.
import { SCORE_MAX, SCORING_RULES } from "./rules.ts";
import { RING_SETTING_CODES, RING_SETTING_RULES, ringPolicyOfEntries, type RingPolicy, type SettingsRule } from "./ring-settings.ts";
import type { ReasonCode, ScoringRule } from "./scoring-types.ts";

/** Every entry a version holds: the rule table's rules, then the ring signals. */
export const SETTINGS_CATALOGUE: readonly SettingsRule[] = [...SCORING_RULES, ...RING_SETTING_RULES];

export const RULE_VERSION_STATES = ["DRAFT", "ACTIVE", "RETIRED"] as const;
export type RuleVersionState = (typeof RULE_VERSION_STATES)[number];

export interface RuleSetting {
  enabled: boolean;
  points: number;
  params: Record<string, number>;
}

/** What a version stores: settings by rule code (a missing rule: its code defaults). */
export type RuleSettings = Record<string, RuleSetting>;

/** A rule's settings as the code defines them (version 1 = these for every rule). */
export function codeDefaults(catalogue: readonly SettingsRule[] = SETTINGS_CATALOGUE): RuleSettings {
  const out: RuleSettings = {};
  for (const r of catalogue) out[r.code] = { enabled: true, points: r.points, params: { ...r.params } };
  return out;
}

/**
 * Every catalogue rule's effective settings under `settings`: stored values where present (only the
 * params the code still defines), code defaults for the rest. Rules no longer in the code are dropped.
 */
export function effectiveSettings(settings: RuleSettings, catalogue: readonly SettingsRule[] = SETTINGS_CATALOGUE): RuleSettings {
  const out: RuleSettings = {};
  for (const r of catalogue) {
    const s = settings[r.code];
    const params: Record<string, number> = { ...r.params };
    if (s) for (const k of Object.keys(params)) if (typeof s.params?.[k] === "number") params[k] = s.params[k];
    out[r.code] = s ? { enabled: s.enabled, points: s.points, params } : { enabled: true, points: r.points, params };
  }
  return out;
}

/** The rule table a version gives: enabled rules only, each with the version's points and params. */
export function rulesForSettings(settings: RuleSettings, catalogue: readonly ScoringRule[] = SCORING_RULES): ScoringRule[] {
  const eff = effectiveSettings(settings, catalogue);
  return catalogue.filter((r) => eff[r.code].enabled).map((r) => ({ ...r, points: eff[r.code].points, params: eff[r.code].params }));
}

/** The ring settings a version gives (a version without RING/LOCKSTEP entries: the code's). */
export function ringPolicyOf(settings: RuleSettings): RingPolicy {
  const eff = effectiveSettings(settings, RING_SETTING_RULES);
  return ringPolicyOfEntries(eff.RING, eff.LOCKSTEP);
}

export type DraftProblemKind =
  | "UNKNOWN_RULE"
  | "UNKNOWN_PARAM"
  | "POINTS_RANGE"
  | "PARAM_RANGE"
  | "RATIO_RANGE"
  | "SECONDARY_POINTS_ABOVE_POINTS"
  | "NOTHING_ENABLED";

export interface DraftProblem {
  kind: DraftProblemKind;
  code?: string;
  param?: string;
  /** English words (the UI shows its own words per kind). */
  message: string;
}

/** Params that are shares or ratios (0..1). */
function isRatio(param: string): boolean {
  return /(Ratio|Share|RatioMin)$/.test(param);
}
/** Params that are points given in a weaker case of the rule (never more than the rule's points). */
function isSecondaryPoints(param: string): boolean {
  return /Points$/.test(param);
}
/** Params that count things or minutes: whole numbers. */
const PARAM_MAX = 1_000_000_000;

/** Problems that keep a draft from being saved or activated (empty: valid). */
export function validateDraft(settings: RuleSettings, catalogue: readonly SettingsRule[] = SETTINGS_CATALOGUE): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const byCode = new Map(catalogue.map((r) => [r.code as string, r]));
  for (const [code, s] of Object.entries(settings)) {
    const rule = byCode.get(code);
    if (!rule) {
      problems.push({ kind: "UNKNOWN_RULE", code, message: `${code} is not a rule the scoring knows.` });
      continue;
    }
    if (!Number.isInteger(s.points) || s.points < 0 || s.points > SCORE_MAX) {
      problems.push({ kind: "POINTS_RANGE", code, message: `${code}: points must be a whole number from 0 to ${SCORE_MAX}.` });
    }
    for (const [param, v] of Object.entries(s.params ?? {})) {
      if (!(param in rule.params)) {
        problems.push({ kind: "UNKNOWN_PARAM", code, param, message: `${code} has no threshold ${param}.` });
        continue;
      }
      const b = rule.bounds?.[param];
      if (b && (!Number.isFinite(v) || v < b.min || v > b.max || (b.whole && !Number.isInteger(v)))) {
        problems.push({ kind: "PARAM_RANGE", code, param, message: `${code}.${param} must be a ${b.whole ? "whole number" : "number"} from ${b.min} to ${b.max}${b.unit === "share" ? " (a share)" : ` (${b.unit})`}.` });
      } else if (b && isSecondaryPoints(param) && v > s.points) {
        problems.push({ kind: "SECONDARY_POINTS_ABOVE_POINTS", code, param, message: `${code}.${param} must be a whole number no higher than the rule's points (${s.points}).` });
      } else if (b) {
        continue;
      } else if (!Number.isFinite(v) || v < 0 || v > PARAM_MAX) {
        problems.push({ kind: "PARAM_RANGE", code, param, message: `${code}.${param} must be a number from 0 to ${PARAM_MAX}.` });
      } else if (isRatio(param) && v > 1) {
        problems.push({ kind: "RATIO_RANGE", code, param, message: `${code}.${param} is a share: from 0 to 1.` });
      } else if (isSecondaryPoints(param) && (!Number.isInteger(v) || v > s.points)) {
        problems.push({ kind: "SECONDARY_POINTS_ABOVE_POINTS", code, param, message: `${code}.${param} must be a whole number no higher than the rule's points (${s.points}).` });
      }
    }
  }
  const eff = effectiveSettings(settings, catalogue);
  // the ring signals alone flag nobody (their points go to wallets near ones the rule table flags)
  if (!Object.entries(eff).some(([code, s]) => !RING_SETTING_CODES.has(code) && s.enabled && s.points > 0)) {
    problems.push({ kind: "NOTHING_ENABLED", message: "At least one rule must be enabled with points." });
  }
  return problems;
}

export interface RuleChange {
  code: string;
  /** "enabled", "points" or a param's name */
  field: string;
  before: number | boolean;
  after: number | boolean;
}

/** What changes from version `from` to version `to`, rule by rule in catalogue order (effective values). */
export function diffVersions(from: RuleSettings, to: RuleSettings, catalogue: readonly SettingsRule[] = SETTINGS_CATALOGUE): RuleChange[] {
  const a = effectiveSettings(from, catalogue);
  const b = effectiveSettings(to, catalogue);
  const out: RuleChange[] = [];
  for (const r of catalogue) {
    const x = a[r.code];
    const y = b[r.code];
    if (x.enabled !== y.enabled) out.push({ code: r.code, field: "enabled", before: x.enabled, after: y.enabled });
    if (x.points !== y.points) out.push({ code: r.code, field: "points", before: x.points, after: y.points });
    for (const k of Object.keys(r.params)) {
      if (x.params[k] !== y.params[k]) out.push({ code: r.code, field: k, before: x.params[k], after: y.params[k] });
    }
  }
  return out;
}

// ---------- score bands ----------

/**
 * What a score leads to: below the flag threshold nothing; from it, a place in the review queue;
 * at or above freezeFrom, when autoFreeze is on, the wallet is frozen automatically (and still
 * reviewed). autoFreeze is OFF by default.
 */
export interface ScoreBands {
  autoFreeze: boolean;
  freezeFrom: number;
}

export const DEFAULT_SCORE_BANDS: ScoreBands = { autoFreeze: false, freezeFrom: 90 };

export type BandOutcome = "NONE" | "REVIEW" | "FREEZE";

export function bandOutcome(score: number, bands: ScoreBands, threshold: number): BandOutcome {
  if (bands.autoFreeze && score >= bands.freezeFrom && score >= threshold) return "FREEZE";
  if (score >= threshold) return "REVIEW";
  return "NONE";
}

/** Problems with a band setting: the freeze band starts at or above the flag threshold, within the score range. */
export function validateBands(bands: ScoreBands, threshold: number): string[] {
  const out: string[] = [];
  if (!Number.isInteger(bands.freezeFrom) || bands.freezeFrom < threshold || bands.freezeFrom > SCORE_MAX) {
    out.push(`The freeze band must start at a whole score from the flag threshold (${threshold}) to ${SCORE_MAX}.`);
  }
  return out;
}

export type { ReasonCode };
