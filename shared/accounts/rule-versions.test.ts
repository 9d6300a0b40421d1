import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_THRESHOLD, SCORING_RULES, scoreAccount, type AccountFacts } from "./index.ts";
import {
  DEFAULT_SCORE_BANDS,
  bandOutcome,
  codeDefaults,
  diffVersions,
  effectiveSettings,
  ringPolicyOf,
  rulesForSettings,
  validateBands,
  validateDraft,
  type RuleSettings,
} from "./rule-versions.ts";
import type { ScoringRule } from "./scoring-types.ts";
import { DEFAULT_LOCKSTEP_PARAMS, DEFAULT_RING_PARAMS, judgeLockstep, ringReasons } from "./ring.ts";
import { CODE_RING_POLICY, RING_SETTING_RULES, lockstepParamsOf, ringParamsOf } from "./ring-settings.ts";

const T0 = new Date("2020-09-04T03:00:00Z");
const at = (m: number) => new Date(T0.getTime() + m * 60_000);

/** The typical September 2020 fraud wallet (as in rules.test.ts). */
function fraud(): AccountFacts {
  return {
    account: { openedAt: at(0), holderName: "ナカムラ ケンジ", carrierCustomer: false, identityVerified: false },
    links: [{ bankCode: "0125", holderName: "ｻﾄｳ ﾊﾅｺ", registeredAt: at(4), authMethod: "PIN", bankWasSpikingAtRegistration: true }],
    linkChangeCount: 0,
    distinctBankAccountsLinkedWithin24h: 1,
    maxWalletsSharingBankAccount: 1,
    walletsSharingDevice: 4,
    walletsSharingIp: 6,
    charges: [100_000, 90_000, 90_000, 20_000].map((amountYen, i) => ({ amountYen, occurredAt: at(6 + 2 * i) })),
    spends: [
      { amountYen: 150_000, occurredAt: at(14), channel: "transfer" },
      { amountYen: 126_000, occurredAt: at(20), channel: "transfer" },
    ],
  };
}

function withChange(code: string, change: Partial<RuleSettings[string]>): RuleSettings {
  const s = codeDefaults();
  s[code] = { ...s[code], ...change, params: { ...s[code].params, ...(change.params ?? {}) } };
  return s;
}

describe("rule versions", () => {
  it("version 1 (the code defaults) scores exactly as the code table", () => {
    const f = fraud();
    expect(scoreAccount(f, rulesForSettings(codeDefaults()))).toEqual(scoreAccount(f, SCORING_RULES));
    // An empty version means "code defaults" too.
    expect(scoreAccount(f, rulesForSettings({}))).toEqual(scoreAccount(f));
  });

  it("a version's points, thresholds and disabled rules change the score", () => {
    const base = scoreAccount(fraud());
    const dev = base.reasons.find((r) => r.code === "SHARED_DEVICE")!;
    expect(dev).toBeDefined();
    const off = scoreAccount(fraud(), rulesForSettings(withChange("SHARED_DEVICE", { enabled: false })));
    expect(off.reasons.map((r) => r.code)).not.toContain("SHARED_DEVICE");
    const more = scoreAccount(fraud(), rulesForSettings(withChange("SHARED_IP", { points: 9 })));
    expect(more.reasons.find((r) => r.code === "SHARED_IP")?.points).toBe(9);
    // minWallets 7 > the 6 wallets behind the IP: the rule no longer fires.
    const stricter = scoreAccount(fraud(), rulesForSettings(withChange("SHARED_IP", { params: { minWallets: 7 } })));
    expect(stricter.reasons.map((r) => r.code)).not.toContain("SHARED_IP");
  });

  it("a rule added to the code after a version was stored runs with its code defaults", () => {
    const extra: ScoringRule = { code: "PIN_ONLY_LINK", title: "x", description: "x", points: 3, params: { k: 1 }, evaluate: () => null };
    const catalogue = [...SCORING_RULES.filter((r) => r.code !== "PIN_ONLY_LINK"), extra];
    const stored = codeDefaults(SCORING_RULES.filter((r) => r.code !== "PIN_ONLY_LINK"));
    expect(effectiveSettings(stored, catalogue).PIN_ONLY_LINK).toEqual({ enabled: true, points: 3, params: { k: 1 } });
    // A stored param the code no longer has is dropped; one it gained takes its default.
    const eff = effectiveSettings({ SHARED_IP: { enabled: true, points: 5, params: { gone: 3 } } });
    expect(eff.SHARED_IP.params).toEqual({ minWallets: 5 });
  });

  it("validates a draft: unknown rules and params, ranges, shares, secondary points, nothing enabled", () => {
    expect(validateDraft(codeDefaults())).toEqual([]);
    const kinds = (s: RuleSettings) => validateDraft(s).map((p) => p.kind);
    expect(kinds({ NOPE: { enabled: true, points: 1, params: {} } })).toEqual(["UNKNOWN_RULE"]);
    expect(kinds(withChange("SHARED_IP", { params: { minWalets: 3 } }))).toEqual(["UNKNOWN_PARAM"]);
    expect(kinds(withChange("SHARED_IP", { points: 101 }))).toEqual(["POINTS_RANGE"]);
    expect(kinds(withChange("SHARED_IP", { points: 2.5 }))).toEqual(["POINTS_RANGE"]);
    expect(kinds(withChange("SHARED_IP", { params: { minWallets: -1 } }))).toEqual(["PARAM_RANGE"]);
    expect(kinds(withChange("SHARED_IP", { params: { minWallets: Number.NaN } }))).toEqual(["PARAM_RANGE"]);
    expect(kinds(withChange("RAPID_CASH_OUT", { params: { minShare: 1.2 } }))).toEqual(["RATIO_RANGE"]);
    expect(kinds(withChange("RAPID_CASH_OUT", { params: { paymentPoints: 20 } }))).toEqual(["SECONDARY_POINTS_ABOVE_POINTS"]);
    const allOff: RuleSettings = Object.fromEntries(Object.entries(codeDefaults()).map(([k, v]) => [k, { ...v, enabled: false }]));
    expect(kinds(allOff)).toEqual(["NOTHING_ENABLED"]);
  });

  it("diffs two versions rule by rule (effective values, catalogue order)", () => {
    expect(diffVersions(codeDefaults(), {})).toEqual([]);
    const to = withChange("SHARED_IP", { points: 8, params: { minWallets: 10 } });
    to.NAME_FAMILY = { ...to.NAME_FAMILY, enabled: false };
    expect(diffVersions(codeDefaults(), to)).toEqual([
      { code: "NAME_FAMILY", field: "enabled", before: true, after: false },
      { code: "SHARED_IP", field: "points", before: 5, after: 8 },
      { code: "SHARED_IP", field: "minWallets", before: 5, after: 10 },
    ]);
  });
});

