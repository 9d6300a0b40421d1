// The bank-level alarm: which banks an operator is told are spiking (pure; no I/O).
//
// Why a second layer. The per-series detector (detector.ts) flags every (bank, measure) that leaves
// its band, and on a month of honest traffic that is ~0.7 spikes per bank-week, mostly "Charged
// yen" at small banks made by one or two honest ¥100,000 charges, or charges rising on paydays.
// Those spikes stay as evidence on the bank page; the alarm decides what goes in the banner.
//
// The attack's signature is new links, each followed within minutes by near-limit charges. So the
// alarm reads, per bank and 5-minute bucket, windows of the last 1, 2, 3, 6 and 12 buckets (5 to 60
// minutes) and asks, in each window:
//   - links: how unlikely is this many new links given the expected level? Counts at a small bank are
//     a handful a day, so this is a Poisson upper-tail probability on the window's sum, not a z-score
//     (the expected level is padded for the uncertainty of a baseline estimated from a few weeks).
//   - yen: how far above the expected level is the charged yen, in yen?
// It fires on
//   FRESH LINKS CHARGED: new links charged near the limits within minutes of linking (freshHeavy: a
//     link counts in the bucket where its charges since it was registered or changed, within
//     FRESH_LINK.minutes, include a near-limit charge or add up to ¥100,000: more than a customer's try).
//     Honest customers mostly try a new link with one small charge; such a link is typically the
//     attack's first wallet, so this fires on the first fraudulent link at a small bank. Its expected
//     level is the bank's expected links × the larger of freshHeavyShare (an assumed share of honest
//     new links charged that much that fast) and freshShareFactor × the platform's share over the
//     last 3 hours without the three banks where it is highest (platformFreshShare: a bonus day
//     raises it at every bank, an attack at a few banks does not). A large bank needs a
//     Poisson-unlikely count of them, not one, or
//   STRONG evidence in links alone: p ≤ strongP and at least strongMinExcess links above expected.
//     Off by default (strongP 0): a wallet campaign's push notification brings a burst of links that
//     links alone cannot tell from an attack; its links are tried with small charges, an attack's are
//     not (kept as a parameter for an operator who wants it), or
//   SUPPORTED evidence: p ≤ supportedP in links AND charged yen at least supportedYenPerLink per excess
//     link above expected (and at least supportedMinYen). A wallet campaign brings links with small
//     first charges; a payday or a big honest purchase brings yen without links; an attack brings both.
// Charged yen or charge counts alone never alarm. The alarm stays open while any window still shows
// link evidence at p ≤ closeP and closes after closeQuietBuckets buckets without it.
//
// Severity ranks banks by estimated harm: the charged yen above expected over the last hour (yen per
// hour), at least the excess links × typicalYenPerFraudLink (the charges of the first links may not
// have arrived yet). The alarm keeps its highest value.
import { MINUTE_MS } from "./time.ts";

export interface BankAlarmParams {
  /** Window lengths, in 5-minute buckets, each ending at the bucket evaluated. */
  readonly windows: readonly number[];
  /** Per-bucket floor of the expected link count (a bank with no history still has some chance of a link). */
  readonly linkFloor: number;
  /** Expected link counts are multiplied by this (the baseline is an estimate from a few weeks). */
  readonly linkInflation: number;
  readonly strongP: number;
  readonly strongMinExcess: number;
  readonly supportedP: number;
  readonly supportedYenPerLink: number;
  readonly supportedMinYen: number;
  /** ... and the yen excess is at least this many spreads of honest yen (compound Poisson: spread² = expected yen × yenUnit). */
  readonly supportedYenZ: number;
  /** Typical honest charge, yen, for that spread. */
  readonly yenUnit: number;
  readonly closeP: number;
  readonly closeQuietBuckets: number;
  readonly typicalYenPerFraudLink: number;
  /** Share of honest new links assumed to be charged ≥ FRESH_LINK.yen within FRESH_LINK.minutes of linking (an assumption: the demo's honest customers never do). */
  readonly freshHeavyShare: number;
  /** Tail probability at which fresh heavily charged links alone alarm. */
  readonly freshP: number;
  /** The platform's share (freshShare) is multiplied by this: it is an estimate over banks that differ. */
  readonly freshShareFactor: number;
}

