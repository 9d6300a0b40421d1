// Goal: an event is a policy violation exactly when the decision API would have refused it for a
// suspension at the moment it happened (boundaries: at the start, at the lift).
import { describe, expect, it } from "vitest";
import { findViolations } from "./ingest-hook.ts";
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
