import { describe, expect, it } from "vitest";
import {
  activeSuspensionFor,
  decideCharge,
  decideLinkChange,
  decideLinkRegistration,
  impactSummary,
  isGrandfathered,
  isSuspensionActive,
  planSuspensions,
  shouldQuarantine,
  type LinkForDecision,
  type SuspensionLike,
} from "./rules.ts";
import { SuspendInput, ChargeDecisionRequest, QuarantineActionInput } from "./schemas.ts";

const BANK = "0125";
const OTHER = "9900";
const t = (iso: string) => new Date(iso);
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

const cutoffAt = t("2020-09-01T00:00:00.000Z");
const startsAt = t("2020-09-05T00:00:00.000Z");

function suspension(over: Partial<SuspensionLike> = {}): SuspensionLike {
  return {
    id: "s-1",
    bankCode: BANK,
    scopes: ["REGISTRATION", "LINK_CHANGE"],
    startsAt,
    cutoffAt,
    quarantine: true,
    liftedAt: null,
    ...over,
  };
}
function link(over: Partial<LinkForDecision> = {}): LinkForDecision {
  return { bankCode: BANK, registeredAt: t("2019-01-01T00:00:00Z"), status: "ACTIVE", ...over };
}
const active = { status: "ACTIVE" as const };
const frozen = { status: "FROZEN" as const };

describe("isSuspensionActive", () => {
  it("is inactive before start, active at start, inactive at and after lift", () => {
    const s = suspension({ liftedAt: t("2020-09-10T00:00:00Z") });
    expect(isSuspensionActive(s, ms(startsAt, -1))).toBe(false);
    expect(isSuspensionActive(s, startsAt)).toBe(true);
    expect(isSuspensionActive(s, ms(t("2020-09-10T00:00:00Z"), -1))).toBe(true);
    expect(isSuspensionActive(s, t("2020-09-10T00:00:00Z"))).toBe(false);
  });
});

describe("grandfathering and quarantine around the cutoff", () => {
  const s = suspension();
  it("a link registered 1 ms before the cutoff is grandfathered and not quarantined", () => {
    const l = { registeredAt: ms(cutoffAt, -1) };
    expect(isGrandfathered(l, s)).toBe(true);
    expect(shouldQuarantine(l, s)).toBe(false);
  });
  it("a link registered exactly at the cutoff is quarantined (the cutoff is the first fraudulent link)", () => {
    const l = { registeredAt: cutoffAt };
    expect(isGrandfathered(l, s)).toBe(false);
    expect(shouldQuarantine(l, s)).toBe(true);
  });
  it("a link registered after the cutoff is quarantined", () => {
    expect(shouldQuarantine({ registeredAt: ms(cutoffAt, 1) }, s)).toBe(true);
  });
  it("quarantine off: after-cutoff links are neither grandfathered nor quarantined", () => {
    expect(shouldQuarantine({ registeredAt: ms(cutoffAt, 1) }, suspension({ quarantine: false }))).toBe(false);
  });
  it("a link at another bank is not affected", () => {
    expect(shouldQuarantine({ bankCode: OTHER, registeredAt: cutoffAt }, s)).toBe(false);
    expect(isGrandfathered({ bankCode: OTHER, registeredAt: ms(cutoffAt, -1) }, s)).toBe(false);
  });
  it("an old link changed to a new account inside the window loses grandfathering", () => {
    const l = { registeredAt: t("2018-01-01T00:00:00Z"), changedAt: ms(cutoffAt, 60_000) };
    expect(isGrandfathered(l, s)).toBe(false);
    expect(shouldQuarantine(l, s)).toBe(true);
  });
});

