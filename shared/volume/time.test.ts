import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStart, chooseBucketMinutes, slotOfDayJst, slotOfWeekJst } from "./index.ts";

describe("slotOfWeekJst", () => {
  it("starts the week on Monday 00:00 JST (Sunday 15:00 UTC)", () => {
    expect(slotOfWeekJst(new Date("2020-09-06T15:00:00Z"), 5)).toBe(0);
    expect(slotOfWeekJst(new Date("2020-09-06T14:59:59Z"), 5)).toBe(2015); // Sunday 23:55 JST
    expect(slotOfWeekJst(new Date("2020-09-06T14:59:59Z"), 60)).toBe(167);
    expect(slotOfWeekJst(new Date("2020-09-09T03:30:00Z"), 5)).toBe(2 * 288 + 12 * 12 + 6); // Wed 12:30 JST
    expect(slotOfWeekJst(new Date("2020-09-09T03:30:00Z"), 1440)).toBe(2);
    expect(slotOfDayJst(new Date("2020-09-09T03:30:00Z"), 60)).toBe(12);
  });

  it("repeats every week and stays in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom(5, 60, 1440), (ms, minutes) => {
        const slot = slotOfWeekJst(ms, minutes);
        expect(slot).toBeGreaterThanOrEqual(0);
        expect(slot).toBeLessThan((7 * 1440) / minutes);
        expect(Number.isInteger(slot)).toBe(true);
        expect(slotOfWeekJst(ms + 7 * 86_400_000, minutes)).toBe(slot);
        expect(slotOfWeekJst(bucketStart(ms, minutes), minutes)).toBe(slot);
      }),
    );
  });
});

describe("bucketStart", () => {
  it("aligns 5/60-minute buckets in UTC and daily buckets at JST midnight", () => {
    expect(bucketStart(new Date("2020-09-09T03:34:59.999Z"), 5).toISOString()).toBe("2020-09-09T03:30:00.000Z");
    expect(bucketStart(new Date("2020-09-09T03:34:59.999Z"), 60).toISOString()).toBe("2020-09-09T03:00:00.000Z");
    expect(bucketStart(new Date("2020-09-09T03:34:59.999Z"), 1440).toISOString()).toBe("2020-09-08T15:00:00.000Z");
    expect(bucketStart(new Date("2020-09-08T14:59:59.999Z"), 1440).toISOString()).toBe("2020-09-07T15:00:00.000Z");
  });

  it("contains the date and is idempotent", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom(5, 15, 60, 1440), (ms, minutes) => {
        const start = bucketStart(ms, minutes).getTime();
        expect(start).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan(start + minutes * 60_000);
        expect(bucketStart(start, minutes).getTime()).toBe(start);
      }),
    );
  });

  it("rejects sizes that do not divide a day and invalid dates", () => {
    expect(() => bucketStart(new Date(), 7)).toThrow(RangeError);
    expect(() => bucketStart(new Date(Number.NaN), 5)).toThrow(RangeError);
  });
});

describe("chooseBucketMinutes", () => {
  const H = 3_600_000;
  it("picks 5, 60 or 1440 minutes so a chart has at most 800 points", () => {
    expect(chooseBucketMinutes(6 * H)).toBe(5);
    expect(chooseBucketMinutes(24 * H)).toBe(5); // 289 points
    expect(chooseBucketMinutes(66 * H)).toBe(5); // 793 points
    expect(chooseBucketMinutes(72 * H)).toBe(60); // 5-minute would be 865
    expect(chooseBucketMinutes(30 * 24 * H)).toBe(60); // 721
    expect(chooseBucketMinutes(42 * 24 * H)).toBe(1440); // 60-minute would be 1009
    expect(chooseBucketMinutes(6 * 24 * H, 100)).toBe(1440);
    expect(chooseBucketMinutes(5 * 365 * 24 * H)).toBe(3 * 1440); // whole days beyond 800 days
  });

  it("never exceeds maxPoints", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * 365 * 24 * 3_600_000 }), fc.integer({ min: 2, max: 5000 }), (range, max) => {
        const minutes = chooseBucketMinutes(range, max);
        expect(Math.ceil(range / (minutes * 60_000)) + 1).toBeLessThanOrEqual(max);
      }),
    );
  });
});
