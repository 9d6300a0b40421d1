import { describe, expect, it } from "vitest";
import { flaggedAsOf, isFraudulentWalletAsOf, labelAsOf } from "./fraud.ts";

const t = (m: number) => new Date(Date.UTC(2026, 11, 1, 0, m));

describe("a wallet as it was at a time (#18 regulator report)", () => {
  it("takes the label the first change after the time replaced, else today's label", () => {
    const changes = [
      { changedAt: t(10), labelBefore: null },
      { changedAt: t(20), labelBefore: "CONFIRMED_FRAUD" as const },
    ];
    expect(labelAsOf("LEGITIMATE", changes, t(5))).toBeNull();
    expect(labelAsOf("LEGITIMATE", changes, t(10))).toBe("CONFIRMED_FRAUD"); // a change at the time counts
    expect(labelAsOf("LEGITIMATE", changes, t(19))).toBe("CONFIRMED_FRAUD");
    expect(labelAsOf("LEGITIMATE", changes, t(20))).toBe("LEGITIMATE");
    expect(labelAsOf("CONFIRMED_FRAUD", [], t(0))).toBe("CONFIRMED_FRAUD"); // no recorded change: as today
  });

  it("counts the score's flag from flagged_at, and today's score only when it was written by then", () => {
    expect(flaggedAsOf({ riskScore: 90, flaggedAt: t(10), scoredAt: t(10) }, t(9))).toBe(false);
    expect(flaggedAsOf({ riskScore: 90, flaggedAt: t(10), scoredAt: t(10) }, t(10))).toBe(true);
    expect(flaggedAsOf({ riskScore: 20, flaggedAt: t(10), scoredAt: t(15) }, t(12))).toBe(true); // fell after the time
    expect(flaggedAsOf({ riskScore: 20, flaggedAt: t(10), scoredAt: t(15) }, t(15))).toBe(false);
    expect(flaggedAsOf({ riskScore: 90, flaggedAt: null, scoredAt: null }, t(15))).toBe(false);
  });

  it("lets the label then win over the flag then", () => {
    const w = { riskScore: 90, flaggedAt: t(0), scoredAt: t(0), reviewLabel: "LEGITIMATE" as const, labelChanges: [{ changedAt: t(30), labelBefore: null }] };
    expect(isFraudulentWalletAsOf(w, t(29))).toBe(true);
    expect(isFraudulentWalletAsOf(w, t(30))).toBe(false);
    const confirmedLater = { riskScore: 10, flaggedAt: null, scoredAt: t(0), reviewLabel: "CONFIRMED_FRAUD" as const, labelChanges: [{ changedAt: t(30), labelBefore: null }] };
    expect(isFraudulentWalletAsOf(confirmedLater, t(29))).toBe(false);
    expect(isFraudulentWalletAsOf(confirmedLater, t(31))).toBe(true);
  });
});
