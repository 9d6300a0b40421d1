import { describe, expect, it } from "vitest";
import { DEFAULT_BANK_ALARM_PARAMS, evidenceAt, freshShareLeaveOut, isFreshHeavy, platformFreshShare, poissonUpperTail, runBankAlarm, stepBankAlarm, INITIAL_BANK_ALARM_STATE, type BankMeasures } from "./alarm.ts";
import { poisson as poissonDraw, seededRandom } from "../../test/helpers/synthetic-volume.ts";

const START = new Date("2020-09-07T00:00:00+09:00");
const DAY_BUCKETS = 288;

/** A bank with Poisson links and charges at constant rates per 5-minute bucket, baselines known. */
function honestBank(seed: number, buckets: number, linkRate: number, chargeRate: number, yenPerCharge = 10_000): BankMeasures & { links: Float64Array; yen: Float64Array } {
  const rng = seededRandom(seed);
  const poisson = (l: number) => poissonDraw(rng, l);
  const links = new Float64Array(buckets);
  const yen = new Float64Array(buckets);
  for (let i = 0; i < buckets; i++) {
    links[i] = poisson(linkRate);
    yen[i] = poisson(chargeRate) * yenPerCharge;
  }
  return {
    bankCode: "0125",
    start: START,
    links,
    linksExpected: new Float64Array(buckets).fill(linkRate),
    yen,
    yenExpected: new Float64Array(buckets).fill(chargeRate * yenPerCharge),
  };
}

describe("poissonUpperTail", () => {
  it("matches hand-computed tails", () => {
    expect(poissonUpperTail(0, 0.5)).toBe(1);
    expect(poissonUpperTail(1, 0.5)).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(poissonUpperTail(2, 1)).toBeCloseTo(1 - 2 * Math.exp(-1), 12);
    // Deep tails stay accurate (no 1 − (1 − tiny) cancellation): P(X ≥ 10 | 0.1) = pmf(10)·(1 + 0.1/11 + …)
    const pmf10 = (Math.exp(-0.1) * 1e-10) / 3628800;
    expect(poissonUpperTail(10, 0.1) / (pmf10 * (1 + 0.1 / 11 + 0.01 / 132))).toBeCloseTo(1, 4);
    expect(poissonUpperTail(3, 0)).toBe(0);
  });
});

describe("isFreshHeavy", () => {
  it("counts a near-limit charge, or two ¥50,000 charges, not a customer's try of up to ¥50,000 or ¥80,000 in all", () => {
    expect(isFreshHeavy(100_000, 100_000)).toBe(true);
    expect(isFreshHeavy(90_000, 90_000)).toBe(true);
    expect(isFreshHeavy(50_000, 130_000)).toBe(true);
    expect(isFreshHeavy(50_000, 100_000)).toBe(true);
    expect(isFreshHeavy(50_000, 80_000)).toBe(false);
    expect(isFreshHeavy(30_000, 50_000)).toBe(false);
  });
});