/**
 * What makes a link "fresh and heavily charged" (counted by detection and the eval, not here): within
 * `minutes` of its registration (or change), a charge of at least `nearLimitYen` (near the ¥100,000
 * per-charge limit) or charges adding up to `yen`. A new customer tries a wallet with one small charge
 * (at most ¥50,000 in the demo); a fraudster empties the account in a few charges a minute apart, some
 * of them ¥50,000 (plan ¥50,000 + ¥50,000 + ¥30,000): the sum counts from the second. (It was ¥120,000,
 * waiting for the third charge, which can fall in the next bucket; on the eval's honest calendar ¥100,000
 * costs 4 more false alarms over 360 bank-weeks, on the bonus day and paydays: 0.044 per bank-week.)
 */
export const FRESH_LINK = Object.freeze({ minutes: 15, nearLimitYen: 90_000, yen: 100_000 });

/** Whether a link's charges so far (within FRESH_LINK.minutes of linking) make it fresh and heavily charged. */
export function isFreshHeavy(largestChargeYen: number, totalYen: number): boolean {
  return largestChargeYen >= FRESH_LINK.nearLimitYen || totalYen >= FRESH_LINK.yen;
}

export const DEFAULT_BANK_ALARM_PARAMS: BankAlarmParams = Object.freeze({
  windows: Object.freeze([1, 2, 3, 6, 12]),
  linkFloor: 0.01,
  linkInflation: 1.3,
  strongP: 0,
  strongMinExcess: 10,
  supportedP: 1e-4,
  supportedYenPerLink: 120_000,
  supportedMinYen: 150_000,
  supportedYenZ: 5,
  yenUnit: 30_000,
  closeP: 0.01,
  closeQuietBuckets: 12,
  typicalYenPerFraudLink: 200_000,
  freshHeavyShare: 0.002,
  freshP: 0.01,
  freshShareFactor: 3,
});

/** One bank's 5-minute measures, aligned: index i is the bucket at start + i·5 min. NaN = unknown. */
export interface BankMeasures {
  bankCode: string;
  start: Date;
  links: ArrayLike<number>;
  linksExpected: ArrayLike<number>;
  yen: ArrayLike<number>;
  yenExpected: ArrayLike<number>;
  /** Links that became fresh and heavily charged (isFreshHeavy), by the bucket they became it in (absent: none known). */
  freshHeavy?: ArrayLike<number>;
  /** The platform's share of new links charged heavily at once, per bucket (platformFreshShare; absent: only the assumed share). */
  freshShare?: ArrayLike<number>;
}

/**
 * How many banks platformFreshShare leaves out: at least `min`, and `share` of the banks. Several
 * attacks can run at once (the 2020 incident had three banks; the eval runs up to five at once), and
 * a bank under attack left in makes the platform look like a bonus day, which then hides one heavily
 * charged link at every large bank.
 */
export const FRESH_SHARE_LEAVE_OUT = Object.freeze({ min: 3, share: 0.15 });

export function freshShareLeaveOut(bankCount: number): number {
  return Math.max(FRESH_SHARE_LEAVE_OUT.min, Math.ceil(bankCount * FRESH_SHARE_LEAVE_OUT.share));
}

/**
 * Per bucket, the share of new links that became fresh and heavily charged across the platform over
 * the last `windowBuckets`, leaving out the `leaveOut` banks where they are the largest share of new
 * links (the banks an attack is at: nearly all of its links are). An honest day that makes many
 * people charge a lot at once (a bonus day) raises it at every bank; an attack at a few banks does
 * not. NaN where no link was seen. Arrays are aligned.
 */
export function platformFreshShare(
  banks: ReadonlyArray<{ links: ArrayLike<number>; freshHeavy?: ArrayLike<number> }>,
  n: number,
  windowBuckets = 36,
  leaveOut = freshShareLeaveOut(banks.length),
): Float64Array {
  const out = new Float64Array(n).fill(Number.NaN);
  const h = new Float64Array(banks.length);
  const l = new Float64Array(banks.length);
  const val = (a: ArrayLike<number> | undefined, i: number) => (a && i >= 0 && Number.isFinite(a[i]) ? a[i] : 0);
  const order = banks.map((_, k) => k);
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < banks.length; k++) {
      h[k] += val(banks[k].freshHeavy, t) - val(banks[k].freshHeavy, t - windowBuckets);
      l[k] += val(banks[k].links, t) - val(banks[k].links, t - windowBuckets);
    }
    order.sort((a, b) => h[b] / (l[b] + 1) - h[a] / (l[a] + 1));
    let hs = 0;
    let ls = 0;
    for (let j = leaveOut; j < order.length; j++) {
      hs += h[order[j]];
      ls += l[order[j]];
    }
    if (ls > 0) out[t] = hs / ls;
  }
  return out;
}

