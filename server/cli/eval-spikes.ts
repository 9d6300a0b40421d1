// `npm run eval:spikes`: does the banner name the attacked banks, quickly, and only them?
//
// For each seed: generate a month of demo traffic (the labelled generator behind `npm start`, with its
// honest calendar, see DemoCalendar: paydays on the 25th and the last business day, the 10 December
// bonus day, a wallet campaign at 0149 with a noon push, a maintenance window at 0017 and its
// catch-up, the New Year; plus honest big purchases charged near the limits) ending just after the
// New Year, with 5 attacks of each of three sizes at different banks and times in the last week
// (when baselines are weekly, as in a running system). The bonus day falls in the warm-up.
// Roll the events up into the same 5- and 60-minute per-bank measures ingestion writes, then run
//   - the previous rule (every per-series BURST/CUSUM spike alarms the bank: EVERY_SPIKE), and
//   - the bank-level alarm (shared/volume/alarm.ts) on the 5-minute lane's expected levels and the
//     links charged near the limit within FRESH_LINK.minutes of linking (isFreshHeavy, as detection
//     counts them from the charges),
// and report per attack size the recall and the delay to detection (end of the first alarming
// bucket − the attack's first fraudulent link at the bank), the share known within one bucket (by
// the end of the 5-minute bucket after the one the attack began in), and alarms per bank-week at
// banks never attacked in that run (after a 7-day warm-up).
//
// Usage: npm run eval:spikes -- [--seeds 1,2,3] [--verbose] [--params '{"strongP":1e-9}']
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { PlatformEvent } from "../../shared/events/schemas.ts";
import { DEFAULT_BANK_ALARM_PARAMS, FRESH_LINK, isFreshHeavy, platformFreshShare, runBankAlarm, type BankAlarm, type BankAlarmParams } from "../../shared/volume/alarm.ts";
import { runSeries } from "../../shared/volume/detector.ts";
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
  const freshHeavy = (bank: string, t: number) => {
    const i5 = Math.floor((t - startMs) / (5 * MIN));
    if (i5 < 0 || i5 >= n5) return;
    let a = series.get(`${bank}|FRESH_HEAVY|5`);
    if (!a) series.set(`${bank}|FRESH_HEAVY|5`, (a = new Float64Array(n5)));
    a[i5] += 1;
  };
  for (const e of events) {
    const t = Date.parse(e.occurredAt);
    if (e.type === "link.registered" || e.type === "link.changed") {
      linkBank.set(e.link.id, e.link.bankCode);
      fresh.set(e.link.id, { since: t, yen: 0, largest: 0, counted: false });
      if (e.type === "link.registered") registeredAt.set(e.link.id, { bankCode: e.link.bankCode, t });
      bump(e.link.bankCode, e.type === "link.registered" ? "LINK_REGISTERED" : "LINK_CHANGED", t, 1);
    } else if (e.type === "charge.completed") {
      const bank = linkBank.get(e.charge.linkId);
      if (!bank) continue;
      bump(bank, "CHARGE_COUNT", t, 1);
      bump(bank, "CHARGE_YEN", t, e.charge.amountYen);
      const f = fresh.get(e.charge.linkId);
      if (f && !f.counted && t - f.since <= FRESH_LINK.minutes * MIN) {
        f.yen += e.charge.amountYen;
        f.largest = Math.max(f.largest, e.charge.amountYen);
        if (isFreshHeavy(f.largest, f.yen)) {
          f.counted = true;
          if (!freshHeavyAt.has(e.charge.linkId)) freshHeavyAt.set(e.charge.linkId, t);
          freshHeavy(bank, t);
        }
      }
    }
  }
  return { startMs, n5, n60, series, registeredAt, freshHeavyAt };
}

interface BankDetection {
  /** Ends of the buckets in which each alarm (or spike) was first known, and its start. */
  alarms: { knownAtMs: number; startedAtMs: number }[];
}

/** `--params '{"supportedP":0}'`: the alarm with some parameters changed (for tuning). */
const alarmParams: BankAlarmParams = { ...DEFAULT_BANK_ALARM_PARAMS, ...(JSON.parse(arg("params", "{}")) as Partial<BankAlarmParams>) };