describe("platformFreshShare", () => {
  it("is the share of new links charged heavily at once over the window, without the banks where it is highest", () => {
    const n = 40;
    const bank = (links: number, heavyEvery: number) => ({
      links: new Float64Array(n).fill(links),
      freshHeavy: Float64Array.from({ length: n }, (_, i) => (heavyEvery > 0 && i % heavyEvery === 0 ? 1 : 0)),
    });
    // 20 banks at 1 link a bucket, one heavy every 10 buckets (10%); 3 attacked banks, every link heavy.
    const banks = [...Array.from({ length: 20 }, () => bank(1, 10)), bank(1, 1), bank(1, 1), bank(1, 1)];
    const share = platformFreshShare(banks, n, 20);
    expect(share[39]).toBeCloseTo(0.1, 6); // the attacked banks are left out
    expect(platformFreshShare(banks, n, 20, 0)[39]).toBeGreaterThan(0.2);
    expect(Number.isNaN(platformFreshShare([bank(0, 0)], n)[5])).toBe(true);
  });

  it("leaves out enough banks that five attacks at once do not look like a bonus day", () => {
    const n = 40;
    const bank = (heavyEvery: number) => ({
      links: new Float64Array(n).fill(1),
      freshHeavy: Float64Array.from({ length: n }, (_, i) => (heavyEvery > 0 && i % heavyEvery === 0 ? 1 : 0)),
    });
    // 35 honest banks where no new link is charged heavily at once, and 5 banks under attack at the same time.
    const banks = [...Array.from({ length: 35 }, () => bank(0)), ...Array.from({ length: 5 }, () => bank(1))];
    expect(freshShareLeaveOut(banks.length)).toBe(6);
    expect(platformFreshShare(banks, n, 20)[39]).toBe(0);
    const threeLeftOut = platformFreshShare(banks, n, 20, 3)[39];
    expect(threeLeftOut).toBeGreaterThan(0.03);
    // With the attacks' share counted as the platform's, the first heavily charged link at a large
    // bank is explained away; with them left out it alarms.
    const large = { ...honestBank(13, DAY_BUCKETS, 0.8, 4), freshHeavy: new Float64Array(DAY_BUCKETS) };
    large.freshHeavy[150] = 1;
    expect(evidenceAt({ ...large, freshShare: new Float64Array(DAY_BUCKETS).fill(threeLeftOut) }, 150).evidence).toBeNull();
    expect(evidenceAt({ ...large, freshShare: new Float64Array(DAY_BUCKETS).fill(0) }, 150).evidence).toBe("FRESH_LINKS_CHARGED");
  });

  it("a bonus day's share keeps one heavily charged link at a large bank from alarming", () => {
    const bank = { ...honestBank(12, DAY_BUCKETS, 0.45, 3), freshHeavy: new Float64Array(DAY_BUCKETS) };
    bank.freshHeavy[150] = 1;
    expect(evidenceAt(bank, 150).evidence).toBe("FRESH_LINKS_CHARGED");
    expect(evidenceAt({ ...bank, freshShare: new Float64Array(DAY_BUCKETS).fill(0.015) }, 150).evidence).toBeNull();
  });
});

