import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTOR_PARAMS,
  DETECTION_BUCKET_MINUTES,
  DETECTOR_PARAM_DOCS,
  VOLUME_METRICS,
  defaultParamsFor,
  detect,
  defaultParamsForMetric,
  describeDetectorParams,
  detectorParamsSchema,
  resolveDetectorParams,
} from "./index.ts";

describe("detector parameters", () => {
  it("describes every parameter with its value, unit and a description", () => {
    const list = describeDetectorParams();
    expect(list.map((p) => p.key).sort()).toEqual(Object.keys(DEFAULT_DETECTOR_PARAMS).sort());
    expect(Object.keys(DETECTOR_PARAM_DOCS).sort()).toEqual(Object.keys(DEFAULT_DETECTOR_PARAMS).sort());
    for (const p of list) {
      expect(p.value).toBe(DEFAULT_DETECTOR_PARAMS[p.key]);
      expect(p.unit.length).toBeGreaterThan(0);
      expect(p.description.length).toBeGreaterThan(20);
    }
    expect(describeDetectorParams(resolveDetectorParams({ burstZ: 6 })).find((p) => p.key === "burstZ")?.value).toBe(6);
  });

  it("defaults are valid and overrides are validated", () => {
    expect(detectorParamsSchema.parse(DEFAULT_DETECTOR_PARAMS)).toEqual(DEFAULT_DETECTOR_PARAMS);
    expect(resolveDetectorParams({ closeQuietBuckets: 5 }).closeQuietBuckets).toBe(5);
    expect(() => resolveDetectorParams({ weeklyMinWeeks: 7 })).toThrow(/weeklyMinWeeks/);
    expect(() => resolveDetectorParams({ closeQuietBuckets: 0 })).toThrow();
    expect(() => resolveDetectorParams({ bandZ: 6 })).toThrow(/bandZ/);
    expect(() => resolveDetectorParams({ nope: 1 } as never)).toThrow();
  });

  it("scales the value floors for CHARGE_YEN and leaves counts alone", () => {
    expect(defaultParamsForMetric("LINK_REGISTERED")).toBe(DEFAULT_DETECTOR_PARAMS);
    const yen = defaultParamsForMetric("CHARGE_YEN");
    expect(yen.poissonUnit).toBe(30_000);
    expect(yen.burstMinValue).toBe(8 * 30_000);
    expect(yen.burstZ).toBe(DEFAULT_DETECTOR_PARAMS.burstZ);
    expect(detectorParamsSchema.safeParse(yen).success).toBe(true);
  });

  it("gives valid parameters for every metric on both bucket sizes", () => {
    for (const metric of VOLUME_METRICS) {
      for (const minutes of DETECTION_BUCKET_MINUTES) {
        expect(detectorParamsSchema.safeParse(defaultParamsFor(metric, minutes)).success).toBe(true);
      }
    }
    expect(defaultParamsFor("LINK_REGISTERED", 60).rollingAlarms).toBe(0);
    expect(defaultParamsFor("CHARGE_YEN", 5).burstMinValue).toBe(defaultParamsForMetric("CHARGE_YEN").burstMinValue);
  });

  it("with rollingAlarms = 0, a jump on a ROLLING baseline raises no spike (it does with 1)", () => {
    // 30 hours of history (under 2 days): the baseline is ROLLING (the last 8 buckets).
    const values = [...new Array(30).fill(2), 40];
    const series = { bankCode: "0125", metric: "LINK_REGISTERED" as const, bucketMinutes: 60, start: new Date("2020-09-01T00:00:00Z"), values };
    const at = new Date(series.start.getTime() + 30 * 3_600_000);
    const withRolling = detect(series, { bucketStart: at, value: 40 }, resolveDetectorParams({ rollingAlarms: 1 }));
    expect(withRolling.baselineKind).toBe("ROLLING");
    expect(withRolling.events.map((e) => e.type)).toEqual(["OPENED"]);
    const without = detect(series, { bucketStart: at, value: 40 }, resolveDetectorParams({ rollingAlarms: 0 }));
    expect(without.z).toBeGreaterThan(5);
    expect(without.events).toEqual([]);
  });
});
