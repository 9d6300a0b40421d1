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
//   SUSPECT LINKS: another person's bank account linked within minutes of opening a wallet whose
//     holder is not identity-verified, or by a verified one that then draws on it twice within
//     minutes (counted at that charge) (isSuspectLink). This is the attack's first step and is seen
//     before any charge: it catches the first fraudulent link whose account was empty or gave only a
//     customer-sized try, which FRESH LINKS CHARGED cannot tell from an honest one. Its expected level
//     is the bank's expected links × the larger of suspectShare (an assumed share of honest links that
//     look like this) and freshShareFactor × the platform's share of them (platformSuspectShare). At a
//     bank whose link page asks only for a PIN it fires at p ≤ suspectPinOnlyP (0.01: one such link
//     at any but the largest banks): there anyone holding a customer's name, account number and PIN
//     can link the account, which is how the 2020 attack worked. Elsewhere it needs p ≤ suspectP
//     (1e-5: two or more within the hour): honest customers link a relative's or a business account
//     from a new wallet about 0.17 times per bank-week across the platform (the eval's honest calendar),
//     nearly all at banks with stronger link pages, so one alone there would cost more false alarms
//     than the whole goal allows, or
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
// hour), at least the excess links (or suspect links) × typicalYenPerFraudLink (the charges of the
// first links may not have arrived yet). The alarm keeps its highest value.
//
// Reasons. Every alarm carries the figures behind it (AlarmReason: measure, window, observed,
// expected, factor), one per measure that fired, so the console words them in the reader's language
// and an operator sees how far from normal the bank is, not only that it is.
import {
  DEFAULT_BANK_ALARM_PARAMS,
  INITIAL_BANK_ALARM_STATE,
  type AlarmEvidence,
  type AlarmMeasure,
  type AlarmReason,
  type BankAlarm,
  type BankAlarmParams,
  type BankAlarmState,
  type BankMeasures,
} from "./alarm-types.ts";
import { poissonUpperTail } from "./poisson.ts";
import { MINUTE_MS } from "./time.ts";

export * from "./alarm-types.ts";
export { FRESH_LINK, FRESH_SHARE_LEAVE_OUT, SUSPECT_LINK, freshShareLeaveOut, isFreshHeavy, isSuspectLink, platformFreshShare, platformShare, platformSuspectShare, type LinkSubject } from "./link-measures.ts";
export { poissonUpperTail } from "./poisson.ts";

const BUCKET_MS = 5 * MINUTE_MS;

export interface BucketEvidence {
  /** Smallest link tail probability over the windows. */
  linkP: number;
  evidence: AlarmEvidence | null;
  /** Start index of the window that carried the evidence (or the smallest p). */
  fromIndex: number;
  impactYenPerHour: number;
  /** The figures of the measures that fired, per measure from the shortest window where it fired. */
  reasons: AlarmReason[];
}

function reason(measure: AlarmMeasure, windowBuckets: number, observed: number, expected: number): AlarmReason {
  return { measure, windowMinutes: windowBuckets * 5, observed, expected, factor: expected > 0 ? observed / expected : null };
}

/** The expected count of marked links (fresh heavy, suspect) in a bucket: expected links × the larger of the assumed and the platform's share. */
function markedExpected(linksExpected: number, p: BankAlarmParams, assumedShare: number, platformShare: ArrayLike<number> | undefined, i: number): number {
  const share = platformShare ? platformShare[i] : Number.NaN;
  return Math.max(linksExpected, p.linkFloor) * p.linkInflation * Math.max(assumedShare, Number.isFinite(share) ? share * p.freshShareFactor : 0);
}

