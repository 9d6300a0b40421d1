import { describe, expect, it } from "vitest";
import {
  computeBaseline,
  detect,
  initialDetectorState,
  type DetectorState,
} from "./detector.ts";
import { runSeries, spikeMask } from "./series-run.ts";
import { DEFAULT_DETECTOR_PARAMS, resolveDetectorParams } from "./params.ts";
import {
  BUCKETS_PER_DAY_5M,
  BUCKETS_PER_WEEK_5M,
  MONDAY_JST,
  syntheticRate,
  syntheticSeries,
  type SyntheticOptions,
} from "../../test/helpers/synthetic-volume.ts";
import { MINUTE_MS } from "./time.ts";
import type { VolumeSeries } from "./types.ts";

const B5 = 5 * MINUTE_MS;
const at = (series: VolumeSeries, i: number) => new Date(series.start.getTime() + i * series.bucketMinutes * MINUTE_MS);
/** Bucket index of a JST weekday (0 = Monday) and time, in week `week` of a series starting Monday 00:00 JST. */
const idx = (week: number, day: number, hour: number, minute = 0) =>
  week * BUCKETS_PER_WEEK_5M + day * BUCKETS_PER_DAY_5M + (hour * 60 + minute) / 5;

function flatSeries(values: number[], bankCode = "0125"): VolumeSeries {
  return { bankCode, metric: "LINK_REGISTERED", bucketMinutes: 5, start: MONDAY_JST, values };
}

describe("clean seasonal series", () => {
  // 8 weeks from an empty history (so the LEARNING → ROLLING → DAILY → WEEKLY warm-up is included),
  // Poisson noise, peak levels 2..200 per bucket (nights ~12% of the peak, weekends 70%).
  const levels = [2, 5, 12, 30, 80, 200];
  for (const level of levels) {
    it(`raises no spike over 8 weeks at peak level ${level}`, () => {
      for (const seed of [11, 12]) {
        const opts: SyntheticOptions = { seed: seed * 1000 + level, level, buckets: 8 * BUCKETS_PER_WEEK_5M, bankCode: `9${seed}0${level}`.slice(0, 4) };
        const run = runSeries(syntheticSeries(opts));
        expect(run.spikes.map((s) => `${s.detector} ${s.startedAt.toISOString()} ${s.peakValue}/${s.peakExpected}`)).toEqual([]);

        // The weekly baseline tracks the true rate: over weeks 4..8 the mean of expected is within
        // 5% of the mean true rate, and at least 95% of buckets have the true rate inside the band.
        let sumExpected = 0;
        let sumRate = 0;
        let inBand = 0;
        let n = 0;
        for (let i = 3 * BUCKETS_PER_WEEK_5M; i < opts.buckets; i++) {
          const r = run.results[i];
          expect(r.baselineKind).toBe("WEEKLY");
          const rate = syntheticRate(opts, i);
          sumExpected += r.expected!;
          sumRate += rate;
          if (rate >= r.bandLow! && rate <= r.bandHigh!) inBand++;
          n++;
        }
        expect(Math.abs(sumExpected / sumRate - 1)).toBeLessThan(0.05);
        expect(inBand / n).toBeGreaterThan(0.95);
      }
    });
  }

  it("keeps z roughly standard on a weekly baseline (mean ~0, sd ~1)", () => {
    const run = runSeries(syntheticSeries({ seed: 5, level: 100, buckets: 6 * BUCKETS_PER_WEEK_5M }));
    const zs = run.results.slice(4 * BUCKETS_PER_WEEK_5M).map((r) => r.z!);
    const mean = zs.reduce((a, b) => a + b, 0) / zs.length;
    const sd = Math.sqrt(zs.reduce((a, b) => a + (b - mean) ** 2, 0) / zs.length);
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(sd).toBeGreaterThan(0.6);
    expect(sd).toBeLessThan(1.1);
  });
});

