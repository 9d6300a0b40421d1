// Goal: the confirm button says exactly what will happen, in the words the brief asks for.
import { describe, expect, it } from "vitest";
import { bankWords, describeSuspendAction, scopeWords } from "./describe.ts";

describe("describeSuspendAction", () => {
  it("says scopes, bank, time and how many links will be quarantined since the cutoff (JST)", () => {
    expect(
      describeSuspendAction({
        bankNames: ["The 77 Bank"],
        scopes: ["LINK_CHANGE", "REGISTRATION"],
        startsAt: null,
        cutoffAt: new Date("2026-11-23T07:00:00Z"),
        quarantine: true,
        toQuarantineCount: 1234,
      }),
    ).toBe("Suspend registrations and link changes at The 77 Bank from now; quarantine 1,234 links registered since 2026-11-23 16:00 JST");
  });
  it("a scheduled suspension without quarantine says when it starts and nothing about quarantine", () => {
    expect(
      describeSuspendAction({
        bankNames: ["Hokuto Bank", "Shonai Bank"],
        scopes: ["REGISTRATION", "CHARGE", "LINK_CHANGE"],
        startsAt: new Date("2026-11-26T00:00:00Z"),
        cutoffAt: new Date("2026-11-26T00:00:00Z"),
        quarantine: false,
        toQuarantineCount: 0,
      }),
    ).toBe("Suspend registrations, link changes and charges at Hokuto Bank and Shonai Bank from 2026-11-26 09:00 JST");
  });
  it("one link is singular; none yet is said plainly", () => {
    const base = { bankNames: ["The 77 Bank"], scopes: ["REGISTRATION" as const], startsAt: null, cutoffAt: new Date("2026-11-23T07:00:00Z"), quarantine: true };
    expect(describeSuspendAction({ ...base, toQuarantineCount: 1 })).toContain("quarantine 1 link registered since");
    expect(describeSuspendAction({ ...base, toQuarantineCount: 0 })).toContain("quarantine links registered since 2026-11-23 16:00 JST (none so far)");
  });
  it("many banks are counted and the first few named", () => {
    expect(bankWords(["A", "B", "C", "D"])).toBe("4 banks (A, B, C, …)");
    expect(scopeWords(["CHARGE"])).toBe("charges");
  });
});
