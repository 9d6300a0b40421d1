import { describe, expect, it } from "vitest";
import {
  applyChargePolicy,
  bindingLimit,
  jstDayStart,
  jstMonthStart,
  STEP_UP_FRESH_MINUTES,
  stepUpApplies,
  stepUpSatisfied,
  type ChargePolicy,
} from "./charge-policy.ts";
import { decideCharge, reverificationGate, type LinkForDecision, type SuspensionLike } from "./rules.ts";

const d = (s: string) => new Date(s);
const MIN = 60_000;
const none: ChargePolicy = { perChargeYen: null, perDayYen: null, perMonthYen: null, stepUp: "NONE", stepUpCutoffAt: null, stepUpSince: null };
const limits2020: ChargePolicy = { ...none, perChargeYen: 100_000, perMonthYen: 300_000 };
const link = { registeredAt: d("2020-08-01T00:00:00Z") };
const at = d("2020-09-10T03:00:00Z");

describe("JST windows", () => {
  it("a JST day starts at 15:00 UTC the day before", () => {
    expect(jstDayStart(d("2020-09-10T14:59:59.999Z")).toISOString()).toBe("2020-09-09T15:00:00.000Z");
    expect(jstDayStart(d("2020-09-10T15:00:00.000Z")).toISOString()).toBe("2020-09-10T15:00:00.000Z");
  });
  it("a JST month starts on the 1st at 00:00 JST, across the year's end", () => {
    expect(jstMonthStart(d("2020-09-30T14:59:59.999Z")).toISOString()).toBe("2020-08-31T15:00:00.000Z");
    expect(jstMonthStart(d("2020-09-30T15:00:00.000Z")).toISOString()).toBe("2020-09-30T15:00:00.000Z");
    expect(jstMonthStart(d("2020-12-31T15:00:00.000Z")).toISOString()).toBe("2020-12-31T15:00:00.000Z");
    expect(jstMonthStart(d("2021-01-01T03:00:00.000Z")).toISOString()).toBe("2020-12-31T15:00:00.000Z");
  });
});

describe("limits at the edges", () => {
  it("exactly the limit is allowed, one yen more is denied", () => {
    expect(applyChargePolicy({ policy: limits2020, usage: { dayYen: 0, monthYen: 0 }, amountYen: 100_000, link, verifiedAt: null, at }).decision).toBe("allow");
    const over = applyChargePolicy({ policy: limits2020, usage: { dayYen: 0, monthYen: 0 }, amountYen: 100_001, link, verifiedAt: null, at });
    expect(over).toEqual({ decision: "deny", reason: "CHARGE_LIMIT_PER_CHARGE", limit: { kind: "PER_CHARGE", limitYen: 100_000, usedYen: 0, availableYen: 100_000 } });
  });
  it("the month's remainder binds once it is below the per-charge limit", () => {
    const usage = { dayYen: 0, monthYen: 250_000 };
    expect(bindingLimit(limits2020, usage)).toEqual({ kind: "MONTH", limitYen: 300_000, usedYen: 250_000, availableYen: 50_000 });
    expect(applyChargePolicy({ policy: limits2020, usage, amountYen: 50_000, link, verifiedAt: null, at }).decision).toBe("allow");
    const r = applyChargePolicy({ policy: limits2020, usage, amountYen: 50_001, link, verifiedAt: null, at });
    expect(r.decision === "deny" && r.reason).toBe("CHARGE_LIMIT_MONTH");
  });
  it("used beyond the limit leaves 0 available, never negative", () => {
    expect(bindingLimit({ ...none, perDayYen: 10_000 }, { dayYen: 12_000, monthYen: 12_000 })).toEqual({ kind: "DAY", limitYen: 10_000, usedYen: 12_000, availableYen: 0 });
  });
  it("ties go to the per-charge limit, then the day", () => {
    expect(bindingLimit({ ...none, perChargeYen: 5_000, perDayYen: 5_000, perMonthYen: 5_000 }, { dayYen: 0, monthYen: 0 })?.kind).toBe("PER_CHARGE");
    expect(bindingLimit({ ...none, perDayYen: 5_000, perMonthYen: 6_000 }, { dayYen: 0, monthYen: 1_000 })?.kind).toBe("DAY");
  });
  it("no limits set: nothing binds", () => {
    expect(bindingLimit(none, { dayYen: 1e6, monthYen: 1e6 })).toBeNull();
    expect(applyChargePolicy({ policy: none, usage: { dayYen: 1e6, monthYen: 1e6 }, amountYen: 1e6, link, verifiedAt: null, at })).toEqual({ decision: "allow", limit: null });
  });
});