describe("BURST", () => {
  const cases = [
    { level: 5, factor: 10, onset: idx(4, 2, 12, 30) }, // Wed lunchtime, expected ~3.4
    { level: 5, factor: 20, onset: idx(4, 5, 12, 30) }, // Sat lunchtime, expected ~2.3
    { level: 30, factor: 5, onset: idx(4, 1, 20, 0) }, // Tue evening, expected ~29
    { level: 30, factor: 10, onset: idx(4, 3, 4, 0) }, // Thu night, expected ~3.6
    { level: 80, factor: 5, onset: idx(4, 3, 4, 0) }, // Thu night, expected ~10
    { level: 200, factor: 5, onset: idx(5, 0, 9, 15) }, // Mon morning
    { level: 200, factor: 20, onset: idx(5, 6, 23, 0) }, // Sun late
  ];
  for (const { level, factor, onset } of cases) {
    it(`catches a ${factor}x burst at level ${level} in its first bucket (bucket ${onset})`, () => {
      for (const seed of [1, 2, 3]) {
        const opts: SyntheticOptions = {
          seed: seed * 97 + level,
          level,
          buckets: onset + 36,
          multiplier: (i) => (i >= onset && i < onset + 6 ? factor : 1),
        };
        const series = syntheticSeries(opts);
        const run = runSeries(series);
        const bursts = run.spikes.filter((s) => s.detector === "BURST");
        expect(bursts).toHaveLength(1);
        const opened = run.results.findIndex((r) => r.events.some((e) => e.type === "OPENED" && e.spike.detector === "BURST"));
        expect(opened).toBeGreaterThanOrEqual(onset);
        expect(opened).toBeLessThanOrEqual(onset + 1);
        expect(bursts[0].startedAt.getTime()).toBe(at(series, opened).getTime());
        expect(bursts[0].endedAt?.getTime()).toBe(at(series, onset + 6).getTime());
        expect(bursts[0].bankCode).toBe("0125");
        expect(bursts[0].metric).toBe("LINK_REGISTERED");
        expect(bursts[0].peakValue / bursts[0].peakExpected).toBeGreaterThan(factor / 2.5);
      }
    });
  }

  it("catches a fraud wave of 15 links per bucket at a bank that normally sees ~0", () => {
    const onset = idx(3, 1, 2, 0); // Tue 02:00 JST, expected ~0.1
    const series = syntheticSeries({ seed: 3, level: 1, buckets: onset + 20, multiplier: () => 1 });
    const values = Float64Array.from(series.values as Float64Array);
    for (let i = onset; i < onset + 4; i++) values[i] += 15;
    const run = runSeries({ ...series, values });
    const opened = run.results.findIndex((r) => r.events.some((e) => e.type === "OPENED"));
    expect(opened).toBe(onset);
    expect(run.results[onset].expected!).toBeLessThan(1);
  });

  it("does not alarm when a quiet bank goes from 0 to 3, or 0 to 7", () => {
    for (const jump of [3, 7]) {
      const values = new Array(3 * BUCKETS_PER_DAY_5M).fill(0);
      values[values.length - 1] = jump;
      const run = runSeries(flatSeries(values));
      expect(run.spikes).toEqual([]);
      expect(run.results.at(-1)!.z!).toBeLessThan(jump); // the floor kept σ above 1
    }
  });
});