describe("bank alarm", () => {
  it("stays quiet on two weeks of honest traffic at small and large banks", () => {
    for (const [seed, linkRate, chargeRate] of [
      [1, 0.05, 0.3],
      [2, 0.4, 2],
      [3, 2, 10],
    ] as const) {
      const bank = honestBank(seed, 14 * DAY_BUCKETS, linkRate, chargeRate);
      expect(runBankAlarm(bank)).toEqual([]);
    }
  });

  it("does not alarm on charged yen alone: three honest ¥100,000 charges at a small bank", () => {
    const bank = honestBank(4, DAY_BUCKETS, 0.05, 0.3);
    bank.yen[100] += 300_000;
    expect(runBankAlarm(bank)).toEqual([]);
  });

  it("does not alarm on a campaign's links with small first charges", () => {
    const bank = honestBank(5, DAY_BUCKETS, 0.05, 0.3);
    // 4 campaign links in 15 minutes, each with a ¥3,000 first charge.
    for (const i of [100, 101, 102, 102]) {
      bank.links[i] += 1;
      bank.yen[i] += 3_000;
    }
    const e = evidenceAt(bank, 102);
    expect(e.linkP).toBeLessThan(1e-3);
    expect(e.evidence).toBeNull();
    expect(runBankAlarm(bank)).toEqual([]);
  });

  it("fires in the bucket where links are supported by near-limit charges, with the harm per hour", () => {
    const bank = honestBank(6, DAY_BUCKETS, 0.05, 0.3);
    bank.links[100] += 1;
    bank.yen[100] += 190_000;
    expect(evidenceAt(bank, 100).evidence).toBeNull(); // one link is not enough
    bank.links[101] += 4;
    bank.yen[101] += 800_000;
    const alarms = runBankAlarm(bank);
    expect(alarms).toHaveLength(1);
    const [a] = alarms;
    expect(a.evidence).toBe("LINKS_AND_YEN");
    expect(a.confirmedAt.getTime()).toBe(START.getTime() + 102 * 5 * 60_000); // end of bucket 101
    expect(a.startedAt.getTime()).toBeLessThanOrEqual(START.getTime() + 100 * 5 * 60_000);
    expect(a.impactYenPerHour).toBeGreaterThan(300_000);
    // Closed an hour (closeQuietBuckets) after the evidence faded.
    expect(a.endedAt).not.toBeNull();
  });

  it("fires on links alone when the burst is strong only when asked to, and ranks by harm", () => {
    const bank = honestBank(7, DAY_BUCKETS, 0.4, 2);
    bank.links[50] += 14;
    expect(runBankAlarm(bank)).toEqual([]); // off by default: a campaign's push looks the same
    const [a] = runBankAlarm(bank, { ...DEFAULT_BANK_ALARM_PARAMS, strongP: 1e-9 });
    expect(a.evidence).toBe("STRONG_LINKS");
    expect(a.confirmedAt.getTime()).toBe(START.getTime() + 51 * 5 * 60_000);
    expect(a.impactYenPerHour).toBeGreaterThanOrEqual(13 * DEFAULT_BANK_ALARM_PARAMS.typicalYenPerFraudLink);
  });

  it("fires on the first link charged near the limits within minutes at a small bank, in that bucket", () => {
    const bank = honestBank(10, DAY_BUCKETS, 0.05, 0.3);
    const freshHeavy = new Float64Array(DAY_BUCKETS);
    bank.links[100] += 1;
    bank.yen[101] += 200_000;
    freshHeavy[101] = 1; // the link's charges reached FRESH_LINK.yen in bucket 101
    expect(runBankAlarm(bank)).toEqual([]); // without the fresh-link measure: one link is not enough
    const [a] = runBankAlarm({ ...bank, freshHeavy });
    expect(a.evidence).toBe("FRESH_LINKS_CHARGED");
    expect(a.confirmedAt.getTime()).toBe(START.getTime() + 102 * 5 * 60_000);
  });

  it("needs several fresh heavily charged links at a large bank, where one is within honest chance", () => {
    const bank = { ...honestBank(11, DAY_BUCKETS, 8, 40), freshHeavy: new Float64Array(DAY_BUCKETS) };
    bank.freshHeavy[100] = 1;
    expect(evidenceAt(bank, 100).evidence).toBeNull();
    expect(runBankAlarm(bank)).toEqual([]);
    bank.freshHeavy[101] = 2;
    expect(evidenceAt(bank, 101).evidence).toBe("FRESH_LINKS_CHARGED");
  });

  it("does not alarm while the baseline is unknown (learning)", () => {
    const bank = honestBank(8, 50, 0.05, 0.3);
    bank.linksExpected = new Float64Array(50).fill(Number.NaN);
    bank.links[10] += 9;
    bank.yen[10] += 900_000;
    expect(runBankAlarm(bank)).toEqual([]);
  });

  it("a still-filling bucket can open an alarm but never counts towards closing it", () => {
    const bank = honestBank(9, DAY_BUCKETS, 0.05, 0.3);
    bank.links[20] += 5;
    bank.yen[20] += 1_000_000;
    let state = stepBankAlarm(bank, 20, INITIAL_BANK_ALARM_STATE).state;
    expect(state.open).not.toBeNull();
    for (let t = 21 + 12; t < 21 + 12 + DEFAULT_BANK_ALARM_PARAMS.closeQuietBuckets; t++) {
      const r = stepBankAlarm(bank, t, state, DEFAULT_BANK_ALARM_PARAMS, true);
      expect(r.event).not.toBe("CLOSED");
      state = r.state;
    }
  });
});