describe("step-up", () => {
  const cutoff = d("2020-09-01T00:00:00Z");
  const afterCutoff: ChargePolicy = { ...none, stepUp: "AFTER_CUTOFF", stepUpCutoffAt: cutoff, stepUpSince: d("2020-09-10T00:00:00Z") };
  it("AFTER_CUTOFF: a link linked at the cutoff must verify, one a millisecond before need not", () => {
    expect(stepUpApplies(afterCutoff, { registeredAt: cutoff })).toBe(true);
    expect(stepUpApplies(afterCutoff, { registeredAt: new Date(cutoff.getTime() - 1) })).toBe(false);
    // a link changed after the cutoff counts as linked then
    expect(stepUpApplies(afterCutoff, { registeredAt: d("2020-01-01T00:00:00Z"), changedAt: cutoff })).toBe(true);
    expect(stepUpApplies({ ...none, stepUp: "ALL" }, { registeredAt: d("2000-01-01T00:00:00Z") })).toBe(true);
    expect(stepUpApplies(none, { registeredAt: cutoff })).toBe(false);
  });
  it("a verification counts from the requirement's start, for STEP_UP_FRESH_MINUTES", () => {
    const since = afterCutoff.stepUpSince!;
    expect(stepUpSatisfied(afterCutoff, new Date(since.getTime() - 1), new Date(since.getTime() + MIN))).toBe(false);
    expect(stepUpSatisfied(afterCutoff, since, new Date(since.getTime() + MIN))).toBe(true);
    expect(stepUpSatisfied(afterCutoff, since, new Date(since.getTime() + STEP_UP_FRESH_MINUTES * MIN))).toBe(true);
    expect(stepUpSatisfied(afterCutoff, since, new Date(since.getTime() + STEP_UP_FRESH_MINUTES * MIN + 1))).toBe(false);
    expect(stepUpSatisfied(afterCutoff, new Date(at.getTime() + 1), at)).toBe(false); // not in the future
    expect(stepUpSatisfied(afterCutoff, null, at)).toBe(false);
  });
});

