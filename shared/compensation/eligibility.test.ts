import { describe, expect, it } from "vitest";
import {
  blockWords,
  ClaimInput,
  claimInFuture,
  dayNumber,
  DEFAULT_ELIGIBILITY,
  evaluateCharge,
  jstDayNumber,
  jstToday,
  unresolvedBlocks,
  type ChargeFacts,
} from "./eligibility.ts";

const charge = (occurredAt: string, reimbursements: ChargeFacts["reimbursements"] = []): ChargeFacts => ({ chargeId: "c1", occurredAt, amountYen: 10_000, reimbursements });
const rules = (claim: { noticedOn: string; reportedOn: string } | null, c: ChargeFacts, config = DEFAULT_ELIGIBILITY) => evaluateCharge(claim, c, config).map((b) => b.rule);

describe("JST calendar days", () => {
  it("an instant belongs to its JST day, not its UTC day", () => {
    // 2020-09-04 15:00 UTC is 2020-09-05 00:00 JST; one millisecond earlier is still the 4th.
    expect(jstDayNumber("2020-09-04T15:00:00.000Z")).toBe(dayNumber("2020-09-05"));
    expect(jstDayNumber("2020-09-04T14:59:59.999Z")).toBe(dayNumber("2020-09-04"));
    expect(jstToday(new Date("2026-12-31T15:00:00Z"))).toBe("2027-01-01");
  });
  it("refuses days that do not exist", () => {
    expect(dayNumber("2021-02-29")).toBeNull();
    expect(dayNumber("2020-02-29")).not.toBeNull();
    expect(dayNumber("2020-9-5")).toBeNull();
  });
});

describe("reported within 30 days of noticing", () => {
  const c = charge("2020-09-05T01:00:00Z");
  it("day 30 is in, day 31 is out", () => {
    expect(rules({ noticedOn: "2020-09-05", reportedOn: "2020-10-05" }, c)).toEqual([]);
    expect(rules({ noticedOn: "2020-09-05", reportedOn: "2020-10-06" }, c)).toEqual(["REPORTED_WITHIN"]);
  });
  it("counts across a leap day", () => {
    expect(rules({ noticedOn: "2020-02-01", reportedOn: "2020-03-02" }, charge("2020-02-01T01:00:00Z"))).toEqual([]); // 30 days (29 Feb)
    expect(rules({ noticedOn: "2020-02-01", reportedOn: "2020-03-03" }, charge("2020-02-01T01:00:00Z"))).toEqual(["REPORTED_WITHIN"]);
  });
  it("follows the configured window", () => {
    expect(rules({ noticedOn: "2020-09-05", reportedOn: "2020-09-15" }, c, { ...DEFAULT_ELIGIBILITY, reportWithinDays: 9 })).toEqual(["REPORTED_WITHIN"]);
    expect(rules({ noticedOn: "2020-09-05", reportedOn: "2020-09-15" }, c, { ...DEFAULT_ELIGIBILITY, reportWithinDays: 10 })).toEqual([]);
  });
});

describe("losses at most 90 days before the report", () => {
  const claim = { noticedOn: "2020-09-01", reportedOn: "2020-09-07" };
  it("a charge 90 JST days before the report is in, 91 is out", () => {
    // 2020-06-09 JST is 90 days before 2020-09-07.
    expect(rules(claim, charge("2020-06-09T00:00:00+09:00"))).toEqual([]);
    expect(rules(claim, charge("2020-06-08T23:59:59.999+09:00"))).toEqual(["LOSS_WITHIN"]);
  });
  it("uses the charge's JST day: 2020-06-08 15:00 UTC is already 06-09 in Tokyo", () => {
    expect(rules(claim, charge("2020-06-08T15:00:00Z"))).toEqual([]);
    expect(rules(claim, charge("2020-06-08T14:59:59Z"))).toEqual(["LOSS_WITHIN"]);
  });
  it("names the days in its words", () => {
    const [b] = evaluateCharge(claim, charge("2020-05-01T01:00:00Z"), DEFAULT_ELIGIBILITY);
    expect(b).toMatchObject({ rule: "LOSS_WITHIN", chargeDay: "2020-05-01", days: 129, limitDays: 90 });
    expect(blockWords(b)).toBe("The charge of 2020-05-01 10:00 JST is 129 days before the report of 2020-09-07; the rule allows losses at most 90 days before the report.");
  });
});

