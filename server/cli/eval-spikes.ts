// `npm run eval:spikes`: does the banner name the attacked banks, quickly, and only them?
//
// For each seed: generate a month of demo traffic (the labelled generator behind `npm start`, with its
// honest calendar, see DemoCalendar: paydays on the 25th and the last business day, the 10 December
// bonus day, a wallet campaign at 0149 with a noon push, a maintenance window at 0017 and its
// catch-up, the New Year; plus honest big purchases charged near the limits) ending just after the
// New Year, with 5 attacks of each of three sizes at different banks and times in the last week
// (when baselines are weekly, as in a running system). The bonus day falls in the warm-up.
// Roll the events up into the same 5- and 60-minute per-bank measures ingestion writes, then run
//   - the previous rule (every per-series BURST/CUSUM spike alarms the bank: EVERY_SPIKE),
//   - the bank-level alarm as it was before suspect links (PRIOR_ALARM: suspectP 0),
//   - the bank-level alarm as it was with suspect links of unverified wallets only (UNVERIFIED), and
//   - the bank-level alarm (shared/volume/alarm.ts: BANK_ALARM) on the 5-minute lane's expected levels,
//     the links charged near the limit within FRESH_LINK.minutes of linking (isFreshHeavy, as detection
//     counts them from the charges) and the suspect links (isSuspectLink: another person's account
//     linked within SUSPECT_LINK.minutes of opening a wallet without verified identity, or by a
//     verified wallet that then drew on it SUSPECT_LINK.verifiedCharges times within
//     SUSPECT_LINK.chargeMinutes, as detection reads them from the links, their wallets and charges).
//     The detector sees only what the platform sends; the generator's labels serve only to score it,
// and report per attack size the recall and the delay to detection (end of the first alarming
// bucket − the attack's first fraudulent link at the bank), the share known within one bucket (by
// the end of the 5-minute bucket after the one the attack began in), and alarms per bank-week at
// banks never attacked in that run (after a 7-day warm-up).
//
// Usage: npm run eval:spikes -- [--seeds 1,2,3] [--verbose] [--params '{"strongP":1e-9}']
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { PlatformEvent } from "../../shared/events/schemas.ts";
import { DEFAULT_BANK_ALARM_PARAMS, FRESH_LINK, isFreshHeavy, isSuspectLink, platformFreshShare, SUSPECT_LINK, platformSuspectShare, runBankAlarm, type BankAlarm, type BankAlarmParams, type LinkSubject } from "../../shared/volume/alarm.ts";
import { runSeries } from "../../shared/volume/series-run.ts";
import { defaultParamsFor } from "../../shared/volume/params.ts";
import type { VolumeMetric } from "../../shared/volume/types.ts";
import { generateDemo, type DemoAttackSpec } from "../features/events/demo/index.ts";
import { REFERENCE_BANKS } from "../features/reference/banks.ts";
import { createRng, int } from "../features/events/demo/prng.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Eight days after the New Year: the month before holds the bonus day, paydays and the holidays. */
export const EVAL_NOW = new Date("2021-01-08T12:00:00+09:00");
/** 37 days: after the 7-day warm-up the window still holds the 10 December bonus day. */
const DAYS = 37;
const WARM_UP_DAYS = 7;
const ATTACK_HOURS = 6;
/** The bucket size of the live alarm (server/features/volume/detection.ts runs it on the 5-minute lane). */
export const ALARM_BUCKET_MINUTES = 5;

/** Attack sizes, in fraudulent wallets an hour at full pace (each links one account and charges it). */
export const ATTACK_SIZES = [
  { name: "demo-size", perHour: 11, banks: ["0125", "0152", "0168", "0126", "0157", "0120", "0121"] },
  { name: "half", perHour: 5, banks: ["0124", "0119", "0133", "0143", "0153", "0129", "0116"] },
  { name: "small slow (large bank)", perHour: 3, banks: ["0001", "0005", "0009", "9900", "0036", "0010", "0038"] },
] as const;
const ATTACKS_PER_SIZE = 5;

