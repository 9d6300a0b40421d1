// Goal: an event is a policy violation exactly when the decision API would have refused it for a
// suspension at the moment it happened (boundaries: at the start, at the lift), charges included.
import { describe, expect, it } from "vitest";
import { findChargeViolations, findViolations, type ChargedLinkStatus } from "./ingest-hook.ts";
import type { ChargeSummary } from "../events/types.ts";
import type { SuspensionLike } from "../../../shared/suspensions/rules.ts";

const startsAt = new Date("2020-09-05T00:00:00Z");
const liftedAt = new Date("2020-09-10T00:00:00Z");
const s: SuspensionLike = { id: "s1", bankCode: "0125", scopes: ["REGISTRATION"], startsAt, cutoffAt: startsAt, quarantine: false, liftedAt };
const reg = (bankCode: string, at: Date) => ({ linkId: "l", accountId: "a", bankCode, registeredAt: at, eventId: `e-${at.getTime()}` });
const none = { registeredLinks: [], changedLinks: [] };

describe("findViolations", () => {
  it("a registration at the start is a violation; 1 ms before, at the lift, or at another bank is not", () => {
    const v = findViolations({ ...none, registeredLinks: [reg("0125", startsAt), reg("0125", new Date(startsAt.getTime() - 1)), reg("0125", liftedAt), reg("0001", startsAt)] }, [s]);
    expect(v.map((x) => x.eventId)).toEqual([`e-${startsAt.getTime()}`]);
    expect(v[0]).toMatchObject({ kind: "REGISTRATION_WHILE_SUSPENDED", suspensionId: "s1", bankCode: "0125" });
  });
  it("a link change away from a bank with link changes suspended is recorded at that bank", () => {
    const lc: SuspensionLike = { ...s, id: "s2", scopes: ["LINK_CHANGE"], liftedAt: null };
    const v = findViolations({ ...none, changedLinks: [{ linkId: "l", accountId: "a", oldBankCode: "0125", newBankCode: "0001", changedAt: startsAt, eventId: "e1" }] }, [lc]);
    expect(v).toEqual([expect.objectContaining({ bankCode: "0125", kind: "LINK_CHANGE_WHILE_SUSPENDED", suspensionId: "s2" })]);
    expect(v[0].detail).toMatchObject({ expectedReason: "BANK_LINK_CHANGE_SUSPENDED" });
  });
});

describe("findChargeViolations (#15)", () => {
  const at = new Date("2020-09-06T00:00:00Z");
  const charge = (o: Partial<ChargeSummary> = {}): ChargeSummary => ({
    chargeId: "c",
    linkId: "l",
    accountId: "a",
    bankCode: "0125",
    amountYen: 10_000,
    occurredAt: at,
    eventId: "e",
    linkRegisteredAt: new Date("2020-01-01T00:00:00Z"),
    linkChangedAt: null,
    ...o,
  });
  const chargeStop: SuspensionLike = { id: "cs", bankCode: "0125", scopes: ["CHARGE"], startsAt, cutoffAt: startsAt, quarantine: false, liftedAt };
  const quarantine: SuspensionLike = { id: "q", bankCode: "0125", scopes: ["REGISTRATION"], startsAt, cutoffAt: new Date("2020-09-01T00:00:00Z"), quarantine: true, liftedAt: null };
  const active = new Map<string, ChargedLinkStatus>();

  it("a charge while charges are suspended is a violation; after the lift it is not", () => {
    expect(findChargeViolations([charge()], active, [chargeStop])).toEqual([expect.objectContaining({ kind: "CHARGE_WHILE_SUSPENDED", suspensionId: "cs", eventId: "e" })]);
    expect(findChargeViolations([charge({ occurredAt: liftedAt })], active, [chargeStop])).toEqual([]);
  });
  it("a link linked inside the quarantine window is refused from the rules, even before its status says so; a grandfathered one is not", () => {
    const fresh = charge({ linkChangedAt: new Date("2020-09-02T00:00:00Z") }); // changed to this account inside the window
    expect(findChargeViolations([fresh, charge({ eventId: "old" })], active, [quarantine]).map((v) => [v.eventId, v.kind, v.suspensionId])).toEqual([["e", "CHARGE_ON_QUARANTINED_LINK", "q"]]);
  });
  it("a stored status counts only from when it was set: a release before the charge clears it, a quarantine after it does not backdate", () => {
    const fresh = charge({ linkRegisteredAt: new Date("2020-09-02T00:00:00Z") });
    const released = new Map<string, ChargedLinkStatus>([["l", { status: "ACTIVE", statusChangedAt: new Date("2020-09-05T12:00:00Z"), quarantineSuspensionId: null }]]);
    expect(findChargeViolations([fresh], released, [quarantine])).toEqual([]);
    const quarantinedLater = new Map<string, ChargedLinkStatus>([["l", { status: "QUARANTINED", statusChangedAt: new Date("2020-09-07T00:00:00Z"), quarantineSuspensionId: "other" }]]);
    // not quarantined by status at the time, and no suspension in force: no violation
    expect(findChargeViolations([charge()], quarantinedLater, [])).toEqual([]);
    const quarantinedBefore = new Map<string, ChargedLinkStatus>([["l", { status: "QUARANTINED", statusChangedAt: new Date("2020-09-05T00:00:00Z"), quarantineSuspensionId: "q" }]]);
    expect(findChargeViolations([charge()], quarantinedBefore, [])).toEqual([expect.objectContaining({ kind: "CHARGE_ON_QUARANTINED_LINK", suspensionId: "q" })]);
  });
});