describe("not already reimbursed", () => {
  const claim = { noticedOn: "2020-09-05", reportedOn: "2020-09-06" };
  it("blocks a charge another party paid back, naming the parties", () => {
    const blocks = evaluateCharge(claim, charge("2020-09-05T01:00:00Z", [{ party: "The 77 Bank", amountYen: 4_000 }, { party: "Insurer", amountYen: 1_000 }]), DEFAULT_ELIGIBILITY);
    expect(blocks).toEqual([{ rule: "NOT_REIMBURSED", reimbursedYen: 5_000, parties: ["The 77 Bank", "Insurer"] }]);
    expect(blockWords(blocks[0])).toBe("Already paid back ¥5,000 by The 77 Bank, Insurer; a charge is not reimbursed twice.");
  });
  it("can be switched off, and a zero record is no reimbursement", () => {
    expect(rules(claim, charge("2020-09-05T01:00:00Z", [{ party: "Bank", amountYen: 4_000 }]), { ...DEFAULT_ELIGIBILITY, refuseReimbursed: false })).toEqual([]);
    expect(rules(claim, charge("2020-09-05T01:00:00Z", [{ party: "Bank", amountYen: 0 }]))).toEqual([]);
  });
  it("is the only rule weighed without a claim", () => {
    expect(rules(null, charge("2010-01-01T00:00:00Z"))).toEqual([]);
    expect(rules(null, charge("2010-01-01T00:00:00Z", [{ party: "Bank", amountYen: 1 }]))).toEqual(["NOT_REIMBURSED"]);
  });
});

describe("overrides", () => {
  it("lift only the rule they name, for the charge they name", () => {
    const blocks = evaluateCharge({ noticedOn: "2020-01-01", reportedOn: "2020-09-07" }, charge("2020-01-01T01:00:00Z"), DEFAULT_ELIGIBILITY);
    expect(blocks.map((b) => b.rule)).toEqual(["REPORTED_WITHIN", "LOSS_WITHIN"]);
    expect(unresolvedBlocks("c1", blocks, [{ chargeId: "c1", rule: "LOSS_WITHIN" }]).map((b) => b.rule)).toEqual(["REPORTED_WITHIN"]);
    expect(unresolvedBlocks("c1", blocks, [{ chargeId: "c2", rule: "REPORTED_WITHIN" }, { chargeId: "c2", rule: "LOSS_WITHIN" }])).toHaveLength(2);
    expect(unresolvedBlocks("c1", blocks, [{ chargeId: "c1", rule: "LOSS_WITHIN" }, { chargeId: "c1", rule: "REPORTED_WITHIN" }])).toEqual([]);
  });
});

describe("claim intake input", () => {
  it("takes a claim and empties a blank police number", () => {
    expect(ClaimInput.parse({ noticedOn: "2020-09-05", reportedOn: "2020-09-06", channel: "PHONE", policeReportNumber: " " })).toEqual({ noticedOn: "2020-09-05", reportedOn: "2020-09-06", channel: "PHONE", policeReportNumber: null });
    expect(ClaimInput.parse({ noticedOn: "2020-09-05", reportedOn: "2020-09-05", channel: "POLICE", policeReportNumber: "第2020-1234号" }).policeReportNumber).toBe("第2020-1234号");
  });
  it("refuses a report before noticing, impossible days and unknown channels, with the field", () => {
    const before = ClaimInput.safeParse({ noticedOn: "2020-09-06", reportedOn: "2020-09-05", channel: "PHONE" });
    expect(before.success ? [] : before.error.issues.map((i) => i.path.join("."))).toEqual(["reportedOn"]);
    expect(ClaimInput.safeParse({ noticedOn: "2021-02-29", reportedOn: "2021-03-01", channel: "PHONE" }).success).toBe(false);
    expect(ClaimInput.safeParse({ noticedOn: "2020-09-05", reportedOn: "2020-09-06", channel: "FAX" }).success).toBe(false);
    expect(ClaimInput.safeParse({ noticedOn: "2020-09-05", reportedOn: "2020-09-06", channel: "PHONE", policeReportNumber: "x".repeat(41) }).success).toBe(false);
  });
  it("finds a day in the future", () => {
    expect(claimInFuture({ noticedOn: "2026-12-07", reportedOn: "2026-12-08" }, "2026-12-07")).toBe("reportedOn");
    expect(claimInFuture({ noticedOn: "2026-12-07", reportedOn: "2026-12-07" }, "2026-12-07")).toBeNull();
  });
});