describe("CUSUM", () => {
  // A 1.5x step held for an hour (12 buckets) on Wednesday 12:30 JST (shape ≈ 0.67 of the peak), at
  // expected 20, 30 and 40 per bucket, 20 seeds each. At 20/bucket the shift is only ~1.7 spreads,
  // so a few runs are caught late or not at all; at 30 and 40 essentially all are caught.
  const onset = idx(4, 2, 12, 30);
  const minCaught: Record<number, number> = { 20: 15, 30: 19, 40: 20 };
  for (const target of [20, 30, 40]) {
    it(`catches a 1.5x step held for an hour at expected ~${target}/bucket within the hour`, () => {
      const lags: number[] = [];
      for (let seed = 21; seed < 41; seed++) {
        const opts: SyntheticOptions = {
          seed,
          level: target / 0.67,
          buckets: onset + 30,
          multiplier: (i) => (i >= onset && i < onset + 12 ? 1.5 : 1),
        };
        const run = runSeries(syntheticSeries(opts));
        const expected = run.results[onset].expected!;
        expect(expected).toBeGreaterThan(target * 0.85);
        expect(expected).toBeLessThan(target * 1.15);
        // nothing before the step
        expect(run.spikes.filter((s) => s.startedAt.getTime() < MONDAY_JST.getTime() + (onset - 12) * B5)).toEqual([]);
        const opened = run.results.findIndex((r, i) => i >= onset && r.events.some((e) => e.type === "OPENED" && e.spike.detector === "CUSUM"));
        if (opened < 0 || opened >= onset + 12) continue;
        lags.push(opened - onset);
        const [cusum] = run.spikes.filter((s) => s.detector === "CUSUM");
        // The spike starts where the CUSUM run began: around the onset.
        const startIdx = (cusum.startedAt.getTime() - MONDAY_JST.getTime()) / B5;
        expect(startIdx).toBeGreaterThanOrEqual(onset - 8);
        expect(startIdx).toBeLessThanOrEqual(onset + 3);
        // It closes within an hour after the step is over, and ends after the alarm.
        expect(cusum.endedAt).not.toBeNull();
        expect(cusum.endedAt!.getTime()).toBeGreaterThan(MONDAY_JST.getTime() + opened * B5);
        expect(cusum.endedAt!.getTime()).toBeLessThanOrEqual(MONDAY_JST.getTime() + (onset + 24) * B5);
        expect(run.state.core.cusumSpike).toBeNull();
      }
      expect(lags.length).toBeGreaterThanOrEqual(minCaught[target]);
      expect(lags.reduce((a, b) => a + b, 0) / lags.length).toBeLessThanOrEqual(target === 20 ? 8 : 6);
    });
  }

  it("does not fire on the same step with a high threshold, and fires no later with a lower k", () => {
    const opts: SyntheticOptions = { seed: 22, level: 30 / 0.67, buckets: onset + 30, multiplier: (i) => (i >= onset && i < onset + 12 ? 1.5 : 1) };
    const series = syntheticSeries(opts);
    expect(runSeries(series, resolveDetectorParams({ cusumH: 60 })).spikes).toEqual([]);
    const openedAt = (k: number) =>
      runSeries(series, resolveDetectorParams({ cusumK: k })).results.findIndex((r, i) => i >= onset && r.events.some((e) => e.type === "OPENED"));
    expect(openedAt(1)).toBeGreaterThan(onset);
    expect(openedAt(0.5)).toBeGreaterThan(onset);
    expect(openedAt(0.5)).toBeLessThanOrEqual(openedAt(1));
    expect(openedAt(1)).toBeLessThan(onset + 12);
  });

  it("resets after closing: a second step later in the day is a second spike", () => {
    const a = idx(4, 2, 11, 0);
    const b = idx(4, 2, 19, 0);
    const opts: SyntheticOptions = {
      seed: 31,
      level: 60,
      buckets: b + 30,
      multiplier: (i) => ((i >= a && i < a + 12) || (i >= b && i < b + 12) ? 1.6 : 1),
    };
    const run = runSeries(syntheticSeries(opts));
    const cusum = run.spikes.filter((s) => s.detector === "CUSUM");
    expect(cusum).toHaveLength(2);
    expect(cusum[0].endedAt!.getTime()).toBeLessThan(cusum[1].startedAt.getTime());
  });
});

