// The ring signals' settings as rule-version data (#16): RING (shared things) and LOCKSTEP (the time
// pattern) are entries of a rule version like the rule table's rules, with `enabled`, `points` and
// named params, so an analyst drafts, backtests, activates and rolls back a ring setting too. Their
// logic stays code (ring.ts); their code defaults are DEFAULT_RING_PARAMS and DEFAULT_LOCKSTEP_PARAMS,
// so a version that does not mention them (version 1, stored before this) scores exactly as before.
// Pure; no import of rule-versions.ts (which imports this) beyond types.
import { DEFAULT_LOCKSTEP_PARAMS, DEFAULT_RING_PARAMS, type LockstepParams, type RingParams } from "./ring.ts";

/** What a param may be in a version: its range, whole or not, and its unit (the draft editor shows it). */
export interface ParamBounds {
  min: number;
  max: number;
  whole: boolean;
  unit: "minutes" | "hours" | "days" | "points" | "share" | "wallets" | "times";
}

/** A catalogue entry of the version settings: a rule of the rule table or a ring signal. */
export interface SettingsRule {
  code: string;
  points: number;
  params: Readonly<Record<string, number>>;
  /** Ranges narrower than the generic ones (ring signals). */
  bounds?: Readonly<Record<string, ParamBounds>>;
}

export interface RingSettingsRule extends SettingsRule {
  code: "RING" | "LOCKSTEP";
  title: string;
  description: string;
  bounds: Readonly<Record<string, ParamBounds>>;
}

const wallets = (min: number, max: number): ParamBounds => ({ min, max, whole: true, unit: "wallets" });
const share: ParamBounds = { min: 0, max: 1, whole: false, unit: "share" };

/** RING and LOCKSTEP as version entries: points and params named as the draft editor shows them. */
export const RING_SETTING_RULES: readonly RingSettingsRule[] = [
  {
    code: "RING",
    title: "Shares a phone, an address or a bank account with flagged wallets",
    description:
      "Points (at one hop; twoHopPoints at two) for a wallet sharing a small thing with flagged or analyst-confirmed " +
      "wallets: at most maxWallets… wallets on it (more is a hub: an office, a university, a carrier's pool), at " +
      "least minBad flagged among the others and at least minBadShare of them (a family's phone with one flagged " +
      "member is not a ring).",
    points: DEFAULT_RING_PARAMS.oneHopPoints,
    params: {
      twoHopPoints: DEFAULT_RING_PARAMS.twoHopPoints,
      maxWalletsDevice: DEFAULT_RING_PARAMS.maxWallets.DEVICE,
      maxWalletsIp: DEFAULT_RING_PARAMS.maxWallets.IP,
      maxWalletsBankAccount: DEFAULT_RING_PARAMS.maxWallets.BANK_ACCOUNT,
      minBad: DEFAULT_RING_PARAMS.minBad,
      minBadShare: DEFAULT_RING_PARAMS.minBadShare,
    },
    bounds: {
      twoHopPoints: { min: 0, max: 100, whole: true, unit: "points" },
      maxWalletsDevice: wallets(2, 1000),
      maxWalletsIp: wallets(2, 1000),
      maxWalletsBankAccount: wallets(2, 1000),
      minBad: wallets(1, 100),
      minBadShare: share,
    },
  },
  {
    code: "LOCKSTEP",
    title: "Linked a bank in lock-step with flagged wallets",
    description:
      "Points for a link registered within windowMinutes (each way) of at least minFlagged flagged wallets linking " +
      "the same bank, when they are at least minFlaggedShare of the wallets linking it then and at least " +
      "minTimesUsual times the bank's usual links (over usualDays days ending usualSkipHours before the window; 0: " +
      "no such guard).",
    points: DEFAULT_LOCKSTEP_PARAMS.points,
    params: {
      windowMinutes: DEFAULT_LOCKSTEP_PARAMS.windowMinutes,
      minFlagged: DEFAULT_LOCKSTEP_PARAMS.minFlagged,
      minFlaggedShare: DEFAULT_LOCKSTEP_PARAMS.minFlaggedShare,
      minTimesUsual: DEFAULT_LOCKSTEP_PARAMS.minTimesUsual,
      usualDays: DEFAULT_LOCKSTEP_PARAMS.usualDays,
      usualSkipHours: DEFAULT_LOCKSTEP_PARAMS.usualSkipHours,
    },
    bounds: {
      windowMinutes: { min: 15, max: 720, whole: true, unit: "minutes" },
      minFlagged: wallets(1, 100),
      minFlaggedShare: share,
      minTimesUsual: { min: 0, max: 100, whole: false, unit: "times" },
      usualDays: { min: 1, max: 90, whole: true, unit: "days" },
      usualSkipHours: { min: 0, max: 168, whole: true, unit: "hours" },
    },
  },
];

export const RING_SETTING_CODES: ReadonlySet<string> = new Set(RING_SETTING_RULES.map((r) => r.code));

/** One version entry's values (what RuleSetting holds; repeated here to keep this file free of rule-versions.ts). */
interface Entry {
  enabled: boolean;
  points: number;
  params: Readonly<Record<string, number>>;
}

/** RingParams from a version's RING entry (effective: every param present). */
export function ringParamsOf(s: Entry): RingParams {
  const p = s.params;
  return {
    maxWallets: { DEVICE: p.maxWalletsDevice, IP: p.maxWalletsIp, BANK_ACCOUNT: p.maxWalletsBankAccount },
    minBad: p.minBad,
    minBadShare: p.minBadShare,
    oneHopPoints: s.points,
    twoHopPoints: p.twoHopPoints,
  };
}

/** LockstepParams from a version's LOCKSTEP entry (effective: every param present). */
export function lockstepParamsOf(s: Entry): LockstepParams {
  const p = s.params;
  return {
    windowMinutes: p.windowMinutes,
    minFlagged: p.minFlagged,
    minFlaggedShare: p.minFlaggedShare,
    minTimesUsual: p.minTimesUsual,
    usualDays: p.usualDays,
    usualSkipHours: p.usualSkipHours,
    points: s.points,
  };
}

/**
 * The ring settings scoring uses: each signal's params, or null when the version turns it off (its
 * points are then not given). RingOptions in server/features/accounts/scoring-ring.ts takes these.
 */
export interface RingPolicy {
  ring: RingParams | null;
  lockstep: LockstepParams | null;
}

/** The code's ring settings (a rule table given explicitly, tests: no version). */
export const CODE_RING_POLICY: RingPolicy = { ring: DEFAULT_RING_PARAMS, lockstep: DEFAULT_LOCKSTEP_PARAMS };

/** The ring policy of a version's effective RING and LOCKSTEP entries. */
export function ringPolicyOfEntries(ring: Entry, lockstep: Entry): RingPolicy {
  return { ring: ring.enabled ? ringParamsOf(ring) : null, lockstep: lockstep.enabled ? lockstepParamsOf(lockstep) : null };
}