describe("decideLinkRegistration", () => {
  it("scheduled start: allowed before start, denied at start", () => {
    const s = suspension({ cutoffAt: startsAt });
    expect(decideLinkRegistration({ bankCode: BANK, account: active, suspensions: [s], at: ms(startsAt, -1) })).toEqual({
      decision: "allow",
      reason: "ALLOWED",
    });
    expect(decideLinkRegistration({ bankCode: BANK, account: active, suspensions: [s], at: startsAt })).toEqual({
      decision: "deny",
      reason: "BANK_REGISTRATION_SUSPENDED",
      suspensionId: "s-1",
    });
  });
  it("lifted: allowed again at and after liftedAt", () => {
    const liftedAt = t("2020-09-20T00:00:00Z");
    const s = suspension({ liftedAt });
    expect(decideLinkRegistration({ bankCode: BANK, account: active, suspensions: [s], at: ms(liftedAt, -1) }).decision).toBe("deny");
    expect(decideLinkRegistration({ bankCode: BANK, account: active, suspensions: [s], at: liftedAt }).decision).toBe("allow");
  });
  it("re-suspended after a lift: the new suspension applies", () => {
    const liftedAt = t("2020-09-20T00:00:00Z");
    const s1 = suspension({ liftedAt });
    const s2 = suspension({ id: "s-2", startsAt: t("2020-10-01T00:00:00Z"), cutoffAt: t("2020-10-01T00:00:00Z") });
    const decide = (at: Date) => decideLinkRegistration({ bankCode: BANK, account: active, suspensions: [s1, s2], at });
    expect(decide(t("2020-09-25T00:00:00Z")).decision).toBe("allow");
    expect(decide(t("2020-10-01T00:00:00Z"))).toEqual({ decision: "deny", reason: "BANK_REGISTRATION_SUSPENDED", suspensionId: "s-2" });
  });
  it("another bank is unaffected; a frozen account is refused first; unknown account", () => {
    const s = suspension();
    expect(decideLinkRegistration({ bankCode: OTHER, account: active, suspensions: [s], at: startsAt }).decision).toBe("allow");
    expect(decideLinkRegistration({ bankCode: BANK, account: frozen, suspensions: [s], at: startsAt }).reason).toBe("ACCOUNT_FROZEN");
    expect(decideLinkRegistration({ bankCode: BANK, account: null, suspensions: [s], at: startsAt }).reason).toBe("UNKNOWN_ACCOUNT");
  });
  it("a CHARGE-only suspension does not block registrations", () => {
    const s = suspension({ scopes: ["CHARGE"] });
    expect(decideLinkRegistration({ bankCode: BANK, account: active, suspensions: [s], at: startsAt }).decision).toBe("allow");
  });
});