describe("spikes in the history", () => {
  const target = idx(6, 2, 12, 30); // Wednesday 12:30 JST in week 7
  const level = 40;
  const clean = syntheticSeries({ seed: 41, level, buckets: target + 1 });
  const withSpike = (weeksBack: number[]) => {
    const values = Float64Array.from(clean.values as Float64Array);
    for (const w of weeksBack) for (let o = -3; o <= 3; o++) values[target - w * BUCKETS_PER_WEEK_5M + o] *= 10;
    return { ...clean, values } as VolumeSeries;
  };
  const bandHigh = (s: VolumeSeries) => {
    const b = computeBaseline(s, at(s, target));
    return b.expected! + DEFAULT_DETECTOR_PARAMS.bandZ * b.spread!;
  };

  it("a 10x spike one week back raises the band by less than 10% even unmarked (robust median/MAD)", () => {
    const base = bandHigh(clean);
    const spiked = bandHigh(withSpike([1]));
    expect(spiked / base).toBeLessThan(1.1);
    expect(spiked / base).toBeGreaterThanOrEqual(0.95);
  });

  it("spikes at the slot in 3 of 6 weeks: marked as excluded they leave the band within 10%", () => {
    const base = bandHigh(clean);
    const spikedSeries = withSpike([1, 2, 3]);
    // Unmarked, half the samples are 10x: the band is far off (so this test can fail).
    expect(bandHigh(spikedSeries) / base).toBeGreaterThan(2);
    const mask = spikeMask({ start: clean.start, bucketMinutes: 5, length: clean.values.length }, [1, 2, 3].map((w) => ({
      detector: "BURST" as const,
      startedAt: at(clean, target - w * BUCKETS_PER_WEEK_5M - 3),
      endedAt: at(clean, target - w * BUCKETS_PER_WEEK_5M + 4),
    })));
    expect(mask.reduce((a, b) => a + b, 0)).toBe(21);
    const marked = bandHigh({ ...spikedSeries, excluded: mask });
    expect(Math.abs(marked / base - 1)).toBeLessThan(0.1);
  });

  it("runSeries marks the spikes it finds, so later weeks' bands stay within 10%", () => {
    const spikedSeries = withSpike([1, 2, 3]);
    const run = runSeries(spikedSeries);
    expect(run.spikes.filter((s) => s.detector === "BURST")).toHaveLength(3);
    const cleanRun = runSeries(clean);
    expect(Math.abs(run.results[target].bandHigh! / cleanRun.results[target].bandHigh! - 1)).toBeLessThan(0.1);
  });

  it("CUSUM spikes are not excluded by spikeMask (a lasting change must become normal)", () => {
    const mask = spikeMask({ start: MONDAY_JST, bucketMinutes: 5, length: 10 }, [
      { detector: "CUSUM", startedAt: at(clean, 2), endedAt: at(clean, 5) },
      { detector: "BURST", startedAt: at(clean, 7), endedAt: null },
    ]);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });
});