export type AlarmEvidence = "FRESH_LINKS_CHARGED" | "STRONG_LINKS" | "LINKS_AND_YEN";

export const ALARM_EVIDENCE_LABELS: Record<AlarmEvidence, string> = {
  FRESH_LINKS_CHARGED: "new links charged near the limits within minutes",
  STRONG_LINKS: "a burst of new links",
  LINKS_AND_YEN: "new links with near-limit charged yen",
};

export interface BankAlarm {
  bankCode: string;
  /** Start of the longest window that carried the evidence when the alarm fired. */
  startedAt: Date;
  /** End of the bucket in which the alarm fired: when an operator could first know. */
  confirmedAt: Date;
  evidence: AlarmEvidence;
  /** Estimated excess harm, yen per hour (highest so far). */
  impactYenPerHour: number;
  /** Start of the latest bucket that still showed link evidence. */
  lastSeenAt: Date;
  /** End of the last bucket with evidence, once closed; null while open. */
  endedAt: Date | null;
}

export interface BankAlarmState {
  open: BankAlarm | null;
  quiet: number;
}

export const INITIAL_BANK_ALARM_STATE: BankAlarmState = Object.freeze({ open: null, quiet: 0 });

const BUCKET_MS = 5 * MINUTE_MS;

const logFactorialCache: number[] = [0];
function logFactorial(k: number): number {
  for (let i = logFactorialCache.length; i <= k; i++) logFactorialCache[i] = logFactorialCache[i - 1] + Math.log(i);
  return logFactorialCache[k];
}

/** P(X ≥ k) for X ~ Poisson(λ); exact for the small counts met here (summed from k upwards). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (!(lambda > 0)) return 0;
  const kk = Math.ceil(k);
  let term = Math.exp(-lambda + kk * Math.log(lambda) - logFactorial(kk));
  let sum = term;
  for (let j = kk + 1; j < kk + 1000; j++) {
    term *= lambda / j;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}

export interface BucketEvidence {
  /** Smallest link tail probability over the windows. */
  linkP: number;
  evidence: AlarmEvidence | null;
  /** Start index of the window that carried the evidence (or the smallest p). */
  fromIndex: number;
  impactYenPerHour: number;
}

/** The evidence at bucket t (windows ending at t). Unknown expected levels make a window unusable. */
export function evidenceAt(m: BankMeasures, t: number, p: BankAlarmParams = DEFAULT_BANK_ALARM_PARAMS): BucketEvidence {
  let best: BucketEvidence = { linkP: 1, evidence: null, fromIndex: t, impactYenPerHour: 0 };
  let links = 0;
  let lambda = 0;
  let yen = 0;
  let yenExpected = 0;
  let fresh = 0;
  let lambdaFresh = 0;
  let w = 0;
  let usable = true;
  const maxWindow = Math.max(...p.windows);
  let hourYenExcess = 0;
  let hourLinkExcess = 0;
  for (let i = t; i > t - maxWindow && i >= 0; i--) {
    const l = m.links[i];
    const le = m.linksExpected[i];
    const y = m.yen[i];
    const ye = m.yenExpected[i];
    if (!Number.isFinite(l) || !Number.isFinite(le) || !Number.isFinite(y) || !Number.isFinite(ye)) usable = false;
    if (!usable) break;
    w++;
    links += l;
    fresh += m.freshHeavy ? m.freshHeavy[i] || 0 : 0;
    lambda += Math.max(le, p.linkFloor) * p.linkInflation;
    const share = m.freshShare ? m.freshShare[i] : Number.NaN;
    lambdaFresh += Math.max(le, p.linkFloor) * p.linkInflation * Math.max(p.freshHeavyShare, Number.isFinite(share) ? share * p.freshShareFactor : 0);
    yen += y;
    yenExpected += ye;
    hourYenExcess = yen - yenExpected;
    hourLinkExcess = links - lambda;
    if (!p.windows.includes(w)) continue;
    const pL = poissonUpperTail(links, lambda);
    const excess = links - lambda;
    let evidence: AlarmEvidence | null = null;
    if (fresh >= 1 && poissonUpperTail(fresh, lambdaFresh) <= p.freshP) evidence = "FRESH_LINKS_CHARGED";
    else if (pL <= p.strongP && excess >= p.strongMinExcess) evidence = "STRONG_LINKS";
    else if (
      pL <= p.supportedP &&
      excess > 0 &&
      yen - yenExpected >= Math.max(p.supportedMinYen, p.supportedYenPerLink * excess, p.supportedYenZ * Math.sqrt(Math.max(yenExpected, p.yenUnit) * p.yenUnit))
    )
      evidence = "LINKS_AND_YEN";
    if (evidence && !best.evidence) best = { linkP: pL, evidence, fromIndex: i, impactYenPerHour: 0 };
    else if (evidence && best.evidence) best = { ...best, fromIndex: i, linkP: Math.min(best.linkP, pL) };
    else if (pL < best.linkP) best = { ...best, linkP: pL, fromIndex: best.evidence ? best.fromIndex : i };
  }
  // The alarm began with the first new link (or fresh heavily charged link) of the evidence window.
  if (best.evidence) {
    let first = best.fromIndex;
    while (first < t && !(m.links[first] > 0) && !(m.freshHeavy && m.freshHeavy[first] > 0)) first++;
    best.fromIndex = first;
  }
  const perHour = (60 / 5) / Math.max(1, w);
  best.impactYenPerHour = Math.max(0, hourYenExcess * perHour, hourLinkExcess * p.typicalYenPerFraudLink * perHour);
  return best;
}