describe("decideCharge", () => {
  const s = suspension();
  const after = ms(startsAt, 1000);
  it("grandfathered link (1 ms before cutoff) may charge while registrations are suspended", () => {
    expect(decideCharge({ link: link({ registeredAt: ms(cutoffAt, -1) }), account: active, suspensions: [s], at: after }).decision).toBe("allow");
  });
  it("a link registered exactly at the cutoff is refused as quarantined even if its status column still says ACTIVE", () => {
    expect(decideCharge({ link: link({ registeredAt: cutoffAt }), account: active, suspensions: [s], at: after })).toEqual({
      decision: "deny",
      reason: "LINK_QUARANTINED",
      suspensionId: "s-1",
    });
  });
  it("before a scheduled suspension starts, the window is not yet quarantined", () => {
    expect(decideCharge({ link: link({ registeredAt: cutoffAt }), account: active, suspensions: [s], at: ms(startsAt, -1) }).decision).toBe("allow");
  });
  it("lifting does not release a quarantined link (status column or computed)", () => {
    const lifted = suspension({ liftedAt: t("2020-09-20T00:00:00Z") });
    const later = t("2020-10-01T00:00:00Z");
    expect(decideCharge({ link: link({ registeredAt: ms(cutoffAt, 5) }), account: active, suspensions: [lifted], at: later }).reason).toBe("LINK_QUARANTINED");
    expect(
      decideCharge({ link: link({ status: "QUARANTINED", quarantineSuspensionId: "s-1", registeredAt: ms(cutoffAt, 5) }), account: active, suspensions: [lifted], at: later }),
    ).toEqual({ decision: "deny", reason: "LINK_QUARANTINED", suspensionId: "s-1" });
  });
  it("a scheduled suspension lifted before it started never quarantines anything", () => {
    const cancelled = suspension({ liftedAt: ms(startsAt, -3600_000) });
    const l = link({ registeredAt: ms(cutoffAt, 5) });
    expect(decideCharge({ link: l, account: active, suspensions: [cancelled], at: ms(startsAt, 3600_000) }).decision).toBe("allow");
  });
  it("a link registered after the lift is not quarantined by the lifted suspension", () => {
    const lifted = suspension({ liftedAt: t("2020-09-20T00:00:00Z") });
    expect(decideCharge({ link: link({ registeredAt: t("2020-09-21T00:00:00Z") }), account: active, suspensions: [lifted], at: t("2020-10-01T00:00:00Z") }).decision).toBe("allow");
  });
  it("a link released by an analyst after the suspension started may charge", () => {
    const released = link({ registeredAt: ms(cutoffAt, 5), statusChangedAt: ms(startsAt, 3600_000) });
    expect(decideCharge({ link: released, account: active, suspensions: [s], at: ms(startsAt, 7200_000) }).decision).toBe("allow");
  });
  it("CHARGE scope refuses charges on all links, grandfathered included", () => {
    const cs = suspension({ scopes: ["CHARGE"], quarantine: false });
    expect(decideCharge({ link: link(), account: active, suspensions: [cs], at: after })).toEqual({
      decision: "deny",
      reason: "BANK_CHARGES_SUSPENDED",
      suspensionId: "s-1",
    });
    expect(decideCharge({ link: link({ bankCode: OTHER }), account: active, suspensions: [cs], at: after }).decision).toBe("allow");
  });
  it("precedence: frozen > revoked > quarantined > charges suspended", () => {
    const cs = suspension({ scopes: ["CHARGE"] });
    const q = link({ registeredAt: cutoffAt });
    expect(decideCharge({ link: link({ status: "REVOKED" }), account: frozen, suspensions: [cs], at: after }).reason).toBe("ACCOUNT_FROZEN");
    expect(decideCharge({ link: link({ status: "REVOKED", registeredAt: cutoffAt }), account: active, suspensions: [cs], at: after }).reason).toBe("LINK_REVOKED");
    expect(decideCharge({ link: q, account: active, suspensions: [cs], at: after }).reason).toBe("LINK_QUARANTINED");
    expect(decideCharge({ link: link(), account: active, suspensions: [cs], at: after }).reason).toBe("BANK_CHARGES_SUSPENDED");
  });
  it("unknown link / account", () => {
    expect(decideCharge({ link: null, account: active, suspensions: [], at: after }).reason).toBe("UNKNOWN_LINK");
    expect(decideCharge({ link: link(), account: null, suspensions: [], at: after }).reason).toBe("UNKNOWN_ACCOUNT");
  });
});