const METRICS: VolumeMetric[] = ["LINK_REGISTERED", "LINK_CHANGED", "CHARGE_COUNT", "CHARGE_YEN"];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

interface Rollup {
  startMs: number;
  n5: number;
  n60: number;
  /** `${bank}|${metric}|${minutes}` → values */
  series: Map<string, Float64Array>;
  /** link id → where and when it was registered */
  registeredAt: Map<string, { bankCode: string; t: number }>;
  /** link id → when it became fresh and heavily charged (isFreshHeavy), if it did */
  freshHeavyAt: Map<string, number>;
  /** link id → when its registration became a suspect link (isSuspectLink: when made, or at a verified wallet's second charge) */
  suspectAt: Map<string, number>;
}

function rollUp(events: Iterable<PlatformEvent>, windowStart: Date, now: Date): Rollup {
  const startMs = Math.floor(windowStart.getTime() / HOUR) * HOUR;
  const n5 = Math.ceil((now.getTime() - startMs) / (5 * MIN)) + 1;
  const n60 = Math.ceil((now.getTime() - startMs) / HOUR) + 1;
  const series = new Map<string, Float64Array>();
  const arr = (bank: string, metric: VolumeMetric, minutes: number) => {
    const key = `${bank}|${metric}|${minutes}`;
    let a = series.get(key);
    if (!a) series.set(key, (a = new Float64Array(minutes === 5 ? n5 : n60)));
    return a;
  };
  const bump = (bank: string, metric: VolumeMetric, t: number, v: number) => {
    const i5 = Math.floor((t - startMs) / (5 * MIN));
    if (i5 < 0 || i5 >= n5) return;
    arr(bank, metric, 5)[i5] += v;
    arr(bank, metric, 60)[Math.floor((t - startMs) / HOUR)] += v;
  };
  const linkBank = new Map<string, string>();
  const registeredAt = new Map<string, { bankCode: string; t: number }>();
  const freshHeavyAt = new Map<string, number>();
  // Per link: when it last pointed at a new bank account (registered or changed) and what was charged
  // within FRESH_LINK.minutes of that; counted once as FRESH_HEAVY when that reaches FRESH_LINK.yen.
  const fresh = new Map<string, { since: number; yen: number; largest: number; counted: boolean }>();
  /** One more in the bank's 5-minute series of a per-link measure (FRESH_HEAVY, SUSPECT). */
  const mark = (measure: string, bank: string, t: number) => {
    const i5 = Math.floor((t - startMs) / (5 * MIN));
    if (i5 < 0 || i5 >= n5) return;
    let a = series.get(`${bank}|${measure}|5`);
    if (!a) series.set(`${bank}|${measure}|5`, (a = new Float64Array(n5)));
    a[i5] += 1;
  };
  // What detection reads about a link's wallet (server/features/volume/alarms.ts): opened when, by whom, verified.
  const accounts = new Map<string, { openedAtMs: number; holderName: string; identityVerified: boolean }>();
  const linkAccount = new Map<string, string>();
  const suspectAt = new Map<string, number>();
  /** Links of verified wallets that are suspect once drawn on SUSPECT_LINK.verifiedCharges times (isSuspectLink's chargesSoFar). */
  const pending = new Map<string, { subject: LinkSubject; charges: number; registered: boolean }>();
  for (const e of events) {
    const t = Date.parse(e.occurredAt);
    if (e.type === "account.opened") {
      accounts.set(e.account.id, { openedAtMs: t, holderName: e.account.holderName, identityVerified: e.account.identityVerified });
    } else if (e.type === "link.registered" || e.type === "link.changed") {
      linkBank.set(e.link.id, e.link.bankCode);
      if (e.type === "link.registered") linkAccount.set(e.link.id, e.link.accountId);
      const wallet = accounts.get(linkAccount.get(e.link.id) ?? "");
      pending.delete(e.link.id);
      if (wallet) {
        const subject = { walletOpenedAtMs: wallet.openedAtMs, walletHolderName: wallet.holderName, identityVerified: wallet.identityVerified, linkedAtMs: t, linkHolderName: e.link.holderName };
        if (isSuspectLink(subject)) {
          mark("SUSPECT", e.link.bankCode, t);
          mark("SUSPECT_UNVERIFIED", e.link.bankCode, t);
          if (e.type === "link.registered") suspectAt.set(e.link.id, t);
        } else if (wallet.identityVerified && isSuspectLink({ ...subject, chargesSoFar: SUSPECT_LINK.verifiedCharges })) {
          // a verified wallet's link: suspect once its charges within SUSPECT_LINK.chargeMinutes reach verifiedCharges
          pending.set(e.link.id, { subject, charges: 0, registered: e.type === "link.registered" });
        }
      }
      fresh.set(e.link.id, { since: t, yen: 0, largest: 0, counted: false });
      if (e.type === "link.registered") registeredAt.set(e.link.id, { bankCode: e.link.bankCode, t });
      bump(e.link.bankCode, e.type === "link.registered" ? "LINK_REGISTERED" : "LINK_CHANGED", t, 1);
    } else if (e.type === "charge.completed") {
      const bank = linkBank.get(e.charge.linkId);
      if (!bank) continue;
      bump(bank, "CHARGE_COUNT", t, 1);
      bump(bank, "CHARGE_YEN", t, e.charge.amountYen);
      const p = pending.get(e.charge.linkId);
      if (p && t - p.subject.linkedAtMs <= SUSPECT_LINK.chargeMinutes * MIN) {
        p.charges++;
        if (isSuspectLink({ ...p.subject, chargesSoFar: p.charges })) {
          mark("SUSPECT", bank, t);
          if (p.registered) suspectAt.set(e.charge.linkId, t);
          pending.delete(e.charge.linkId);
        }
      }
      const f = fresh.get(e.charge.linkId);
      if (f && !f.counted && t - f.since <= FRESH_LINK.minutes * MIN) {
        f.yen += e.charge.amountYen;
        f.largest = Math.max(f.largest, e.charge.amountYen);
        if (isFreshHeavy(f.largest, f.yen)) {
          f.counted = true;
          if (!freshHeavyAt.has(e.charge.linkId)) freshHeavyAt.set(e.charge.linkId, t);
          mark("FRESH_HEAVY", bank, t);
        }
      }
    }
  }
  return { startMs, n5, n60, series, registeredAt, freshHeavyAt, suspectAt };
}

