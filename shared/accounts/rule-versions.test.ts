import { describe, expect, it } from "vitest";
import { DEFAULT_FLAG_THRESHOLD, SCORING_RULES, scoreAccount, type AccountFacts } from "./index.ts";
import {
  DEFAULT_SCORE_BANDS,
  bandOutcome,
  codeDefaults,
  diffVersions,
  effectiveSettings,
  rulesForSettings,
  validateBands,
  validateDraft,
  type RuleSettings,
} from "./rule-versions.ts";
import type { ScoringRule } from "./scoring-types.ts";

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