describe("decideLinkChange", () => {
  const s = suspension({ scopes: ["LINK_CHANGE"] });
  const after = ms(startsAt, 1);
  it("refuses a change away from a suspended bank", () => {
    expect(decideLinkChange({ link: link(), newBankCode: OTHER, account: active, suspensions: [s], at: after })).toEqual({
      decision: "deny",
      reason: "BANK_LINK_CHANGE_SUSPENDED",
      suspensionId: "s-1",
    });
  });
  it("refuses a change to a suspended bank", () => {
    expect(decideLinkChange({ link: link({ bankCode: OTHER }), newBankCode: BANK, account: active, suspensions: [s], at: after }).reason).toBe(
      "BANK_LINK_CHANGE_SUSPENDED",
    );
  });
  it("allows changes between unsuspended banks and before the start", () => {
    expect(decideLinkChange({ link: link({ bankCode: OTHER }), newBankCode: "0001", account: active, suspensions: [s], at: after }).decision).toBe("allow");
    expect(decideLinkChange({ link: link(), newBankCode: OTHER, account: active, suspensions: [s], at: ms(startsAt, -1) }).decision).toBe("allow");
  });
  it("a change to a bank with registrations suspended is refused (it is a new link there)", () => {
    const r = suspension({ scopes: ["REGISTRATION"] });
    expect(decideLinkChange({ link: link({ bankCode: OTHER }), newBankCode: BANK, account: active, suspensions: [r], at: after }).reason).toBe(
      "BANK_REGISTRATION_SUSPENDED",
    );
  });
  it("frozen account and quarantined link come first", () => {
    expect(decideLinkChange({ link: link(), newBankCode: OTHER, account: frozen, suspensions: [s], at: after }).reason).toBe("ACCOUNT_FROZEN");
    expect(decideLinkChange({ link: link({ status: "QUARANTINED" }), newBankCode: OTHER, account: active, suspensions: [], at: after }).reason).toBe(
      "LINK_QUARANTINED",
    );
  });
});

describe("activeSuspensionFor", () => {
  it("matches bank, scope and time", () => {
    const s = suspension();
    expect(activeSuspensionFor([s], BANK, "REGISTRATION", startsAt)).toBe(s);
    expect(activeSuspensionFor([s], BANK, "CHARGE", startsAt)).toBeUndefined();
    expect(activeSuspensionFor([s], OTHER, "REGISTRATION", startsAt)).toBeUndefined();
  });
});

describe("impactSummary", () => {
  it("counts grandfathered, to-quarantine and flagged among them", () => {
    const links = [
      { registeredAt: ms(cutoffAt, -1), flagged: false },
      { registeredAt: ms(cutoffAt, -1), flagged: true },
      { registeredAt: cutoffAt, flagged: true },
      { registeredAt: ms(cutoffAt, 10), flagged: false },
    ];
    expect(impactSummary(links, { cutoffAt, quarantine: true })).toMatchObject({
      totalLinks: 4,
      grandfathered: 2,
      flaggedGrandfathered: 1,
      toQuarantine: 2,
      flaggedToQuarantine: 1,
      afterCutoffNotQuarantined: 0,
    });
    expect(impactSummary(links, { cutoffAt, quarantine: false })).toMatchObject({ toQuarantine: 0, afterCutoffNotQuarantined: 2 });
  });
});

describe("planSuspensions", () => {
  const now = t("2020-09-05T00:00:00Z");
  const base = { bankCodes: [BANK, OTHER], scopes: ["REGISTRATION", "LINK_CHANGE"] as const, reason: "phishing wave" };
  it("defaults: startsAt = now, cutoffAt = startsAt, quarantine off", () => {
    const r = planSuspensions({ ...base, scopes: [...base.scopes] }, [], now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.records).toHaveLength(2);
    expect(r.records[0]).toMatchObject({ bankCode: BANK, startsAt: now, cutoffAt: now, quarantine: false });
  });
  it("an earlier cutoff turns quarantine on by default; explicit false wins", () => {
    const r = planSuspensions({ ...base, scopes: [...base.scopes], cutoffAt }, [], now);
    expect(r.ok && r.records[0].quarantine).toBe(true);
    const r2 = planSuspensions({ ...base, scopes: [...base.scopes], cutoffAt, quarantine: false }, [], now);
    expect(r2.ok && r2.records[0].quarantine).toBe(false);
  });
  it("refuses a cutoff after the start", () => {
    const r = planSuspensions({ ...base, scopes: [...base.scopes], cutoffAt: ms(now, 1) }, [], now);
    expect(r).toMatchObject({ ok: false, code: "CUTOFF_AFTER_START", field: "cutoffAt" });
  });
  it("lists every bank and scope that already has an active or scheduled suspension", () => {
    const existing = [
      suspension({ id: "a", bankCode: OTHER, scopes: ["LINK_CHANGE", "CHARGE"] }),
      suspension({ id: "b", bankCode: BANK, scopes: ["REGISTRATION"], startsAt: t("2020-12-01T00:00:00Z") }),
      suspension({ id: "c", bankCode: BANK, scopes: ["LINK_CHANGE"], liftedAt: t("2020-09-04T00:00:00Z") }),
    ];
    const r = planSuspensions({ ...base, scopes: [...base.scopes] }, existing, now);
    expect(r).toEqual({
      ok: false,
      code: "SUSPENSION_CONFLICT",
      conflicts: [
        { bankCode: BANK, scope: "REGISTRATION", suspensionId: "b" },
        { bankCode: OTHER, scope: "LINK_CHANGE", suspensionId: "a" },
      ],
    });
  });
  it("a lifted suspension does not block re-suspending", () => {
    const existing = [suspension({ id: "c", liftedAt: t("2020-09-04T00:00:00Z") })];
    expect(planSuspensions({ ...base, scopes: [...base.scopes] }, existing, now).ok).toBe(true);
  });
});

