// Goal: the one fast JST formatter (CSV exports, the payout file, the demo generator) writes what the
// plain definition writes: the instant moved by +9 h, to the second, with "+09:00", whatever order the
// instants come in (its cached day must never leak into the next instant's date).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isoJstFromMs, JST_OFFSET_MS } from "./jst.ts";

const plain = (ms: number) => `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;

describe("isoJstFromMs", () => {
  it("writes the JST wall-clock time with its offset, across the JST midnight", () => {
    expect(isoJstFromMs(Date.parse("2020-09-07T14:59:59.999Z"))).toBe("2020-09-07T23:59:59+09:00");
    expect(isoJstFromMs(Date.parse("2020-09-07T15:00:00.000Z"))).toBe("2020-09-08T00:00:00+09:00");
    expect(isoJstFromMs(Date.parse("2020-09-07T14:59:59.999Z"))).toBe("2020-09-07T23:59:59+09:00");
    expect(isoJstFromMs(Date.parse("2026-12-31T15:00:00Z"))).toBe("2027-01-01T00:00:00+09:00");
  });

  it("agrees with the plain definition for any instants in any order", () => {
    const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) - 1 });
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (list) => {
        for (const ms of list) expect(isoJstFromMs(ms)).toBe(plain(ms));
      }),
      { numRuns: 300 },
    );
  });
});
