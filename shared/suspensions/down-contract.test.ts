// Goal: the down contract's fallback is what the README and the OpenAPI document say: registrations
// and link changes fail closed; a charge fails open only up to the per-charge and per-link limits.
import { describe, expect, it } from "vitest";
import { DOWN_CONTRACT, describeDownPolicy, downContractMarkdown, fallbackDecision } from "./down-contract.ts";

describe("down contract", () => {
  it("registrations and link changes fail closed, whatever the amount", () => {
    expect(fallbackDecision("LINK_REGISTRATION")).toBe("deny");
    expect(fallbackDecision("LINK_CHANGE", { amountYen: 1 })).toBe("deny");
  });
  it("a charge fails open up to ¥30,000, and one link takes at most ¥30,000 that way", () => {
    expect(DOWN_CONTRACT.CHARGE.openLimitYen).toBe(30_000);
    expect(fallbackDecision("CHARGE", { amountYen: 30_000 })).toBe("allow");
    expect(fallbackDecision("CHARGE", { amountYen: 30_001 })).toBe("deny");
    expect(fallbackDecision("CHARGE", { amountYen: 10_000, openYenOnLink: 20_000 })).toBe("allow");
    expect(fallbackDecision("CHARGE", { amountYen: 10_000, openYenOnLink: 20_001 })).toBe("deny");
    expect(fallbackDecision("CHARGE")).toBe("deny"); // no amount: nothing to bound, refuse
  });
  it("the words state each kind's timeout and fallback", () => {
    expect(describeDownPolicy("CHARGE")).toMatch(/within 500 ms.*fail open below a limit.*¥30,000/);
    expect(describeDownPolicy("LINK_REGISTRATION")).toMatch(/within 2000 ms.*fail closed/);
    expect(downContractMarkdown()).toContain("| `POST /api/v1/decisions/link-change` | 2000 ms | fail closed (deny) |");
  });
});