describe("schemas", () => {
  it("SuspendInput: cutoffAt after startsAt is reported on cutoffAt", () => {
    // Near the clock: the schema refuses suspension times far in the past or future.
    const soon = new Date(Date.now() + 3_600_000);
    const r = SuspendInput.safeParse({ bankCodes: [BANK], scopes: ["REGISTRATION"], startsAt: soon, cutoffAt: new Date(soon.getTime() + 60_000), reason: "phishing wave" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path)).toEqual([["cutoffAt"]]);
  });
  it("SuspendInput: times far in the past or future are refused with words", () => {
    const r = SuspendInput.safeParse({ bankCodes: [BANK], scopes: ["REGISTRATION"], startsAt: startsAt, reason: "phishing wave" });
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([[["startsAt"], "must not be more than 31 days in the past"]]);
  });
  it("SuspendInput: rejects duplicate banks, bad codes, empty scopes, short reasons", () => {
    expect(SuspendInput.safeParse({ bankCodes: [BANK, BANK], scopes: ["CHARGE"], reason: "phishing" }).success).toBe(false);
    expect(SuspendInput.safeParse({ bankCodes: ["125"], scopes: ["CHARGE"], reason: "phishing" }).success).toBe(false);
    expect(SuspendInput.safeParse({ bankCodes: [BANK], scopes: [], reason: "phishing" }).success).toBe(false);
    expect(SuspendInput.safeParse({ bankCodes: [BANK], scopes: ["CHARGE"], reason: "  ab   " }).success).toBe(false);
    expect(SuspendInput.parse({ bankCodes: [BANK], scopes: ["CHARGE"], reason: "  phishing  " }).reason).toBe("phishing");
  });
  it("ChargeDecisionRequest bounds", () => {
    expect(ChargeDecisionRequest.safeParse({ linkId: "l1", amountYen: 1_000_000 }).success).toBe(true);
    expect(ChargeDecisionRequest.safeParse({ linkId: "l1", amountYen: 1_000_001 }).success).toBe(false);
    expect(ChargeDecisionRequest.safeParse({ linkId: "l1", amountYen: 0 }).success).toBe(false);
    expect(ChargeDecisionRequest.safeParse({ linkId: "l1", amountYen: 1.5 }).success).toBe(false);
  });
  it("QuarantineActionInput bounds", () => {
    expect(QuarantineActionInput.safeParse({ linkIds: [], reason: "reviewed" }).success).toBe(false);
    expect(QuarantineActionInput.safeParse({ linkIds: Array.from({ length: 501 }, (_, i) => `l${i}`), reason: "reviewed" }).success).toBe(false);
  });
});