/** The evidence at bucket t (windows ending at t). Unknown expected levels make a window unusable. */
export function evidenceAt(m: BankMeasures, t: number, p: BankAlarmParams = DEFAULT_BANK_ALARM_PARAMS): BucketEvidence {
  let best: BucketEvidence = { linkP: 1, evidence: null, fromIndex: t, impactYenPerHour: 0, reasons: [] };
  let links = 0;
  let lambda = 0;
  let yen = 0;
  let yenExpected = 0;
  let fresh = 0;
  let lambdaFresh = 0;
  let suspect = 0;
  let lambdaSuspect = 0;
  let w = 0;
  let usable = true;
  const maxWindow = Math.max(...p.windows);
  const suspectP = m.pinOnlyLinkPage ? p.suspectPinOnlyP : p.suspectP;
  for (let i = t; i > t - maxWindow && i >= 0; i--) {
    const l = m.links[i];
    const le = m.linksExpected[i];
    const y = m.yen[i];
    const ye = m.yenExpected[i];
    if (!Number.isFinite(l) || !Number.isFinite(le) || !Number.isFinite(y) || !Number.isFinite(ye)) usable = false;
    if (!usable) break;
    w++;
    links += l;
    lambda += Math.max(le, p.linkFloor) * p.linkInflation;
    fresh += m.freshHeavy ? m.freshHeavy[i] || 0 : 0;
    lambdaFresh += markedExpected(le, p, p.freshHeavyShare, m.freshShare, i);
    suspect += m.suspect ? m.suspect[i] || 0 : 0;
    lambdaSuspect += markedExpected(le, p, p.suspectShare, m.suspectShare, i);
    yen += y;
    yenExpected += ye;
    if (!p.windows.includes(w)) continue;
    const pL = poissonUpperTail(links, lambda);
    const excess = links - lambda;
    const freshFires = fresh >= 1 && poissonUpperTail(fresh, lambdaFresh) <= p.freshP;
    const suspectFires = suspect >= 1 && poissonUpperTail(suspect, lambdaSuspect) <= suspectP;
    const strong = pL <= p.strongP && excess >= p.strongMinExcess;
    const supported =
      pL <= p.supportedP &&
      excess > 0 &&
      yen - yenExpected >= Math.max(p.supportedMinYen, p.supportedYenPerLink * excess, p.supportedYenZ * Math.sqrt(Math.max(yenExpected, p.yenUnit) * p.yenUnit));
    const evidence: AlarmEvidence | null = freshFires ? "FRESH_LINKS_CHARGED" : suspectFires ? "SUSPECT_LINKS" : strong ? "STRONG_LINKS" : supported ? "LINKS_AND_YEN" : null;
    if (evidence) {
      const fired: AlarmReason[] = [];
      if (freshFires) fired.push(reason("FRESH_HEAVY_LINKS", w, fresh, lambdaFresh));
      if (suspectFires) fired.push(reason("SUSPECT_LINKS", w, suspect, lambdaSuspect));
      if (strong || supported) fired.push(reason("NEW_LINKS", w, links, lambda));
      if (supported) fired.push(reason("CHARGED_YEN", w, yen, yenExpected));
      const reasons = mergeReasons(best.reasons, fired); // a shorter window's figures stay
      if (!best.evidence) best = { linkP: pL, evidence, fromIndex: i, impactYenPerHour: 0, reasons };
      else best = { ...best, fromIndex: i, linkP: Math.min(best.linkP, pL), reasons };
    } else if (pL < best.linkP) best = { ...best, linkP: pL, fromIndex: best.evidence ? best.fromIndex : i };
  }
  // The alarm began with the first new link (or fresh heavily charged link) of the evidence window;
  // raised by suspect links, with the first of them (an honest link before it is not the attack).
  if (best.evidence) {
    let first = best.fromIndex;
    const began = (i: number) =>
      best.evidence === "SUSPECT_LINKS" ? (m.suspect?.[i] ?? 0) > 0 : m.links[i] > 0 || (m.freshHeavy !== undefined && m.freshHeavy[i] > 0);
    while (first < t && !began(first)) first++;
    best.fromIndex = first;
  }
  // Over the whole window read (an hour when the history allows), per hour.
  const perHour = 60 / 5 / Math.max(1, w);
  const linkHarm = Math.max(links - lambda, suspect - lambdaSuspect) * p.typicalYenPerFraudLink;
  best.impactYenPerHour = Math.max(0, (yen - yenExpected) * perHour, linkHarm * perHour);
  return best;
}

/** `older` with the measures of `newer` replacing theirs (newer first). */
function mergeReasons(newer: readonly AlarmReason[], older: readonly AlarmReason[]): AlarmReason[] {
  return [...newer, ...older.filter((o) => !newer.some((n) => n.measure === o.measure))];
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
      reasons: e.reasons,
      impactYenPerHour: e.impactYenPerHour,
      lastSeenAt: new Date(atMs),
      endedAt: null,
    };
    return { state: { open: alarm, quiet: 0 }, event: "OPENED" };
  }
  if (e.linkP <= p.closeP || e.evidence) {
    const alarm: BankAlarm = {
      ...open,
      reasons: mergeReasons(e.reasons, open.reasons),
      lastSeenAt: new Date(Math.max(atMs, open.lastSeenAt.getTime())),
      impactYenPerHour: Math.max(open.impactYenPerHour, e.impactYenPerHour),
    };
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