interface BankDetection {
  /** Ends of the buckets in which each alarm (or spike) was first known, and its start. */
  alarms: { knownAtMs: number; startedAtMs: number }[];
}

/** `--params '{"supportedP":0}'`: the alarm with some parameters changed (for tuning). */
const alarmParams: BankAlarmParams = { ...DEFAULT_BANK_ALARM_PARAMS, ...(JSON.parse(arg("params", "{}")) as Partial<BankAlarmParams>) };

/** The platform's shares of fresh heavily charged links and of suspect links per 5-minute bucket (platformFreshShare, platformSuspectShare), over the given banks. */
interface PlatformShares {
  fresh: Float64Array;
  suspect: Float64Array;
}

function sharesOf(r: Rollup, banks: readonly { code: string }[], leaveOut?: number, suspectKey = "SUSPECT"): PlatformShares {
  const empty = new Float64Array(r.n5);
  const links = (code: string) => r.series.get(`${code}|LINK_REGISTERED|5`) ?? empty;
  return {
    fresh: platformFreshShare(banks.map((b) => ({ links: links(b.code), freshHeavy: r.series.get(`${b.code}|FRESH_HEAVY|5`) })), r.n5, 36, leaveOut),
    suspect: platformSuspectShare(banks.map((b) => ({ links: links(b.code), suspect: r.series.get(`${b.code}|${suspectKey}|5`) })), r.n5, 36, leaveOut),
  };
}

interface BankSeries {
  /** The previous rule's spikes (every per-series spike opening). */
  previous: BankDetection;
  /** The 5-minute lane's expected levels, by metric. */
  expected5: Map<VolumeMetric, Float64Array>;
}