/** The platform's share of fresh heavily charged links per 5-minute bucket (platformFreshShare), over the given banks. */
function freshShareOf(r: Rollup, banks: readonly { code: string }[], leaveOut?: number): Float64Array {
  const empty = new Float64Array(r.n5);
  return platformFreshShare(
    banks.map((b) => ({ links: r.series.get(`${b.code}|LINK_REGISTERED|5`) ?? empty, freshHeavy: r.series.get(`${b.code}|FRESH_HEAVY|5`) })),
    r.n5,
    36,
    leaveOut,
  );
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

function alarmsOfBank(r: Rollup, bank: string, s: BankSeries, freshShare: Float64Array, params: BankAlarmParams): BankAlarm[] {
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
      freshShare,
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
  previousDelayMin: number | null;
  alarmDelayMin: number | null;
}

interface SeedResult {
  attacks: AttackOutcome[];
  honestBankWeeks: number;
  previousFalse: number;
  alarmFalse: number;
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
  let previousFalse = 0;
  let alarmFalse = 0;
  const alarmFalseByEvidence: Record<string, number> = {};
  let honestBanks = 0;
  const freshShare = freshShareOf(rollup, REFERENCE_BANKS, leaveOut);
  for (const bank of REFERENCE_BANKS) {
    const s = prep.series.get(bank.code)!;
    const alarms = alarmsOfBank(rollup, bank.code, s, freshShare, params);
    if (!attacked.has(bank.code)) {
      honestBanks++;
      previousFalse += s.previous.alarms.filter((a) => a.startedAtMs >= evalFromMs).length;
      const falseAlarms = alarms.filter((a) => a.startedAt.getTime() >= evalFromMs);
      alarmFalse += falseAlarms.length;
      for (const a of falseAlarms) {
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
    const alarm: BankDetection = { alarms: alarms.map((a) => ({ knownAtMs: a.confirmedAt.getTime(), startedAtMs: a.startedAt.getTime() })) };
    outcomes.push({
      size: sizeOf.get(bank.code)!,
      bank: bank.code,
      startMs,
      oneBucketMin,
      firstLinkHeavyInTime: heavyAt !== undefined && heavyAt < startMs + oneBucketMin * MIN,
      previousDelayMin: delayOf(s.previous, startMs, endMs),
      alarmDelayMin: delayOf(alarm, startMs, endMs),
    });
  }
  const honestBankWeeks = (honestBanks * (prep.nowMs - evalFromMs)) / (7 * DAY);
  return { attacks: outcomes, honestBankWeeks, previousFalse, alarmFalse, alarmFalseByEvidence, seconds: prep.seconds + (performance.now() - t0) / 1000 };
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
    for (const [rule, pick] of [
      ["EVERY_SPIKE", (a: AttackOutcome) => a.previousDelayMin],
      ["BANK_ALARM", (a: AttackOutcome) => a.alarmDelayMin],
    ] as const) {
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
  for (const size of ATTACK_SIZES) {
    const xs = all.filter((a) => a.size === size.name);
    lines.push(`  ${size.name.padEnd(30)} ${fmt(xs.filter((a) => a.firstLinkHeavyInTime).length / xs.length)}`);
  }
  const weeks = results.reduce((s, r) => s + r.honestBankWeeks, 0);
  const prev = results.reduce((s, r) => s + r.previousFalse, 0);
  const alarm = results.reduce((s, r) => s + r.alarmFalse, 0);
  lines.push("");
  lines.push(`false alarms at never-attacked banks over ${fmt(weeks, 0)} bank-weeks (after a ${WARM_UP_DAYS}-day warm-up):`);
  lines.push(`  EVERY_SPIKE  ${prev} (${fmt(prev / weeks, 3)} per bank-week)`);
  const byEvidence: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.alarmFalseByEvidence)) byEvidence[k] = (byEvidence[k] ?? 0) + n;
  const parts = Object.entries(byEvidence).map(([k, n]) => `${k} ${n}`).join(", ");
  lines.push(`  BANK_ALARM   ${alarm} (${fmt(alarm / weeks, 3)} per bank-week)${parts ? `: ${parts}` : ""}`);
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
      for (const a of r.attacks) console.log(`  ${a.bank} ${a.size} from ${new Date(a.startMs).toISOString()}: previous ${a.previousDelayMin} min, alarm ${a.alarmDelayMin} min`);
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
  const freshShare = freshShareOf(rollup, banks);
  return new Map(banks.map((b) => [b.code, alarmsOfBank(rollup, b.code, seriesOf(rollup, b.code), freshShare, alarmParams)]));
}

/** For parameter tuning scripts: the same attack plan and rollup as the eval. */
export const planAttacksForTune = (seed: number) => planAttacks(seed, EVAL_NOW);
export const rollUpForTune = rollUp;
