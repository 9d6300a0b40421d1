import { describe, expect, it } from "vitest";
import {
  DEFAULT_BANK_ALARM_PARAMS,
  evidenceAt,
  freshShareLeaveOut,
  isFreshHeavy,
  isSuspectLink,
  platformFreshShare,
  platformSuspectShare,
  poissonUpperTail,
  runBankAlarm,
  stepBankAlarm,
  INITIAL_BANK_ALARM_STATE,
  SUSPECT_LINK,
  type BankMeasures,
} from "./alarm.ts";
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

describe("isSuspectLink", () => {
  const opened = Date.parse("2020-09-07T10:00:00+09:00");
  const link = (o: Partial<Parameters<typeof isSuspectLink>[0]>) =>
    isSuspectLink({ walletOpenedAtMs: opened, walletHolderName: "ヤマダ タロウ", identityVerified: false, linkedAtMs: opened + 3 * 60_000, linkHolderName: "スズキ ハナコ", ...o });
  it("is another person's account linked minutes after opening a wallet without verified identity", () => {
    expect(link({})).toBe(true);
    expect(link({ linkedAtMs: opened + SUSPECT_LINK.minutes * 60_000 })).toBe(true);
  });
  it("is a verified wallet's link of another person's account once it drew on it twice (SUSPECT_LINK.verifiedCharges), not after one charge", () => {
    expect(SUSPECT_LINK.verifiedCharges).toBe(2);
    expect(link({ identityVerified: true, chargesSoFar: 0 })).toBe(false);
    expect(link({ identityVerified: true, chargesSoFar: 1 })).toBe(false);
    expect(link({ identityVerified: true, chargesSoFar: 2 })).toBe(true);
    expect(link({ identityVerified: true, chargesSoFar: 4 })).toBe(true);
  });
  it("charges do not make a verified wallet's link suspect when the account is the holder's own or a relative's, or the link came late", () => {
    expect(link({ identityVerified: true, chargesSoFar: 3, linkHolderName: "ﾔﾏﾀﾞ ﾀﾛｳ" })).toBe(false);
    expect(link({ identityVerified: true, chargesSoFar: 3, linkHolderName: "ヤマダ ハナコ" })).toBe(false);
    expect(link({ identityVerified: true, chargesSoFar: 3, linkedAtMs: opened + (SUSPECT_LINK.minutes + 1) * 60_000 })).toBe(false);
  });
  it("is not the holder's own account (in any width or spacing), a family account sharing the surname, a verified wallet's link or a later one", () => {
    expect(link({ linkHolderName: "ﾔﾏﾀﾞ ﾀﾛｳ" })).toBe(false);
    expect(link({ linkHolderName: "ヤマダ　タロウ" })).toBe(false);
    expect(link({ linkHolderName: "ヤマダ ハナコ" })).toBe(false);
    expect(link({ identityVerified: true })).toBe(false);
    expect(link({ linkedAtMs: opened + (SUSPECT_LINK.minutes + 1) * 60_000 })).toBe(false);
    expect(link({ linkedAtMs: opened - 60_000 })).toBe(false);
  });
});