/** The per-series detector over every lane of a bank: the previous rule's alarms and the expected levels the alarm reads. */
function seriesOf(r: Rollup, bank: string): BankSeries {
  const start = new Date(r.startMs);
  const previous: BankDetection = { alarms: [] };
  const expected5 = new Map<VolumeMetric, Float64Array>();
  for (const minutes of [5, 60] as const) {
    for (const metric of METRICS) {
      const values = r.series.get(`${bank}|${metric}|${minutes}`) ?? new Float64Array(minutes === 5 ? r.n5 : r.n60);
      const run = runSeries({ bankCode: bank, metric, bucketMinutes: minutes, start, values }, defaultParamsFor(metric, minutes));
      for (const res of run.results) {
        for (const ev of res.events) {
          if (ev.type === "OPENED") previous.alarms.push({ knownAtMs: res.bucketStart.getTime() + minutes * MIN, startedAtMs: ev.spike.startedAt.getTime() });
        }
      }
      if (minutes === 5) expected5.set(metric, Float64Array.from(run.results, (x) => x.expected ?? Number.NaN));
    }
  }
  return { previous, expected5 };
}

function alarmsOfBank(r: Rollup, bank: string, s: BankSeries, shares: PlatformShares, params: BankAlarmParams, suspectKey = "SUSPECT"): BankAlarm[] {
  const v = (m: VolumeMetric) => r.series.get(`${bank}|${m}|5`) ?? new Float64Array(r.n5);
  return runBankAlarm(
    {
      bankCode: bank,
      start: new Date(r.startMs),
      links: v("LINK_REGISTERED"),
      linksExpected: s.expected5.get("LINK_REGISTERED")!,
      yen: v("CHARGE_YEN"),
      yenExpected: s.expected5.get("CHARGE_YEN")!,
      freshHeavy: r.series.get(`${bank}|FRESH_HEAVY|5`),
      freshShare: shares.fresh,
      suspect: r.series.get(`${bank}|${suspectKey}|5`),
      suspectShare: shares.suspect,
      pinOnlyLinkPage: REFERENCE_BANKS.find((b) => b.code === bank)?.authMethod === "PIN",
    },
    params,
  );
}

interface AttackOutcome {
  size: string;
  bank: string;
  startMs: number;
  /** Minutes from the start to the end of the 5-minute bucket after the one it began in ("within one bucket"). */
  oneBucketMin: number;
  /** Whether the first fraudulent link itself was charged heavily (isFreshHeavy) before that bucket ended. */
  firstLinkHeavyInTime: boolean;
  /** Whether the first fraudulent link was a suspect link (isSuspectLink) before that bucket ended. */
  firstLinkSuspect: boolean;
  /** Delay to detection per rule (null: not detected). */
  delayMin: Record<Rule, number | null>;
}

/**
 * The rules compared: the previous rule (every per-series spike names the bank), the bank alarm as it
 * was before suspect links (suspectP 0), as it was with suspect links of unverified wallets only (the
 * figures the README measured last), and the bank alarm.
 */
const RULES = ["EVERY_SPIKE", "PRIOR_ALARM", "UNVERIFIED", "BANK_ALARM"] as const;
type Rule = (typeof RULES)[number];

interface SeedResult {
  attacks: AttackOutcome[];
  honestBankWeeks: number;
  falseAlarms: Record<Rule, number>;
  /** false alarms by what they saw */
  alarmFalseByEvidence: Record<string, number>;
  seconds: number;
}

function planAttacks(seed: number, now: Date): DemoAttackSpec[] {
  const rng = createRng(`eval-spikes-${seed}`);
  const specs: DemoAttackSpec[] = [];
  for (const size of ATTACK_SIZES) {
    const banks = [...size.banks];
    for (let k = 0; k < ATTACKS_PER_SIZE; k++) {
      const bank = banks.splice(int(rng, 0, banks.length - 1), 1)[0];
      // Start somewhere in the last 7 days (weekly baselines), at any hour, ending before now.
      const startHoursBeforeNow = int(rng, ATTACK_HOURS + 1, 7 * 24);
      specs.push({ bankCode: bank, startHoursBeforeNow, durationHours: ATTACK_HOURS, wallets: size.perHour * ATTACK_HOURS });
    }
  }
  void now;
  return specs;
}