describe("baseline fallbacks", () => {
  const full = syntheticSeries({ seed: 51, level: 50, buckets: 4 * BUCKETS_PER_WEEK_5M });
  const kindWith = (historyBuckets: number) => {
    const s = { ...full, values: Array.from(full.values).slice(0, historyBuckets + 1) };
    return computeBaseline(s, at(s, historyBuckets));
  };

  it("4 weeks → WEEKLY from the 10 samples there are (3 full weeks × 3 slots + 1 of the 4th week)", () => {
    const b = kindWith(4 * BUCKETS_PER_WEEK_5M - 1);
    expect(b.kind).toBe("WEEKLY");
    expect(b.samples).toBe(10); // 4 weeks back from bucket 4W−1 is index −1: only its +1 neighbour exists
  });
  it("3 weeks exactly → WEEKLY", () => expect(kindWith(3 * BUCKETS_PER_WEEK_5M + 1).kind).toBe("WEEKLY"));
  it("2 days → DAILY with the same slot of both days", () => {
    const b = kindWith(2 * BUCKETS_PER_DAY_5M + 100);
    expect(b.kind).toBe("DAILY");
    expect(b.samples).toBe(6);
  });
  it("2.5 weeks → DAILY over the days of the same kind in the last 7 days", () => {
    const thursday = kindWith(17 * BUCKETS_PER_DAY_5M + 10); // Thu: Mon..Fri of the last 7 days
    expect(thursday.kind).toBe("DAILY");
    expect(thursday.samples).toBe(15);
    const saturday = kindWith(19 * BUCKETS_PER_DAY_5M + 10); // Sat: last Sat and Sun
    expect(saturday.kind).toBe("DAILY");
    expect(saturday.samples).toBe(6);
    // Saturday's expected level is the weekend level (70% of the weekday one at the same time)
    const weekday = kindWith(18 * BUCKETS_PER_DAY_5M + 10);
    expect(saturday.expected! / weekday.expected!).toBeGreaterThan(0.55);
    expect(saturday.expected! / weekday.expected!).toBeLessThan(0.85);
  });
  it("Monday with only a weekend of history → DAILY from the weekend days", () => {
    const s = { ...full, start: new Date(MONDAY_JST.getTime() - 2 * 86_400_000), values: Array.from(full.values).slice(0, 2 * BUCKETS_PER_DAY_5M + 10) };
    const b = computeBaseline(s, at(s, 2 * BUCKETS_PER_DAY_5M + 5));
    expect(b.kind).toBe("DAILY");
    expect(b.samples).toBe(6);
  });
  it("a few hours → ROLLING", () => {
    const b = kindWith(36);
    expect(b.kind).toBe("ROLLING");
    expect(b.samples).toBe(DEFAULT_DETECTOR_PARAMS.rollingBuckets);
    expect(b.expected).toBeGreaterThan(0);
  });
  it("a quarter of an hour → LEARNING: no expected level, no alarms", () => {
    const b = kindWith(3);
    expect(b).toEqual({ kind: "LEARNING", expected: null, spread: null, samples: 3 });
    const r = detect(flatSeries([0, 0, 0, 500]), { bucketStart: at(full, 3), value: 500 });
    expect(r.baselineKind).toBe("LEARNING");
    expect(r.z).toBeNull();
    expect(r.bandHigh).toBeNull();
    expect(r.events).toEqual([]);
  });
  it("NaN buckets are not observed: 2 days of NaN then 1 hour of data is ROLLING, not DAILY", () => {
    const values = [...new Array(2 * BUCKETS_PER_DAY_5M).fill(Number.NaN), ...new Array(12).fill(4)];
    const s = flatSeries(values);
    const b = computeBaseline(s, at(s, values.length));
    expect(b.kind).toBe("ROLLING");
    expect(b.expected).toBe(4);
  });
});

describe("spike lifecycle", () => {
  const history = new Array(2 * BUCKETS_PER_DAY_5M + 10).fill(10); // flat: expected exactly 10
  const h = history.length;

  it("opens, peaks, closes after the configured quiet buckets and reports end and peak", () => {
    const values = [...history, 50, 80, 60, 10, 10, 10, 10, 10];
    const run = runSeries(flatSeries(values));
    expect(run.spikes).toHaveLength(1);
    const [spike] = run.spikes;
    const s = flatSeries(values);
    expect(spike.detector).toBe("BURST");
    expect(spike.startedAt).toEqual(at(s, h));
    expect(spike.peakAt).toEqual(at(s, h + 1));
    expect(spike.peakValue).toBe(80);
    expect(spike.peakExpected).toBe(10);
    expect(spike.severity).toBeCloseTo(run.results[h + 1].z!, 10);
    expect(spike.severity).toBeGreaterThan(10);
    expect(spike.lastSeenAt).toEqual(at(s, h + 2));
    expect(spike.endedAt).toEqual(at(s, h + 3)); // start of the first quiet bucket
    const types = run.results.slice(h).map((r) => r.events.map((e) => e.type).join());
    expect(types).toEqual(["OPENED", "UPDATED", "UPDATED", "", "", "CLOSED", "", ""]);
    expect(run.results.slice(h).map((r) => r.excludeFromBaseline)).toEqual([true, true, true, true, true, false, false, false]);
    // expected stays at 10 during the spike: its buckets are left out of the rolling/daily baseline
    expect(run.results[h + 2].expected).toBe(10);
  });

  it("a quiet gap shorter than closeQuietBuckets keeps one spike; closeQuietBuckets is honoured", () => {
    const values = [...history, 50, 10, 10, 60, 10, 10, 10, 10, 10, 10];
    const s = flatSeries(values);
    const three = runSeries(s);
    expect(three.spikes).toHaveLength(1);
    expect(three.spikes[0].endedAt).toEqual(at(s, h + 4));
    expect(three.spikes[0].peakValue).toBe(60);
    const closedAt = (r: typeof three) => r.results.findIndex((x) => x.events.some((e) => e.type === "CLOSED"));
    expect(closedAt(three)).toBe(h + 6);
    const five = runSeries(s, resolveDetectorParams({ closeQuietBuckets: 5 }));
    expect(closedAt(five)).toBe(h + 8);
    expect(five.spikes[0].endedAt).toEqual(at(s, h + 4));
    const one = runSeries(s, resolveDetectorParams({ closeQuietBuckets: 1 }));
    expect(one.spikes).toHaveLength(2);
  });

  it("respects burstMinValue and burstMinRatio", () => {
    const quiet = flatSeries([...new Array(2 * BUCKETS_PER_DAY_5M).fill(0), 7]);
    expect(runSeries(quiet).spikes).toEqual([]); // z is high but 7 < burstMinValue
    expect(runSeries(quiet, resolveDetectorParams({ burstMinValue: 5 })).spikes).toHaveLength(1);
    const busy = flatSeries([...new Array(2 * BUCKETS_PER_DAY_5M).fill(400), 700]); // z ≈ 13, 1.75x
    expect(runSeries(busy).spikes.filter((x) => x.detector === "BURST")).toEqual([]);
    expect(runSeries(busy, resolveDetectorParams({ burstMinRatio: 1.5 })).spikes.filter((x) => x.detector === "BURST")).toHaveLength(1);
  });
});