describe("ring settings in a version (RING, LOCKSTEP)", () => {
  it("their code defaults are today's constants: a version without them (version 1) and version 1 as drafted give DEFAULT_RING_PARAMS and DEFAULT_LOCKSTEP_PARAMS", () => {
    expect(ringPolicyOf({})).toEqual({ ring: DEFAULT_RING_PARAMS, lockstep: DEFAULT_LOCKSTEP_PARAMS });
    expect(ringPolicyOf(codeDefaults())).toEqual({ ring: DEFAULT_RING_PARAMS, lockstep: DEFAULT_LOCKSTEP_PARAMS });
    expect(CODE_RING_POLICY).toEqual(ringPolicyOf({}));
    const d = codeDefaults();
    expect(d.RING).toEqual({ enabled: true, points: 35, params: { twoHopPoints: 15, maxWalletsDevice: 20, maxWalletsIp: 25, maxWalletsBankAccount: 6, minBad: 2, minBadShare: 0.6 } });
    expect(d.LOCKSTEP).toEqual({ enabled: true, points: 30, params: { windowMinutes: 180, minFlagged: 3, minFlaggedShare: 0.1, minTimesUsual: 2, usualDays: 7, usualSkipHours: 24 } });
    // every field of the params is a version param (nothing left as a constant)
    expect(Object.keys(ringParamsOf(d.RING)).sort()).toEqual(Object.keys(DEFAULT_RING_PARAMS).sort());
    expect(Object.keys(lockstepParamsOf(d.LOCKSTEP)).sort()).toEqual(Object.keys(DEFAULT_LOCKSTEP_PARAMS).sort());
    // every ring param has its range and unit
    for (const r of RING_SETTING_RULES) expect(Object.keys(r.bounds).sort()).toEqual(Object.keys(r.params).sort());
    // the rule table is the same with or without them
    expect(rulesForSettings(codeDefaults()).map((r) => r.code)).toEqual(SCORING_RULES.map((r) => r.code));
  });

  it("a version's values reach the params; turning a signal off gives null (no points)", () => {
    const s = withChange("LOCKSTEP", { points: 45, params: { windowMinutes: 60, minFlaggedShare: 0.25 } });
    s.RING = { ...s.RING, enabled: false };
    const p = ringPolicyOf(s);
    expect(p.ring).toBeNull();
    expect(p.lockstep).toEqual({ ...DEFAULT_LOCKSTEP_PARAMS, points: 45, windowMinutes: 60, minFlaggedShare: 0.25 });
    const r = ringPolicyOf(withChange("RING", { points: 40, params: { twoHopPoints: 20, maxWalletsIp: 40 } })).ring!;
    expect(r).toEqual({ ...DEFAULT_RING_PARAMS, oneHopPoints: 40, twoHopPoints: 20, maxWallets: { ...DEFAULT_RING_PARAMS.maxWallets, IP: 40 } });
    // a signal on with 0 points gives no reason (as a rule of the table worth 0 gives none)
    const hit = judgeLockstep({ bankCode: "0152", at: new Date("2020-09-07T09:20:00Z"), others: 4, flagged: 4, confirmed: 0, linksBefore: 0 }, { ...DEFAULT_LOCKSTEP_PARAMS, points: 0 });
    expect(hit).not.toBeNull();
    expect(ringReasons(undefined, hit)).toEqual([]);
  });

  it("validates their ranges: window 15–720 min, points 0–100, shares 0–1, whole counts, two-hop points not above one-hop", () => {
    const kinds = (s: RuleSettings) => validateDraft(s).map((p) => `${p.kind}:${p.param ?? ""}`);
    expect(kinds(withChange("LOCKSTEP", { params: { windowMinutes: 10 } }))).toEqual(["PARAM_RANGE:windowMinutes"]);
    expect(kinds(withChange("LOCKSTEP", { params: { windowMinutes: 721 } }))).toEqual(["PARAM_RANGE:windowMinutes"]);
    expect(kinds(withChange("LOCKSTEP", { params: { windowMinutes: 90.5 } }))).toEqual(["PARAM_RANGE:windowMinutes"]);
    expect(kinds(withChange("LOCKSTEP", { params: { windowMinutes: 15 } }))).toEqual([]);
    expect(kinds(withChange("LOCKSTEP", { params: { windowMinutes: 720 } }))).toEqual([]);
    expect(kinds(withChange("LOCKSTEP", { points: 101 }))).toEqual(["POINTS_RANGE:"]);
    expect(kinds(withChange("LOCKSTEP", { params: { minFlaggedShare: 1.1 } }))).toEqual(["PARAM_RANGE:minFlaggedShare"]);
    expect(kinds(withChange("LOCKSTEP", { params: { minFlagged: 0 } }))).toEqual(["PARAM_RANGE:minFlagged"]);
    expect(kinds(withChange("LOCKSTEP", { params: { minTimesUsual: 1.5 } }))).toEqual([]);
    expect(kinds(withChange("LOCKSTEP", { params: { usualDays: 0 } }))).toEqual(["PARAM_RANGE:usualDays"]);
    expect(kinds(withChange("RING", { params: { minBadShare: -0.1 } }))).toEqual(["PARAM_RANGE:minBadShare"]);
    expect(kinds(withChange("RING", { params: { maxWalletsDevice: 1 } }))).toEqual(["PARAM_RANGE:maxWalletsDevice"]);
    expect(kinds(withChange("RING", { params: { twoHopPoints: 40 } }))).toEqual(["SECONDARY_POINTS_ABOVE_POINTS:twoHopPoints"]);
    expect(kinds(withChange("RING", { params: { maxWalletsPhone: 3 } }))).toEqual(["UNKNOWN_PARAM:maxWalletsPhone"]);
    expect(validateDraft(withChange("LOCKSTEP", { params: { windowMinutes: 10 } }))[0].message).toBe("LOCKSTEP.windowMinutes must be a whole number from 15 to 720 (minutes).");
    // the ring signals alone flag nobody: they do not count as "a rule enabled"
    const onlyRing: RuleSettings = Object.fromEntries(Object.entries(codeDefaults()).map(([k, v]) => [k, { ...v, enabled: k === "RING" || k === "LOCKSTEP" }]));
    expect(kinds(onlyRing)).toEqual(["NOTHING_ENABLED:"]);
  });

  it("diffs them like the rules (after the rule table, effective values: a version without them reads as the defaults)", () => {
    const to = withChange("LOCKSTEP", { points: 50, params: { windowMinutes: 120 } });
    to.RING = { ...to.RING, enabled: false };
    expect(diffVersions({}, to)).toEqual([
      { code: "RING", field: "enabled", before: true, after: false },
      { code: "LOCKSTEP", field: "points", before: 30, after: 50 },
      { code: "LOCKSTEP", field: "windowMinutes", before: 180, after: 120 },
    ]);
    expect(diffVersions({}, codeDefaults())).toEqual([]);
  });
});