function delayOf(d: BankDetection, startMs: number, endMs: number): number | null {
  const hit = d.alarms.filter((a) => a.knownAtMs > startMs && a.knownAtMs <= endMs + HOUR).sort((a, b) => a.knownAtMs - b.knownAtMs)[0];
  return hit ? (hit.knownAtMs - startMs) / MIN : null;
}

/** One seed's generated month, rolled up, with the per-series detector already run (the slow part; reused by tuning scripts). */
export interface PreparedSeed {
  seed: number;
  attacks: DemoAttackSpec[];
  rollup: Rollup;
  series: Map<string, BankSeries>;
  firstFraudLink: Map<string, { t: number; id: string }>;
  evalFromMs: number;
  nowMs: number;
  seconds: number;
}

export function prepareSeed(seed: number): PreparedSeed {
  const t0 = performance.now();
  const attacks = planAttacks(seed, EVAL_NOW);
  const run = generateDemo({ seed, now: EVAL_NOW, banks: REFERENCE_BANKS, days: DAYS, attacks });
  const rollup = rollUp(run.events, run.windowStart, run.now);
  const firstFraudLink = new Map<string, { t: number; id: string }>();
  for (const id of run.labels.fraudLinkIds) {
    const { bankCode, t } = rollup.registeredAt.get(id)!;
    if (t < (firstFraudLink.get(bankCode)?.t ?? Infinity)) firstFraudLink.set(bankCode, { t, id });
  }
  const series = new Map(REFERENCE_BANKS.map((b) => [b.code, seriesOf(rollup, b.code)]));
  return {
    seed,
    attacks,
    rollup,
    series,
    firstFraudLink,
    evalFromMs: run.windowStart.getTime() + WARM_UP_DAYS * DAY,
    nowMs: run.now.getTime(),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The previous rule and the bank alarm (with `params`) on a prepared seed. */
export function scoreSeed(prep: PreparedSeed, params: BankAlarmParams = alarmParams, verbose = false, leaveOut?: number): SeedResult {
  const t0 = performance.now();
  const { rollup, evalFromMs } = prep;
  const attacked = new Set(prep.attacks.map((a) => a.bankCode));
  const sizeOf = new Map<string, string>();
  for (const size of ATTACK_SIZES) for (const b of size.banks) sizeOf.set(b, size.name);
  const outcomes: AttackOutcome[] = [];
  const falseAlarms: Record<Rule, number> = { EVERY_SPIKE: 0, PRIOR_ALARM: 0, UNVERIFIED: 0, BANK_ALARM: 0 };
  const alarmFalseByEvidence: Record<string, number> = {};
  let honestBanks = 0;
  const shares = sharesOf(rollup, REFERENCE_BANKS, leaveOut);
  const sharesUnverified = sharesOf(rollup, REFERENCE_BANKS, leaveOut, "SUSPECT_UNVERIFIED");
  for (const bank of REFERENCE_BANKS) {
    const s = prep.series.get(bank.code)!;
    const alarms = alarmsOfBank(rollup, bank.code, s, shares, params);
    const prior = alarmsOfBank(rollup, bank.code, s, shares, { ...params, suspectP: 0, suspectPinOnlyP: 0 });
    const unverified = alarmsOfBank(rollup, bank.code, s, sharesUnverified, params, "SUSPECT_UNVERIFIED");
    if (!attacked.has(bank.code)) {
      honestBanks++;
      falseAlarms.EVERY_SPIKE += s.previous.alarms.filter((a) => a.startedAtMs >= evalFromMs).length;
      falseAlarms.PRIOR_ALARM += prior.filter((a) => a.startedAt.getTime() >= evalFromMs).length;
      falseAlarms.UNVERIFIED += unverified.filter((a) => a.startedAt.getTime() >= evalFromMs).length;
      const falseOnes = alarms.filter((a) => a.startedAt.getTime() >= evalFromMs);
      falseAlarms.BANK_ALARM += falseOnes.length;
      for (const a of falseOnes) {
        alarmFalseByEvidence[a.evidence] = (alarmFalseByEvidence[a.evidence] ?? 0) + 1;
        if (verbose) console.log(`  false alarm at ${bank.code}: ${a.evidence} from ${a.startedAt.toISOString()} (${Math.round(a.impactYenPerHour).toLocaleString("en-US")} yen/h)`);
      }
      continue;
    }
    // The attack at a bank begins with its first fraudulent link there: the first event that names
    // the bank (the fraudulent wallet opened 1–9 minutes earlier carries no bank).
    const first = prep.firstFraudLink.get(bank.code)!;
    const startMs = first.t;
    const endMs = startMs + ATTACK_HOURS * HOUR;
    const oneBucketMin = (Math.floor(startMs / (ALARM_BUCKET_MINUTES * MIN)) * ALARM_BUCKET_MINUTES * MIN + 2 * ALARM_BUCKET_MINUTES * MIN - startMs) / MIN;
    const heavyAt = rollup.freshHeavyAt.get(first.id);
    const detection = (list: BankAlarm[]): BankDetection => ({ alarms: list.map((a) => ({ knownAtMs: a.confirmedAt.getTime(), startedAtMs: a.startedAt.getTime() })) });
    outcomes.push({
      size: sizeOf.get(bank.code)!,
      bank: bank.code,
      startMs,
      oneBucketMin,
      firstLinkHeavyInTime: heavyAt !== undefined && heavyAt < startMs + oneBucketMin * MIN,
      firstLinkSuspect: (rollup.suspectAt.get(first.id) ?? Infinity) < startMs + oneBucketMin * MIN,
      delayMin: {
        EVERY_SPIKE: delayOf(s.previous, startMs, endMs),
        PRIOR_ALARM: delayOf(detection(prior), startMs, endMs),
        UNVERIFIED: delayOf(detection(unverified), startMs, endMs),
        BANK_ALARM: delayOf(detection(alarms), startMs, endMs),
      },
    });
  }
  const honestBankWeeks = (honestBanks * (prep.nowMs - evalFromMs)) / (7 * DAY);
  return { attacks: outcomes, honestBankWeeks, falseAlarms, alarmFalseByEvidence, seconds: prep.seconds + (performance.now() - t0) / 1000 };
}

export function evaluateSeed(seed: number, verbose = false): SeedResult {
  return scoreSeed(prepareSeed(seed), alarmParams, verbose);
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");

export function report(results: SeedResult[]): string {
  const lines: string[] = [];
  const all = results.flatMap((r) => r.attacks);
  lines.push(
    `attack start = the attack's first fraudulent link at the bank; delay = end of the first alarming ${ALARM_BUCKET_MINUTES}-minute bucket − start;`,
    `"1 bucket" = known by the end of the first ${ALARM_BUCKET_MINUTES}-minute bucket after the one the attack began in (${ALARM_BUCKET_MINUTES}–${2 * ALARM_BUCKET_MINUTES} min after it), the live alarm's bucket size`,
    "",
    "attack size                    rule         n  recall  1 bucket  ≤30 min  ≤60 min  median delay  p90 delay",
  );
  for (const size of ATTACK_SIZES) {
    const xs = all.filter((a) => a.size === size.name);
    for (const rule of RULES) {
      const pick = (a: AttackOutcome) => a.delayMin[rule];
      const delays = xs.map(pick).filter((d): d is number => d !== null);
      const within = (m: number) => delays.filter((d) => d <= m).length / xs.length;
      const oneBucket = xs.filter((a) => pick(a) !== null && pick(a)! <= a.oneBucketMin).length / xs.length;
      lines.push(
        `${size.name.padEnd(30)} ${rule.padEnd(12)} ${String(xs.length).padStart(2)}  ${fmt(delays.length / xs.length).padStart(6)}  ${fmt(oneBucket).padStart(8)}  ${fmt(within(30)).padStart(7)}  ${fmt(within(60)).padStart(7)}  ${(fmt(quantile(delays, 0.5), 0) + " min").padStart(12)}  ${(fmt(quantile(delays, 0.9), 0) + " min").padStart(9)}`,
      );
    }
  }
  lines.push("");
  lines.push(`attacks whose first fraudulent link was itself charged near the limit (or ≥ ¥${FRESH_LINK.yen.toLocaleString("en-US")}) before that bucket ended; for the`);
  lines.push("others the first victim's account gave little or nothing, or its charges came later, and at a fifth of the attack's pace");
  lines.push("the next fraudulent link comes tens of minutes later:");
  lines.push("  attack size                    heavy in time  suspect in time  either");
  for (const size of ATTACK_SIZES) {
    const xs = all.filter((a) => a.size === size.name);
    const share = (f: (a: AttackOutcome) => boolean) => fmt(xs.filter(f).length / xs.length);
    lines.push(`  ${size.name.padEnd(30)} ${share((a) => a.firstLinkHeavyInTime).padStart(13)}  ${share((a) => a.firstLinkSuspect).padStart(15)}  ${share((a) => a.firstLinkHeavyInTime || a.firstLinkSuspect).padStart(6)}`);
  }
  lines.push(`(suspect: another person's account linked within ${SUSPECT_LINK.minutes} minutes of opening a wallet without verified identity, or by a verified one that drew on it ${SUSPECT_LINK.verifiedCharges} times within ${SUSPECT_LINK.chargeMinutes} minutes)`);
  const weeks = results.reduce((s, r) => s + r.honestBankWeeks, 0);
  lines.push("");
  lines.push(`false alarms at never-attacked banks over ${fmt(weeks, 0)} bank-weeks (after a ${WARM_UP_DAYS}-day warm-up):`);
  const byEvidence: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.alarmFalseByEvidence)) byEvidence[k] = (byEvidence[k] ?? 0) + n;
  const parts = Object.entries(byEvidence).map(([k, n]) => `${k} ${n}`).join(", ");
  for (const rule of RULES) {
    const n = results.reduce((s, r) => s + r.falseAlarms[rule], 0);
    lines.push(`  ${rule.padEnd(12)} ${n} (${fmt(n / weeks, 3)} per bank-week)${rule === "BANK_ALARM" && parts ? `: ${parts}` : ""}`);
  }
  return lines.join("\n");
}

async function main() {
  const seeds = arg("seeds", "1,2,3").split(",").map(Number);
  const results: SeedResult[] = [];
  for (const seed of seeds) {
    const r = evaluateSeed(seed, process.argv.includes("--verbose"));
    results.push(r);
    console.log(`seed ${seed}: ${r.attacks.length} attacks, ${fmt(r.honestBankWeeks, 0)} honest bank-weeks, ${fmt(r.seconds, 1)} s`);
    if (process.argv.includes("--verbose")) {
      for (const a of r.attacks) console.log(`  ${a.bank} ${a.size} from ${new Date(a.startMs).toISOString()}: ${RULES.map((rule) => `${rule} ${a.delayMin[rule]} min`).join(", ")}${a.firstLinkHeavyInTime ? "" : " (first link not heavy in time)"}${a.firstLinkSuspect ? "" : " (first link not suspect)"}`);
    }
  }
  console.log("");
  console.log(`npm run eval:spikes: ${seeds.length} seeds, window ${DAYS} days ending ${EVAL_NOW.toISOString()}, attacks of ${ATTACK_HOURS} h`);
  console.log(report(results));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/** The bank alarms of a generated run, per bank, computed as the eval does (no database). */
export function alarmsOfRun(run: { events: Iterable<PlatformEvent>; windowStart: Date; now: Date }, banks: readonly { code: string }[]): Map<string, BankAlarm[]> {
  const rollup = rollUp(run.events, run.windowStart, run.now);
  const shares = sharesOf(rollup, banks);
  return new Map(banks.map((b) => [b.code, alarmsOfBank(rollup, b.code, seriesOf(rollup, b.code), shares, alarmParams)]));
}

/** For parameter tuning scripts: the same attack plan and rollup as the eval. */
export const planAttacksForTune = (seed: number) => planAttacks(seed, EVAL_NOW);
export const rollUpForTune = rollUp;
