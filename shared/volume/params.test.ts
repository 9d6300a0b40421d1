import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTOR_PARAMS,
  DETECTOR_PARAM_DOCS,
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
});
