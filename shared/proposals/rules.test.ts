import { describe, expect, it } from "vitest";
import { coveredScopes, minutesBetween, proposalCutoff, proposalFor, proposalStepDetail, proposalStepFacts, PROPOSAL_SEVERITY_MIN, PROPOSAL_SEVERITY_MIN_PIN_ONLY } from "./rules.ts";

const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00.000Z`);
const spike = (severity: number, startedAt = at("02:10"), metric = "LINK_REGISTERED") => ({ metric, severity, startedAt });

describe("proposalFor", () => {
  it("proposes at the threshold and not just below it; the PIN-only threshold is lower", () => {
    expect(proposalFor("PIN_OTP", [spike(PROPOSAL_SEVERITY_MIN - 0.01)])).toBeNull();
    expect(proposalFor("PIN_OTP", [spike(PROPOSAL_SEVERITY_MIN)])).toMatchObject({ threshold: PROPOSAL_SEVERITY_MIN, scopes: ["REGISTRATION"] });
    expect(proposalFor("PIN", [spike(PROPOSAL_SEVERITY_MIN_PIN_ONLY - 0.01)])).toBeNull();
    expect(proposalFor("PIN", [spike(PROPOSAL_SEVERITY_MIN_PIN_ONLY)])).toMatchObject({ threshold: PROPOSAL_SEVERITY_MIN_PIN_ONLY });
    // the same spike proposes at a PIN-only bank and not at one with a second factor
    expect(proposalFor("PIN", [spike(6)])).not.toBeNull();
    expect(proposalFor("ONLINE_BANKING", [spike(6)])).toBeNull();
    expect(proposalFor("PIN", [])).toBeNull();
    expect(proposalFor("PIN", [spike(Number.NaN)])).toBeNull();
  });

  it("proposes registrations; link changes too at a PIN-only bank or far over the threshold; never charges", () => {
    expect(proposalFor("PIN", [spike(5)])!.scopes).toEqual(["REGISTRATION", "LINK_CHANGE"]);
    expect(proposalFor("CASH_CARD", [spike(15.9)])!.scopes).toEqual(["REGISTRATION"]);
    expect(proposalFor("CASH_CARD", [spike(16)])!.scopes).toEqual(["REGISTRATION", "LINK_CHANGE"]);
    expect(proposalFor("PIN", [spike(500, at("02:10"), "CHARGE_YEN")])!.scopes).not.toContain("CHARGE");
  });

  it("the trigger is the most severe open spike; the incident starts at the earliest", () => {
    const r = proposalFor("PIN_OTP", [spike(3, at("01:40")), spike(12, at("02:10"), "CHARGE_YEN"), spike(9, at("02:00"))])!;
    expect(r.trigger).toMatchObject({ severity: 12, metric: "CHARGE_YEN" });
    expect(r.incidentStartedAt).toEqual(at("01:40"));
  });
});

describe("proposalCutoff", () => {
  const now = at("03:00");
  it("is the suspend dialog's suggestion when an alarm gives one", () => {
    expect(proposalCutoff([{ startedAt: at("01:55"), endedAt: null, acknowledged: false }], at("02:10"), now)).toEqual({ at: at("01:55"), basis: "OPEN" });
    expect(proposalCutoff([{ startedAt: at("01:55"), endedAt: null, acknowledged: true }], at("02:10"), now)).toEqual({ at: at("01:55"), basis: "OPEN_ACKNOWLEDGED" });
  });
  it("falls back to the incident's first spike without an alarm, never later than now", () => {
    expect(proposalCutoff([], at("02:10"), now)).toEqual({ at: at("02:10"), basis: "SPIKE" });
    expect(proposalCutoff([], at("03:05"), now)).toEqual({ at: now, basis: "SPIKE" });
    // an alarm that ended three days ago is not offered
    expect(proposalCutoff([{ startedAt: at("01:00"), endedAt: new Date(now.getTime() - 72 * 3600_000), acknowledged: false }], at("02:10"), now).basis).toBe("SPIKE");
  });
});

describe("coveredScopes", () => {
  const now = at("03:00");
  it("lists the proposed scopes an active or scheduled suspension holds; a lifted one holds none", () => {
    expect(coveredScopes(["REGISTRATION", "LINK_CHANGE"], [], now)).toEqual([]);
    expect(coveredScopes(["REGISTRATION", "LINK_CHANGE"], [{ scopes: ["REGISTRATION", "CHARGE"] }], now)).toEqual(["REGISTRATION"]);
    expect(coveredScopes(["REGISTRATION", "LINK_CHANGE"], [{ scopes: ["REGISTRATION"], liftedAt: at("02:59") }], now)).toEqual([]);
    expect(coveredScopes(["REGISTRATION"], [{ scopes: ["REGISTRATION"], liftedAt: at("03:01") }], now)).toEqual(["REGISTRATION"]);
    expect(coveredScopes(["REGISTRATION", "LINK_CHANGE"], [{ scopes: ["LINK_CHANGE"] }, { scopes: ["REGISTRATION"] }], now)).toEqual(["REGISTRATION", "LINK_CHANGE"]);
  });
});

describe("minutesBetween", () => {
  it("counts whole minutes, never negative", () => {
    expect(minutesBetween(at("02:10"), at("02:17"))).toBe(7);
    expect(minutesBetween(at("02:10"), new Date(at("02:17").getTime() + 59_999))).toBe(7);
    expect(minutesBetween(at("02:17"), at("02:10"))).toBe(0);
  });
});

describe("proposal steps on the timeline", () => {
  const p = { id: "p1", incidentStartedAt: at("02:03"), createdAt: at("02:10"), decidedAt: at("02:22"), status: "CONFIRMED" as const, scopes: ["REGISTRATION" as const], cutoffAt: at("02:00") };
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  it("gives the minutes from the spike to the proposal, and from the proposal to the decision", () => {
    const created = proposalStepFacts("create", p);
    expect(created).toMatchObject({ minutesFromSpike: 7, minutesFromProposal: null });
    expect(proposalStepDetail(created, null, hhmm)).toBe("Proposed: suspend new registrations from cutoff 02:00; 7 min after the spike began (02:03)");
    const decided = proposalStepFacts("decision", p);
    expect(decided).toMatchObject({ minutesFromSpike: 19, minutesFromProposal: 12 });
    expect(proposalStepDetail(decided, "Phishing wave", hhmm)).toBe("Phishing wave; 12 min after the proposal, 19 min after the spike began (02:03)");
  });
});
