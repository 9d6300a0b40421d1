import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { demoChargeDescriptor } from "./descriptor.ts";
import { chargePayloadSchema } from "./schemas.ts";

describe("the demo platform's statement descriptor", () => {
  it("is its name and the charge id's last 8 characters", () => {
    expect(demoChargeDescriptor("chg-t1-000789")).toBe("ﾃﾞﾓｳｫﾚｯﾄ 1-000789");
    expect(demoChargeDescriptor("chg_a.b")).toBe("ﾃﾞﾓｳｫﾚｯﾄ CHG-A-B");
  });
  it("always passes the contract's descriptor rule, whatever the charge id", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), (id) => {
        expect(chargePayloadSchema.safeParse({ id: "c", linkId: "l", amountYen: 1, descriptor: demoChargeDescriptor(id) }).success).toBe(true);
      }),
    );
  });
});