/**
 * Advances the alarm of one bank by bucket t. `partial`: the bucket is still filling, so it may open
 * or extend an alarm but not count as quiet. Returns the new state and whether the alarm opened,
 * changed or closed.
 */
export function stepBankAlarm(
  m: BankMeasures,
  t: number,
  state: BankAlarmState,
  p: BankAlarmParams = DEFAULT_BANK_ALARM_PARAMS,
  partial = false,
): { state: BankAlarmState; event: "OPENED" | "UPDATED" | "CLOSED" | null } {
  const startMs = m.start.getTime();
  const atMs = startMs + t * BUCKET_MS;
  const e = evidenceAt(m, t, p);
  const open = state.open;
  if (!open) {
    if (!e.evidence) return { state, event: null };
    const alarm: BankAlarm = {
      bankCode: m.bankCode,
      startedAt: new Date(startMs + e.fromIndex * BUCKET_MS),
      confirmedAt: new Date(atMs + BUCKET_MS),
      evidence: e.evidence,
      impactYenPerHour: e.impactYenPerHour,
      lastSeenAt: new Date(atMs),
      endedAt: null,
    };
    return { state: { open: alarm, quiet: 0 }, event: "OPENED" };
  }
  if (e.linkP <= p.closeP || e.evidence) {
    const alarm: BankAlarm = { ...open, lastSeenAt: new Date(Math.max(atMs, open.lastSeenAt.getTime())), impactYenPerHour: Math.max(open.impactYenPerHour, e.impactYenPerHour) };
    return { state: { open: alarm, quiet: 0 }, event: "UPDATED" };
  }
  if (partial) return { state, event: null };
  const quiet = state.quiet + 1;
  if (quiet >= p.closeQuietBuckets) {
    return { state: INITIAL_BANK_ALARM_STATE, event: "CLOSED" };
  }
  return { state: { open, quiet }, event: null };
}

/** The closed form of an alarm that `stepBankAlarm` reported CLOSED from `open`. */
export function closedAlarm(open: BankAlarm): BankAlarm {
  return { ...open, endedAt: new Date(open.lastSeenAt.getTime() + BUCKET_MS) };
}

/** Runs the alarm over every bucket of a bank (eval and tests). */
export function runBankAlarm(m: BankMeasures, p: BankAlarmParams = DEFAULT_BANK_ALARM_PARAMS): BankAlarm[] {
  const alarms: BankAlarm[] = [];
  let state = INITIAL_BANK_ALARM_STATE;
  for (let t = 0; t < m.links.length; t++) {
    const prev = state.open;
    const r = stepBankAlarm(m, t, state, p);
    if (r.event === "CLOSED" && prev) alarms.push(closedAlarm(prev));
    state = r.state;
  }
  if (state.open) alarms.push(state.open);
  return alarms.sort((a, b) => a.confirmedAt.getTime() - b.confirmedAt.getTime());
}