describe("precedence deny > challenge > allow", () => {
  const both: ChargePolicy = { ...limits2020, stepUp: "ALL", stepUpCutoffAt: null, stepUpSince: d("2020-09-01T00:00:00Z") };
  const l: LinkForDecision = { bankCode: "0125", registeredAt: d("2020-08-01T00:00:00Z"), status: "ACTIVE" };
  const account = { status: "ACTIVE" as const };
  const usage = { dayYen: 0, monthYen: 0 };
  it("a limit exceeded denies even when step-up would challenge", () => {
    expect(decideCharge({ link: l, account, suspensions: [], at, policy: both, usage, amountYen: 100_001, verifiedAt: null }).decision).toBe("deny");
  });
  it("within limits, step-up challenges; verified just now it allows, carrying the limit", () => {
    expect(decideCharge({ link: l, account, suspensions: [], at, policy: both, usage, amountYen: 1_000, verifiedAt: null })).toEqual({
      decision: "challenge",
      reason: "STEP_UP_REQUIRED",
      limit: { kind: "PER_CHARGE", limitYen: 100_000, usedYen: 0, availableYen: 100_000 },
    });
    expect(decideCharge({ link: l, account, suspensions: [], at, policy: both, usage, amountYen: 1_000, verifiedAt: new Date(at.getTime() - MIN) }).decision).toBe("allow");
  });
  it("the suspension rules' denies come first", () => {
    const s: SuspensionLike = { id: "s1", bankCode: "0125", scopes: ["CHARGE"], startsAt: d("2020-09-01T00:00:00Z"), cutoffAt: d("2020-09-01T00:00:00Z"), quarantine: false };
    expect(decideCharge({ link: l, account, suspensions: [s], at, policy: both, usage, amountYen: 1_000, verifiedAt: null })).toEqual({ decision: "deny", reason: "BANK_CHARGES_SUSPENDED", suspensionId: "s1" });
    expect(decideCharge({ link: l, account: { status: "FROZEN" }, suspensions: [], at, policy: both, usage, amountYen: 1_000, verifiedAt: null }).reason).toBe("ACCOUNT_FROZEN");
  });
  it("no policy: the answer is as before", () => {
    expect(decideCharge({ link: l, account, suspensions: [], at })).toEqual({ decision: "allow", reason: "ALLOWED" });
  });
});

describe("re-verification gate timing", () => {
  const cutoff = d("2020-09-05T00:00:00Z");
  const gateAfter = d("2020-09-09T00:00:00Z");
  const s: SuspensionLike = { id: "s1", bankCode: "0125", scopes: ["CHARGE"], startsAt: cutoff, cutoffAt: cutoff, quarantine: false, gateVerifiedAfter: gateAfter };
  const old: LinkForDecision = { bankCode: "0125", registeredAt: d("2020-08-01T00:00:00Z"), status: "ACTIVE" };
  const account = { status: "ACTIVE" as const };
  it("a grandfathered link waits until a verification at or after the gate's instant (not one a millisecond before)", () => {
    expect(reverificationGate(old, s, new Date(gateAfter.getTime() - 1), at)).toBe("WAITING");
    expect(reverificationGate(old, s, gateAfter, at)).toBe("REVERIFIED");
    expect(reverificationGate(old, s, null, at)).toBe("WAITING");
    expect(reverificationGate(old, s, new Date(at.getTime() + 1), at)).toBe("WAITING"); // not in the future
  });
  it("links linked at or after the cutoff never pass the gate; no gate: as before", () => {
    expect(reverificationGate({ registeredAt: cutoff, bankCode: "0125" }, s, at, at)).toBe("NOT_GRANDFATHERED");
    expect(reverificationGate(old, { ...s, gateVerifiedAfter: null }, at, at)).toBe("NO_GATE");
  });
  it("decisions: REVERIFICATION_REQUIRED until re-verified, then the policy applies; other links stay suspended", () => {
    expect(decideCharge({ link: old, account, suspensions: [s], at, verifiedAt: null })).toEqual({ decision: "deny", reason: "REVERIFICATION_REQUIRED", suspensionId: "s1" });
    expect(decideCharge({ link: old, account, suspensions: [s], at, verifiedAt: gateAfter })).toEqual({ decision: "allow", reason: "ALLOWED" });
    expect(decideCharge({ link: old, account, suspensions: [s], at, verifiedAt: gateAfter, policy: limits2020, usage: { dayYen: 0, monthYen: 0 }, amountYen: 200_000 }).reason).toBe("CHARGE_LIMIT_PER_CHARGE");
    const fresh: LinkForDecision = { bankCode: "0125", registeredAt: d("2020-09-06T00:00:00Z"), status: "ACTIVE" };
    expect(decideCharge({ link: fresh, account, suspensions: [s], at, verifiedAt: gateAfter })).toEqual({ decision: "deny", reason: "BANK_CHARGES_SUSPENDED", suspensionId: "s1" });
  });
});