describe("bank alarm on suspect links", () => {
  /** A small bank whose link page asks only for a PIN, with one suspect link in bucket 100. */
  const pinOnlyBank = (seed: number) => {
    const bank = { ...honestBank(seed, DAY_BUCKETS, 0.05, 0.3), suspect: new Float64Array(DAY_BUCKETS), freshHeavy: new Float64Array(DAY_BUCKETS), pinOnlyLinkPage: true };
    bank.links[100] += 1;
    bank.suspect[100] = 1;
    return bank;
  };

  it("fires in the bucket of one suspect link at a PIN-only bank, before any charge, with the figures behind it", () => {
    const bank = pinOnlyBank(20);
    expect(runBankAlarm({ ...bank, suspect: undefined })).toEqual([]); // one link alone is within chance
    const [a] = runBankAlarm(bank);
    expect(a.evidence).toBe("SUSPECT_LINKS");
    expect(a.startedAt.getTime()).toBe(START.getTime() + 100 * 5 * 60_000);
    expect(a.confirmedAt.getTime()).toBe(START.getTime() + 101 * 5 * 60_000);
    expect(a.impactYenPerHour).toBeGreaterThan(0);
    // As raised: one in the 5-minute bucket; while open, the latest figures (the hour after it).
    const raised = stepBankAlarm(bank, 100, INITIAL_BANK_ALARM_STATE).state.open!;
    const r = raised.reasons.find((x) => x.measure === "SUSPECT_LINKS")!;
    expect(r).toMatchObject({ observed: 1, windowMinutes: 5 });
    expect(a.reasons.find((x) => x.measure === "SUSPECT_LINKS")).toMatchObject({ observed: 1, windowMinutes: 60 });
    expect(r.expected).toBeLessThan(0.01);
    expect(r.factor).toBeGreaterThan(100);
    expect(runBankAlarm(bank, { ...DEFAULT_BANK_ALARM_PARAMS, suspectPinOnlyP: 0 })).toEqual([]);
  });

  it("keeps the early alarm open and adds the charges that confirm it to its reasons", () => {
    const bank = pinOnlyBank(21);
    bank.links[105] += 1;
    bank.yen[105] += 200_000;
    bank.freshHeavy[105] = 1;
    const alarms = runBankAlarm(bank);
    expect(alarms).toHaveLength(1);
    expect(alarms[0].evidence).toBe("SUSPECT_LINKS");
    expect(alarms[0].reasons.map((r) => r.measure)).toEqual(expect.arrayContaining(["SUSPECT_LINKS", "FRESH_HEAVY_LINKS"]));
  });

  it("needs two within the hour at a bank with a stronger link page, and more at a large one", () => {
    const bank = { ...pinOnlyBank(22), pinOnlyLinkPage: false };
    expect(evidenceAt(bank, 100).evidence).toBeNull();
    bank.links[108] += 1;
    bank.suspect[108] = 1;
    expect(evidenceAt(bank, 108).evidence).toBe("SUSPECT_LINKS");

    const large = { ...honestBank(23, DAY_BUCKETS, 8, 40), suspect: new Float64Array(DAY_BUCKETS), pinOnlyLinkPage: true };
    large.suspect[100] = 1;
    expect(evidenceAt(large, 100).evidence).toBeNull();
    large.suspect[101] = 2;
    expect(evidenceAt(large, 101).evidence).toBe("SUSPECT_LINKS");
  });

  it("a platform-wide rise of such links raises the bar everywhere; the banks where they are most of the new links are left out of it", () => {
    const bank = pinOnlyBank(24);
    expect(evidenceAt({ ...bank, suspectShare: new Float64Array(DAY_BUCKETS).fill(0.5) }, 100).evidence).toBeNull();
    const n = 40;
    const b = (suspectEvery: number) => ({
      links: new Float64Array(n).fill(1),
      suspect: Float64Array.from({ length: n }, (_, i) => (suspectEvery > 0 && i % suspectEvery === 0 ? 1 : 0)),
    });
    const banks = [...Array.from({ length: 30 }, () => b(0)), ...Array.from({ length: 4 }, () => b(1))];
    expect(platformSuspectShare(banks, n, 20)[39]).toBe(0);
  });
});

describe("alarm reasons", () => {
  it("links with near-limit yen: the new links and the charged yen, each against its expected level", () => {
    const bank = honestBank(24, DAY_BUCKETS, 0.05, 0.3);
    bank.links[100] += 5;
    bank.yen[100] += 1_000_000;
    const [a] = runBankAlarm(bank);
    expect(a.evidence).toBe("LINKS_AND_YEN");
    const byMeasure = new Map(a.reasons.map((r) => [r.measure, r]));
    expect(byMeasure.get("NEW_LINKS")!.observed).toBeGreaterThanOrEqual(5);
    expect(byMeasure.get("CHARGED_YEN")!.observed).toBeGreaterThanOrEqual(1_000_000);
    expect(byMeasure.get("CHARGED_YEN")!.factor).toBeGreaterThan(10);
  });
});