describe("detect, bucket by bucket", () => {
  const series = syntheticSeries({ seed: 61, level: 30, buckets: 3 * BUCKETS_PER_WEEK_5M + 50 });
  const t = 3 * BUCKETS_PER_WEEK_5M + 40;

  it("matches runSeries when called bucket by bucket", () => {
    const run = runSeries(series);
    let state: DetectorState | null = null;
    for (let i = t - 300; i <= t; i++) {
      const r = detect(series, { bucketStart: at(series, i), value: series.values[i] }, DEFAULT_DETECTOR_PARAMS, state);
      state = r.state;
      if (i === t) {
        expect(r.expected).toBe(run.results[t].expected);
        expect(r.z).toBe(run.results[t].z);
        expect(r.bandHigh).toBe(run.results[t].bandHigh);
      }
    }
  });

  it("re-evaluating the still-filling bucket is idempotent; older buckets leave the state alone", () => {
    const flat = flatSeries([...new Array(2 * BUCKETS_PER_DAY_5M).fill(10), 0]);
    const i = flat.values.length - 1;
    const bucketStart = at(flat, i);
    let state = initialDetectorState();
    // The bucket fills up: 5, 30, 50 links. Each call starts from the state before the bucket.
    for (const value of [5, 30, 50]) state = detect(flat, { bucketStart, value }, DEFAULT_DETECTOR_PARAMS, state).state;
    const once = detect(flat, { bucketStart, value: 50 }, DEFAULT_DETECTOR_PARAMS, initialDetectorState());
    expect(state.core).toEqual(once.state.core);
    expect(state.core.burst?.spike.peakValue).toBe(50);
    expect(state.core.burst?.quiet).toBe(0);

    const stale = detect(flat, { bucketStart: at(flat, i - 1), value: 999 }, DEFAULT_DETECTOR_PARAMS, state);
    expect(stale.state).toBe(state);
    expect(stale.events).toEqual([]);
    expect(stale.z).toBeGreaterThan(100);
  });

  it("an unobserved (NaN) current bucket returns the baseline only", () => {
    const r = detect(series, { bucketStart: at(series, t), value: Number.NaN });
    expect(r.expected).toBeGreaterThan(0);
    expect(r.z).toBeNull();
    expect(r.state.lastBucketMs).toBeNull();
  });

  it("rejects a bucket that is not aligned with the series", () => {
    expect(() => detect(series, { bucketStart: new Date(at(series, t).getTime() + 60_000), value: 1 })).toThrow(RangeError);
  });
});