describe("score bands", () => {
  const th = DEFAULT_FLAG_THRESHOLD;
  it("auto-freeze is off by default: every flagged score is review only", () => {
    expect(DEFAULT_SCORE_BANDS.autoFreeze).toBe(false);
    expect(bandOutcome(100, DEFAULT_SCORE_BANDS, th)).toBe("REVIEW");
    expect(bandOutcome(th - 1, DEFAULT_SCORE_BANDS, th)).toBe("NONE");
    expect(bandOutcome(th, DEFAULT_SCORE_BANDS, th)).toBe("REVIEW");
  });
  it("with auto-freeze on, scores at or above the freeze band freeze; the band edge is inclusive", () => {
    const b = { autoFreeze: true, freezeFrom: 85 };
    expect(bandOutcome(84, b, th)).toBe("REVIEW");
    expect(bandOutcome(85, b, th)).toBe("FREEZE");
    expect(bandOutcome(100, b, th)).toBe("FREEZE");
    expect(bandOutcome(10, b, th)).toBe("NONE");
  });
  it("the freeze band starts between the flag threshold and the maximum", () => {
    expect(validateBands({ autoFreeze: true, freezeFrom: th - 1 }, th)).toHaveLength(1);
    expect(validateBands({ autoFreeze: true, freezeFrom: 101 }, th)).toHaveLength(1);
    expect(validateBands({ autoFreeze: true, freezeFrom: 90 }, th)).toEqual([]);
  });
});
