// Deterministic demo data for Floodgate: a time-ordered stream of wallet-platform events in the
// ingestion contract (shared/events/schemas.ts), covering `days` (default 30) ending at `now`, with
// an ongoing link-and-charge attack through PIN-only bank link pages, plus labels.
//
// How it works: a discrete-event simulation over one min-heap of pending actions keyed by (time,
// insertion order). Every wallet has its next action in the heap; executing an action emits at most
// a few events and schedules follow-ups at later (or equal) times, so the output is in non-decreasing
// time order and an entity is always emitted before anything that refers to it. Entity ids are given
// when an entity's first event is emitted, so ids grow with time and reveal nothing about labels.
// Memory is proportional to the number of wallets (plus the fraud labels), never to the number of
// events: events are yielded as they are produced. Long-standing wallets open and link over the year
// before the window (without charges there); charges and spends happen only inside the window.
//
// All randomness comes from one seeded PRNG; there is no I/O here (see labels.ts for writing labels).
import type { AuthMethod, EventType, PlatformEvent } from "../../../../shared/events/schemas.ts";
import { createRng, chance, expo, int, pick, weighted, type Rng } from "./prng.ts";
import { JST_OFFSET_MS } from "../../../../shared/jst.ts";
import { ELECTRONICS_AND_GIFT, GIVEN_FEMALE, GIVEN_MALE, SHOPS, SURNAMES, toHalfWidthKatakana } from "./names.ts";

// ---------------------------------------------------------------------------------------------
// Public types

export interface DemoBank {
  code: string;
  name: string;
  authMethod: AuthMethod;
  /** relative size of the bank's retail base; traffic is proportional to it (default 1) */
  weight?: number;
}

export interface DemoAttackSpec {
  bankCode: string;
  /** the attack's first fraudulent wallet opens this many hours before `now` */
  startHoursBeforeNow: number;
  /** fraudulent wallets over the whole attack at scale 1 (multiplied by `scale`, at least 3) */
  wallets: number;
  /** the attack stops opening wallets after this many hours (default: it runs until `now`) */
  durationHours?: number;
}

export interface GenerateDemoOptions {
  seed: string | number;
  /** volume multiplier: 1 ≈ 200k charges in the window, 10 ≈ 2M (default 1) */
  scale?: number;
  /** end of the window (exclusive of anything later); no event is after it */
  now: Date | string | number;
  banks: readonly DemoBank[];
  /** window length in days (default 30) */
  days?: number;
  /**
   * Attacks to simulate. Default: The 77 Bank (0125) from 36h before `now`, then two other PIN-only
   * banks (0152 and 0168 when present) from 20h and 10h before `now`, smaller.
   */
  attacks?: readonly DemoAttackSpec[];
  /**
   * The honest calendar (surges an operator sees that are not attacks). Default: paydays, bonus days
   * and the New Year as they fall in the window, a wallet campaign at one bank and a maintenance
   * window at another (see defaultCalendar). `null`: none of it.
   */
  calendar?: DemoCalendar | null;
}

/**
 * Honest surges, on their own PRNG stream. Paydays (the 25th, or the business day before it, and the
 * last business day of the month), bonus days (10 December, 30 June) and the New Year bring extra
 * charges by linked wallets; a campaign brings a bank new wallets that link and try it with a small
 * charge (most on its first day, a push notification at noon); a maintenance window holds a bank's
 * links and charges back until it ends, then they arrive in a catch-up burst.
 */
export interface DemoCalendar {
  paydays: boolean;
  campaign: { bankCode: string; startHoursBeforeNow: number; days: number; linksPerDay: number } | null;
  maintenance: { bankCode: string; startHoursBeforeNow: number; hours: number } | null;
}

export interface DemoVictim {
  bankCode: string;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  /** whether this bank account was also linked by an honest wallet (its holder's own) */
  alsoHonestWalletHolder: boolean;
  chargeIds: string[];
  chargedYen: number;
}

export interface DemoAttackLabel {
  bankCode: string;
  bankName: string;
  startedAt: string;
  fraudWallets: number;
  fraudLinks: number;
  fraudLinkChanges: number;
  fraudCharges: number;
  fraudChargedYen: number;
}

export interface DemoLabels {
  seed: string;
  scale: number;
  windowStart: string;
  now: string;
  fraudAccountIds: string[];
  /** links registered by fraudulent wallets */
  fraudLinkIds: string[];
  fraudChargeIds: string[];
  fraudSpendIds: string[];
  victims: DemoVictim[];
  incident: {
    description: string;
    primaryBankCode: string;
    startedAt: string;
    attacks: DemoAttackLabel[];
  };
}

export interface DemoStats {
  events: number;
  eventsByType: Record<EventType, number>;
  preWindowEvents: number;
  honestWallets: number;
  fraudWallets: number;
  charges: number;
  chargedYen: number;
  spends: number;
  fraudCharges: number;
  fraudChargedYen: number;
  victims: number;
  /** honest patterns that resemble fraud, present on purpose */
  lookAlikes: {
    chargedWithin10MinOfLinking: number;
    surnameOnlyHolderLinks: number;
    honestChargesAtLeast90k: number;
    walletsInSharedIpGroups: number;
    walletsSharingDevice: number;
    honestLinkChanges: number;
    halfWidthNames: number;
    /** honest links whose bank holder is not the wallet holder nor shares its surname, by kind */
    otherHolderLinks: Record<OtherHolderKind, number>;
    /** honest wallets charging near the limits in one sitting for a big purchase, paid at once */
    bigPurchaseBursts: number;
    /** honest wallets charging and sending the money on (rent, an allowance) within minutes */
    chargeAndSendOn: number;
  };
  /** the honest calendar (see DemoCalendar) */
  calendar: { calendarCharges: number; campaignLinks: number; deferredByMaintenance: number };
  firstEventAt: string | null;
  lastEventAt: string | null;
}

export interface DemoRun {
  /**
   * The events in time order. Each iteration runs the (deterministic) simulation afresh and yields
   * the same stream; `labels` and `stats` are reset when an iteration starts and are complete when
   * it ends (so do not interleave two iterations of the same run).
   */
  events: Iterable<PlatformEvent>;
  labels: DemoLabels;
  stats: DemoStats;
  windowStart: Date;
  now: Date;
}

/**
 * Why an honest wallet's bank account carries another name: a married customer whose account keeps
 * the maiden surname; a young adult or a carer paying from a relative's account under another
 * surname; a sole proprietor's business account (屋号 or カ) company name); the same person
 * registered in another order or reading (ナカジマ/ナカシマ).
 */
export type OtherHolderKind = "maidenName" | "relativeOtherSurname" | "businessAccount" | "otherOrderOrReading";

// ---------------------------------------------------------------------------------------------
// Constants

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const JST = JST_OFFSET_MS;
export const CHARGE_LIMIT_YEN = 100_000;
export const MONTHLY_CHARGE_LIMIT_YEN = 300_000;

/** Scale-1 volumes, tuned so that scale 1 gives about 200k charges in 30 days. */
const PRE_WINDOW_WALLETS = 55_000;
const NEW_WALLETS_PER_DAY = 1_000;

// Relative activity by JST hour (index 0..23), weekdays and weekends: quiet 1–6am, lunch and
// evening peaks; weekends start later and are busier in the afternoon.
const WEEKDAY = [0.35, 0.15, 0.08, 0.06, 0.06, 0.12, 0.35, 0.75, 1.0, 0.95, 1.0, 1.3, 1.9, 1.5, 1.05, 1.0, 1.1, 1.35, 1.7, 1.9, 1.85, 1.6, 1.2, 0.7];
const WEEKEND = [0.5, 0.25, 0.12, 0.08, 0.07, 0.1, 0.2, 0.4, 0.7, 1.0, 1.3, 1.5, 1.7, 1.6, 1.5, 1.45, 1.4, 1.45, 1.55, 1.6, 1.5, 1.3, 1.0, 0.7];
// Attackers work most of the day and late into the night.
const ATTACKER = [0.75, 0.6, 0.4, 0.3, 0.25, 0.25, 0.3, 0.45, 0.6, 0.75, 0.9, 1, 1, 0.95, 0.95, 1, 1, 1, 1, 1, 1, 1, 0.95, 0.85];

const RHYTHM: number[] = (() => {
  // index: dayOfWeek * 24 + hour (0 = Sunday), normalised to mean 1 over the week
  const raw: number[] = [];
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) raw.push(d === 0 || d === 6 ? WEEKEND[h] : WEEKDAY[h]);
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((x) => x / mean);
})();
const RHYTHM_MAX = Math.max(...RHYTHM);

function rhythmAt(t: number): number {
  const local = t + JST;
  const hour = Math.floor(local / HOUR) % 24;
  const dow = (Math.floor(local / DAY) + 4) % 7; // 1970-01-01 was a Thursday
  return RHYTHM[dow * 24 + hour];
}
const jstHour = (t: number) => Math.floor((t + JST) / HOUR) % 24;
function jstMonthKey(t: number): number {
  const d = new Date(t + JST);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
let fmtDay = NaN;
let fmtPrefix = "";
/** ISO 8601 in JST with "+09:00" (whole seconds); caches the date part, as times mostly advance. */
function fmt(t: number): string {
  const local = t + JST;
  const day = Math.floor(local / DAY);
  if (day !== fmtDay) {
    fmtDay = day;
    fmtPrefix = new Date(day * DAY).toISOString().slice(0, 11);
  }
  const secs = Math.floor((local - day * DAY) / 1000);
  return `${fmtPrefix}${TWO[Math.floor(secs / 3600)]}:${TWO[Math.floor(secs / 60) % 60]}:${TWO[secs % 60]}+09:00`;
}

/** Next time after `t` of a Poisson process of `perDay` events a day, modulated by the daily rhythm. */
function nextTime(rng: Rng, t: number, perDay: number): number {
  const rate = (perDay * RHYTHM_MAX) / DAY;
  for (;;) {
    t += expo(rng, 1 / rate);
    if (rng() * RHYTHM_MAX < rhythmAt(t)) return Math.ceil(t / 1000) * 1000;
  }
}

// ---------------------------------------------------------------------------------------------
// Simulation state

type Profile = "dormant" | "light" | "regular" | "heavy";
const PROFILE_RATE_PER_MONTH: Record<Profile, number> = { dormant: 0, light: 2, regular: 4.2, heavy: 8 };

const AMOUNTS: Record<Exclude<Profile, "dormant">, (rng: Rng) => number> = {
  light: weighted([[1000, 30], [2000, 10], [3000, 25], [5000, 20], [10000, 12], [20000, 3]]),
  regular: weighted([[1000, 12], [2000, 6], [3000, 18], [5000, 24], [10000, 25], [20000, 8], [30000, 4], [50000, 3]]),
  heavy: weighted([[10000, 10], [20000, 10], [30000, 15], [50000, 25], [80000, 10], [90000, 10], [100000, 20]]),
};
const ODD_AMOUNTS = [1500, 2500, 4000, 6000, 7000, 8000, 15000, 2380, 3240, 4980, 12800];

/** Share of honest wallets whose own account carries another name (see OtherHolderKind). */
const OTHER_HOLDER_RATE = 0.02;
/** Per wallet, chance of one honest burst in the window: a big purchase charged near the limits and
 * paid at the till, or money charged and sent on at once (rent, an allowance). */
const BURST_RATE: Record<Exclude<Profile, "dormant">, { bigPurchase: number; sendOn: number }> = {
  light: { bigPurchase: 0.006, sendOn: 0.008 },
  regular: { bigPurchase: 0.012, sendOn: 0.014 },
  heavy: { bigPurchase: 0.03, sendOn: 0.03 },
};
const BIG_PURCHASE_PLANS: readonly (readonly number[])[] = [
  [100000, 100000, 100000], [100000, 100000, 60000], [100000, 90000, 90000], [50000, 50000, 50000],
  [30000, 30000, 30000], [100000, 80000], [100000, 50000], [100000], [80000], [60000],
];
const SEND_ON_PLANS: readonly (readonly number[])[] = [[50000], [50000], [100000], [100000], [80000], [60000], [100000, 50000], [100000, 100000], [30000, 30000]];
/** Zengin-style readings a bank may hold for the same surname (中島 ナカジマ/ナカシマ, 山崎 ヤマザキ/ヤマサキ). */
const READING_VARIANTS: Readonly<Record<string, string>> = {
  ナカジマ: "ナカシマ", ヤマザキ: "ヤマサキ", ミヤザキ: "ミヤサキ", ハセガワ: "ハセカワ", ナカガワ: "ナカカワ",
  イシカワ: "イシガワ", タカダ: "タカタ", ウエダ: "ウエタ", コンドウ: "コントウ", オオタ: "オオダ", スガワラ: "スカワラ",
  サクライ: "サクラギ", ツジ: "ツチ", フジタ: "フシタ", ヤマダ: "ヤマタ",
};
/** Parents' and grandparents' generation given names (a carer paying from an elderly relative's account). */
const OLDER_GIVEN = ["ヨシコ", "カズコ", "フミコ", "トシコ", "ミチコ", "ヨシオ", "イサム", "ススム", "ミノル", "シゲル"] as const;
/** [prefix, trade name suffix, followed by the owner's name]: カ) = 株式会社, ユ) = 有限会社. */
const BUSINESS_STYLES: readonly (readonly [string, string, boolean])[] = [
  ["カ)", "ショウジ", false], ["ユ)", "サンギョウ", false], ["", "ショウテン", true], ["", "コウムテン", true], ["", "セッコツイン", true],
];
const BIG_TICKET_SHOPS = [...ELECTRONICS_AND_GIFT, "ニトリ", "大塚家具", "ビックカメラ.com", "ケーズデンキ"] as const;

const SMALL_KANA_LARGE: Readonly<Record<string, string>> = { ァ: "ア", ィ: "イ", ゥ: "ウ", ェ: "エ", ォ: "オ", ッ: "ツ", ャ: "ヤ", ュ: "ユ", ョ: "ヨ" };
/** As a bank file writes a name: half-width kana, small kana written large (ショウジ → ｼﾖｳｼﾞ). */
function toZenginKana(s: string): string {
  return toHalfWidthKatakana([...s].map((c) => SMALL_KANA_LARGE[c] ?? c).join(""));
}

interface Group {
  kind: "family" | "office";
  ip: string;
  surname: number; // family surname index
  deviceId: string;
  /** a family bank account that members may link (the breadwinner's) */
  familyAccount: BankAccount | null;
  size: number;
}

interface BankAccount {
  bank: BankInfo;
  branchCode: string;
  accountNumber: string;
  holderName: string;
  surname: number;
  /** given name of the account's owner (the wallet holder, or a family member) */
  ownerGiven: string;
  /** why an honest wallet's account carries a name that is not the wallet holder's (null: it does not) */
  otherHolder: OtherHolderKind | null;
}

interface BankInfo {
  code: string;
  name: string;
  authMethod: AuthMethod;
  branches: string[];
}

interface Link {
  id: string;
  bank: BankInfo;
  branchCode: string;
  accountNumber: string;
  holderName: string;
}

interface Wallet {
  id: string;
  fraud: boolean;
  surname: number;
  given: string;
  name: string;
  profile: Profile;
  carrier: boolean;
  verified: boolean;
  deviceId: string | undefined;
  ipAddress: string | undefined;
  group: Group | null;
  link: Link | null;
  /** the bank account to link (chosen at creation) */
  plannedAccount: BankAccount | null;
  linkedAt: number;
  balance: number;
  monthKey: number;
  monthTotal: number;
  /** what monthTotal would be without honest bursts (see charge(): keeps the main stream unchanged) */
  monthTotalWithoutBursts: number;
  // fraud only
  attack: AttackState | null;
  victim: DemoVictim | null;
  plan: number[];
}

interface AttackState {
  spec: DemoAttackSpec;
  bank: BankInfo;
  label: DemoAttackLabel;
  ring: { deviceId: string; ip: string; remaining: number } | null;
}

const enum K {
  SpawnPre,
  SpawnNew,
  Link,
  Charge,
  Spend,
  Change,
  FOpen,
  FLink,
  FCharge,
  FSpend,
  FChange,
  Burst,
  BurstCharge,
  BurstPay,
  BurstSend,
  CampaignOpen,
  CampaignLink,
}

interface Action {
  t: number;
  k: K;
  w: Wallet | null;
  a: number; // amount or auxiliary number
}

/**
 * Min-heap of actions ordered by a numeric key (time, then insertion order). Keys live in their own
 * array of doubles, so comparisons do not chase pointers to the action objects.
 */
class Heap {
  private keys: number[] = [];
  private vals: Action[] = [];
  get size() {
    return this.vals.length;
  }
  peek(): Action | undefined {
    return this.vals[0];
  }
  push(key: number, x: Action) {
    const k = this.keys;
    const v = this.vals;
    let i = v.length;
    k.push(key);
    v.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p] <= key) break;
      k[i] = k[p];
      v[i] = v[p];
      i = p;
    }
    k[i] = key;
    v[i] = x;
  }
  pop(): Action | undefined {
    const k = this.keys;
    const v = this.vals;
    const top = v[0];
    const lastK = k.pop()!;
    const lastV = v.pop();
    const n = v.length;
    if (n > 0 && lastV) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && k[r] < k[l] ? r : l;
        if (lastK <= k[c]) break;
        k[i] = k[c];
        v[i] = v[c];
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    return top;
  }
}
/** seq occupies the low 26 bits of a heap key; time (whole seconds since the simulation start) the rest. */
const SEQ_SPAN = 2 ** 26;

// ---------------------------------------------------------------------------------------------
// Generator

function toMs(v: Date | string | number): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === "number" ? v : Date.parse(v);
  if (!Number.isFinite(ms)) throw new Error(`invalid now: ${String(v)}`);
  return Math.floor(ms / 1000) * 1000;
}

export function defaultAttacks(banks: readonly DemoBank[]): DemoAttackSpec[] {
  const pin = banks.filter((b) => b.authMethod === "PIN");
  const primary = pin.find((b) => b.code === "0125") ?? pin[0];
  if (!primary) return [];
  const others = pin.filter((b) => b !== primary);
  const preferred = ["0152", "0168"].map((c) => others.find((b) => b.code === c)).filter((b): b is DemoBank => !!b);
  const second = [...preferred, ...others.filter((b) => !preferred.includes(b))].slice(0, 2);
  return [
    { bankCode: primary.code, startHoursBeforeNow: 36, wallets: 400 },
    ...second.map((b, i) => ({ bankCode: b.code, startHoursBeforeNow: i === 0 ? 20 : 10, wallets: i === 0 ? 120 : 80 })),
  ];
}

/** Campaign at 0149 (else the largest online-banking bank not attacked), maintenance at 0017 (else another). */
export function defaultCalendar(banks: readonly DemoBank[], attacks: readonly DemoAttackSpec[]): DemoCalendar {
  const free = banks.filter((b) => !attacks.some((a) => a.bankCode === b.code));
  const byWeight = [...free].sort((a, b) => (b.weight ?? 1) - (a.weight ?? 1));
  const campaignBank = free.find((b) => b.code === "0149") ?? byWeight.find((b) => b.authMethod === "ONLINE_BANKING") ?? byWeight[0];
  const maintenanceBank = free.find((b) => b.code === "0017") ?? byWeight.find((b) => b !== campaignBank);
  return {
    paydays: true,
    campaign: campaignBank ? { bankCode: campaignBank.code, startHoursBeforeNow: 12 * 24 + 3, days: 3, linksPerDay: 60 } : null,
    maintenance: maintenanceBank ? { bankCode: maintenanceBank.code, startHoursBeforeNow: 9 * 24 + 5, hours: 5 } : null,
  };
}

/** JST calendar days (days since the epoch, JST) with extra honest charging, and how much. */
function calendarDays(fromMs: number, toMs: number): Map<number, { share: number; amounts: readonly number[] }> {
  const out = new Map<number, { share: number; amounts: readonly number[] }>();
  const PAYDAY = { share: 0.4, amounts: [5000, 10000, 10000, 20000, 30000, 50000] };
  const BONUS = { share: 0.25, amounts: [30000, 50000, 50000, 100000] };
  const NEW_YEAR = { share: 0.5, amounts: [5000, 10000, 10000, 30000, 50000] };
  const weekend = (day: number) => [0, 6].includes((day + 4) % 7);
  const businessDayOnOrBefore = (day: number) => {
    while (weekend(day)) day--;
    return day;
  };
  const dayOf = (y: number, m: number, d: number) => Math.floor(Date.UTC(y, m, d) / DAY);
  const first = new Date(fromMs + JST - DAY);
  const last = new Date(toMs + JST + DAY);
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); y * 12 + m <= last.getUTCFullYear() * 12 + last.getUTCMonth(); m === 11 ? (y++, (m = 0)) : m++) {
    out.set(businessDayOnOrBefore(dayOf(y, m, 25)), PAYDAY);
    out.set(businessDayOnOrBefore(dayOf(y, m + 1, 0)), PAYDAY);
    if (m === 11) out.set(dayOf(y, 11, 10), BONUS);
    if (m === 5) out.set(dayOf(y, 5, 30), BONUS);
    if (m === 0) {
      out.set(dayOf(y, 0, 1), NEW_YEAR);
      out.set(dayOf(y, 0, 2), NEW_YEAR);
    }
  }
  return out;
}

export function generateDemo(options: GenerateDemoOptions): DemoRun {
  const scale = options.scale ?? 1;
  if (!(scale > 0)) throw new Error("scale must be positive");
  if (options.banks.length === 0) throw new Error("banks must not be empty");
  const now = toMs(options.now);
  const days = options.days ?? 30;
  const windowStart = now - days * DAY;
  const attacks = options.attacks ?? defaultAttacks(options.banks);
  for (const a of attacks) {
    if (!options.banks.some((b) => b.code === a.bankCode)) throw new Error(`attack bank ${a.bankCode} is not in banks`);
  }
  const calendar = options.calendar === undefined ? defaultCalendar(options.banks, attacks) : options.calendar;
  for (const c of [calendar?.campaign, calendar?.maintenance]) {
    if (c && !options.banks.some((b) => b.code === c.bankCode)) throw new Error(`calendar bank ${c.bankCode} is not in banks`);
  }
  const surgeDays = calendar?.paydays ? calendarDays(windowStart, now) : new Map<number, { share: number; amounts: readonly number[] }>();
  const seed = String(options.seed);
  const tag = seed.replace(/[^A-Za-z0-9]/g, "").slice(0, 12) || "0";

  const labels: DemoLabels = emptyLabels();
  const stats: DemoStats = emptyStats();
  function emptyLabels(): DemoLabels {
    return {
      seed,
      scale,
      windowStart: new Date(windowStart).toISOString(),
      now: new Date(now).toISOString(),
      fraudAccountIds: [],
      fraudLinkIds: [],
      fraudChargeIds: [],
      fraudSpendIds: [],
      victims: [],
      incident: { description: "", primaryBankCode: attacks[0]?.bankCode ?? "", startedAt: "", attacks: [] },
    };
  }
  function emptyStats(): DemoStats {
    return {
      events: 0,
      eventsByType: { "account.opened": 0, "link.registered": 0, "link.changed": 0, "charge.completed": 0, "spend.completed": 0 },
      preWindowEvents: 0,
      honestWallets: 0,
      fraudWallets: 0,
      charges: 0,
      chargedYen: 0,
      spends: 0,
      fraudCharges: 0,
      fraudChargedYen: 0,
      victims: 0,
      lookAlikes: {
        chargedWithin10MinOfLinking: 0,
        surnameOnlyHolderLinks: 0,
        honestChargesAtLeast90k: 0,
        walletsInSharedIpGroups: 0,
        walletsSharingDevice: 0,
        honestLinkChanges: 0,
        halfWidthNames: 0,
        otherHolderLinks: { maidenName: 0, relativeOtherSurname: 0, businessAccount: 0, otherOrderOrReading: 0 },
        bigPurchaseBursts: 0,
        chargeAndSendOn: 0,
      },
      calendar: { calendarCharges: 0, campaignLinks: 0, deferredByMaintenance: 0 },
      firstEventAt: null,
      lastEventAt: null,
    };
  }

  function* run(): Generator<PlatformEvent> {
    Object.assign(labels, emptyLabels());
    Object.assign(stats, emptyStats());
    // `let`: the calendar's wallets are drawn with the same helpers on their own stream (onStream).
    let rng = createRng(seed);
    const cr = createRng(`${seed}:calendar`);
    const onStream = <T,>(r: Rng, f: () => T): T => {
      const main = rng;
      rng = r;
      try {
        return f();
      } finally {
        rng = main;
      }
    };

    // Banks, with deterministic branch lists.
    const bankInfos: BankInfo[] = options.banks.map((b) => {
      const n = int(rng, 25, 90);
      const set = new Set<string>();
      while (set.size < n) set.add(String(int(rng, 1, 999)).padStart(3, "0"));
      return { code: b.code, name: b.name, authMethod: b.authMethod, branches: [...set].sort() };
    });
    const bankByCode = new Map(bankInfos.map((b) => [b.code, b]));
    const pickBank = weighted(bankInfos.map((b, i) => [b, options.banks[i].weight ?? 1] as const));
    const pickProfilePre = weighted<Profile>([["dormant", 15], ["light", 45], ["regular", 34], ["heavy", 6]]);
    const pickProfileNew = weighted<Profile>([["dormant", 8], ["light", 50], ["regular", 37], ["heavy", 5]]);

    const heap = new Heap();
    let seq = 0;
    const simStart = windowStart - 366 * DAY;
    const schedule = (t: number, k: K, w: Wallet | null, a = 0) => {
      if (++seq >= SEQ_SPAN) seq = 0; // wraps only past 67M pending-action insertions; order by time is kept
      heap.push(Math.round((t - simStart) / 1000) * SEQ_SPAN + seq, { t, k, w, a });
    };

    let evN = 0, accN = 0, lnkN = 0, chgN = 0, spdN = 0;
    const pad = (n: number) => String(n).padStart(7, "0");
    const out: PlatformEvent[] = [];
    const emit = (t: number, ev: Record<string, unknown> & { type: EventType }) => {
      const { type, ...payload } = ev;
      const e = { id: `ev-${tag}-${pad(++evN)}`, type, occurredAt: fmt(t), ...payload } as PlatformEvent;
      out.push(e);
      stats.events++;
      stats.eventsByType[ev.type]++;
      if (t < windowStart) stats.preWindowEvents++;
      return e;
    };

    // Shared groups (households and offices) and reservoirs, all bounded.
    const familyGroups: Group[] = [];
    const officeGroups: Group[] = [];
    const GROUP_RING = 4000;
    const honestAccountsAt = new Map<string, BankAccount[]>(attacks.map((a) => [a.bankCode, []]));

    const digits = (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += String(Math.floor(rng() * 10));
      return s;
    };
    const deviceId = () => `dev-${Math.floor(rng() * 2 ** 32).toString(16).padStart(8, "0")}${Math.floor(rng() * 2 ** 16).toString(16).padStart(4, "0")}`;
    const homeIp = () => `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
    const mobileIp = () => `100.${int(rng, 64, 127)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
    const officeIp = () => (chance(rng, 0.5) ? `203.0.113.${int(rng, 1, 254)}` : `192.0.2.${int(rng, 1, 254)}`);
    const vpnIp = () => `198.51.100.${int(rng, 1, 254)}`;

    const fullName = (surname: number, given: string) => {
      const s = SURNAMES[surname];
      const r = rng();
      if (r < 0.02) {
        stats.lookAlikes.halfWidthNames++;
        return toHalfWidthKatakana(`${s} ${given}`);
      }
      if (r < 0.04) return `${s}　${given}`; // full-width space
      return `${s} ${given}`;
    };
    const randomGiven = () => (chance(rng, 0.5) ? pick(rng, GIVEN_FEMALE) : pick(rng, GIVEN_MALE));
    const randomSurname = () => Math.floor(rng() * SURNAMES.length);
    const newAccount = (bank: BankInfo, surname: number, ownerGiven: string, holderName: string, otherHolder: OtherHolderKind | null = null): BankAccount => ({
      bank,
      branchCode: pick(rng, bank.branches),
      accountNumber: digits(7),
      holderName,
      surname,
      ownerGiven,
      otherHolder,
    });

    // --- honest look-alikes with their own PRNG stream ----------------------------------------------
    // Drawn from a second stream so that adding them leaves every other decision (and so the incident,
    // the volumes and the fraud wallets) exactly as it was for a seed.
    const lr = createRng(`${seed}:honest-look-alikes`);
    const otherSurnameThan = (s: number) => {
      const o = Math.floor(lr() * SURNAMES.length);
      return o === s ? (o + 1) % SURNAMES.length : o;
    };
    const pickOtherHolderKind = weighted<OtherHolderKind>([
      ["maidenName", 35],
      ["relativeOtherSurname", 25],
      ["businessAccount", 20],
      ["otherOrderOrReading", 20],
    ]);
    /** The holder name of an honest customer's own-use account that is not under their wallet name. */
    function otherHolderAccount(bank: BankInfo, surname: number, given: string): BankAccount {
      let kind = pickOtherHolderKind(lr);
      if (kind === "maidenName" && !(GIVEN_FEMALE as readonly string[]).includes(given)) kind = "relativeOtherSurname";
      if (kind === "otherOrderOrReading" && !READING_VARIANTS[SURNAMES[surname]] && chance(lr, 0.5)) kind = "businessAccount";
      const s = SURNAMES[surname];
      const space = chance(lr, 0.15) ? "　" : " ";
      let holder: string;
      let holderSurname = surname;
      let ownerGiven = given;
      switch (kind) {
        case "maidenName":
          holderSurname = otherSurnameThan(surname);
          holder = `${SURNAMES[holderSurname]}${space}${given}`;
          break;
        case "relativeOtherSurname":
          holderSurname = otherSurnameThan(surname);
          ownerGiven = pick(lr, chance(lr, 0.5) ? OLDER_GIVEN : [...GIVEN_FEMALE, ...GIVEN_MALE]);
          holder = `${SURNAMES[holderSurname]}${space}${ownerGiven}`;
          break;
        case "businessAccount": {
          const [prefix, trade, withOwner] = pick(lr, BUSINESS_STYLES);
          holder = `${prefix}${s}${trade}${withOwner ? ` ${s} ${given}` : ""}`;
          break;
        }
        case "otherOrderOrReading": {
          const variant = READING_VARIANTS[s];
          holder = variant ? `${variant}${space}${given}` : `${given}${space}${s}`;
          break;
        }
      }
      // bank files mostly carry Zengin half-width kana (no small kana)
      if (kind === "businessAccount" || chance(lr, 0.4)) holder = toZenginKana(holder);
      return newAccount(bank, holderSurname, ownerGiven, holder, kind);
    }

    /** Honest bursts: a big purchase paid at the till, or money sent on, at a random time in the window. */
    function planBurst(t: number, w: Wallet) {
      if (w.profile === "dormant") return;
      const r = lr();
      const p = BURST_RATE[w.profile];
      const kind = r < p.bigPurchase ? K.BurstPay : r < p.bigPurchase + p.sendOn ? K.BurstSend : null;
      if (kind === null) return;
      const from = Math.max(t + HOUR, windowStart);
      const at = Math.ceil((from + lr() * (now - from)) / 1000) * 1000;
      if (at < now) schedule(at, K.Burst, w, kind);
    }

    // --- honest wallets -------------------------------------------------------------------------
    function newHonestWallet(pre: boolean): Wallet {
      const profile = (pre ? pickProfilePre : pickProfileNew)(rng);
      let group: Group | null = null;
      const g = rng();
      if (g < 0.1 && familyGroups.length > 0) group = pick(rng, familyGroups);
      else if (g < 0.16) {
        group = { kind: "family", ip: homeIp(), surname: randomSurname(), deviceId: deviceId(), familyAccount: null, size: 0 };
        familyGroups.push(group);
        if (familyGroups.length > GROUP_RING) familyGroups.splice(0, 1);
      } else if (g < 0.185 && officeGroups.length > 0) group = pick(rng, officeGroups);
      else if (g < 0.19) {
        group = { kind: "office", ip: officeIp(), surname: -1, deviceId: "", familyAccount: null, size: 0 };
        officeGroups.push(group);
        if (officeGroups.length > GROUP_RING / 4) officeGroups.splice(0, 1);
      }
      if (group) group.size++;
      const surname = group?.kind === "family" ? group.surname : randomSurname();
      const given = randomGiven();
      const name = fullName(surname, given);
      const carrier = chance(rng, 0.7);
      let dev: string | undefined = chance(rng, 0.93) ? deviceId() : undefined;
      if (group?.kind === "family" && group.size > 1 && chance(rng, 0.12)) dev = group.deviceId;
      let ip: string | undefined = group ? group.ip : carrier && chance(rng, 0.6) ? mobileIp() : homeIp();
      if (!group && chance(rng, 0.03)) ip = vpnIp(); // e.g. public wifi
      if (chance(rng, 0.04)) ip = undefined;

      // which bank account it will link
      let planned: BankAccount;
      if (group?.kind === "family" && group.familyAccount && chance(rng, 0.45)) {
        planned = group.familyAccount;
      } else {
        const bank = pickBank(rng);
        let holder = name;
        if (chance(rng, 0.01)) holder = toHalfWidthKatakana(name); // bank returns half-width
        // newAccount draws from the main stream either way, so the choice leaves it unchanged
        planned = chance(lr, OTHER_HOLDER_RATE) ? otherHolderAccount(bank, surname, given) : newAccount(bank, surname, given, holder);
        if (group?.kind === "family" && !group.familyAccount && chance(rng, 0.7)) {
          // the first member's account becomes the family account others may use
          group.familyAccount = planned;
        }
      }
      return {
        id: "",
        fraud: false,
        surname,
        given,
        name,
        profile,
        carrier,
        verified: carrier ? chance(rng, 0.65) : chance(rng, 0.3),
        deviceId: dev,
        ipAddress: ip,
        group,
        link: null,
        plannedAccount: planned,
        linkedAt: 0,
        balance: 0,
        monthKey: 0,
        monthTotal: 0,
        monthTotalWithoutBursts: 0,
        attack: null,
        victim: null,
        plan: [],
      };
    }

    function openWallet(t: number, w: Wallet) {
      w.id = `acc-${tag}-${pad(++accN)}`;
      const account: Record<string, unknown> = {
        id: w.id,
        holderName: w.name,
        carrierCustomer: w.carrier,
        identityVerified: w.verified,
      };
      if (w.deviceId) account.deviceId = w.deviceId;
      if (w.ipAddress) account.ipAddress = w.ipAddress;
      emit(t, { type: "account.opened", account });
      if (w.fraud) {
        stats.fraudWallets++;
        labels.fraudAccountIds.push(w.id);
      } else {
        stats.honestWallets++;
        if (w.group && w.group.size >= 2) stats.lookAlikes.walletsInSharedIpGroups++;
        if (w.group && w.deviceId === w.group.deviceId) stats.lookAlikes.walletsSharingDevice++;
      }
    }

    function registerLink(t: number, w: Wallet, acct: BankAccount) {
      const id = `lnk-${tag}-${pad(++lnkN)}`;
      w.link = { id, bank: acct.bank, branchCode: acct.branchCode, accountNumber: acct.accountNumber, holderName: acct.holderName };
      w.linkedAt = t;
      emit(t, {
        type: "link.registered",
        link: {
          id,
          accountId: w.id,
          bankCode: acct.bank.code,
          branchCode: acct.branchCode,
          accountNumber: acct.accountNumber,
          holderName: acct.holderName,
          authMethod: acct.bank.authMethod,
        },
      });
    }

    function changeLink(t: number, w: Wallet, acct: BankAccount) {
      const link = w.link!;
      link.bank = acct.bank;
      link.branchCode = acct.branchCode;
      link.accountNumber = acct.accountNumber;
      link.holderName = acct.holderName;
      emit(t, {
        type: "link.changed",
        link: {
          id: link.id,
          bankCode: acct.bank.code,
          branchCode: acct.branchCode,
          accountNumber: acct.accountNumber,
          holderName: acct.holderName,
          authMethod: acct.bank.authMethod,
        },
      });
    }

    /** Charge as much of `wanted` as the per-charge and monthly limits allow; returns the charge id or null. */
    let lastChargeWithoutBursts = false;
    function charge(t: number, w: Wallet, wanted: number, burst = false): string | null {
      const mk = jstMonthKey(t);
      if (mk !== w.monthKey) {
        w.monthKey = mk;
        w.monthTotal = 0;
        w.monthTotalWithoutBursts = 0;
      }
      // Whether the charge would have gone through had there been no bursts decides what follows it
      // (draws from the main stream), so a burst changes this wallet's amounts but no other decision.
      if (!burst) {
        let would = Math.min(wanted, CHARGE_LIMIT_YEN, MONTHLY_CHARGE_LIMIT_YEN - w.monthTotalWithoutBursts);
        if (would < wanted) would = Math.floor(would / 1000) * 1000;
        lastChargeWithoutBursts = would >= 1000;
        if (lastChargeWithoutBursts) w.monthTotalWithoutBursts += would;
      }
      let amount = Math.min(wanted, CHARGE_LIMIT_YEN, MONTHLY_CHARGE_LIMIT_YEN - w.monthTotal);
      if (amount < wanted) amount = Math.floor(amount / 1000) * 1000;
      if (amount < 1000) return null;
      const id = `chg-${tag}-${pad(++chgN)}`;
      w.monthTotal += amount;
      w.balance += amount;
      emit(t, { type: "charge.completed", charge: { id, linkId: w.link!.id, amountYen: amount } });
      stats.charges++;
      stats.chargedYen += amount;
      if (w.fraud) {
        stats.fraudCharges++;
        stats.fraudChargedYen += amount;
        labels.fraudChargeIds.push(id);
        const a = w.attack!.label;
        a.fraudCharges++;
        a.fraudChargedYen += amount;
        w.victim!.chargeIds.push(id);
        w.victim!.chargedYen += amount;
      } else {
        if (amount >= 90_000) stats.lookAlikes.honestChargesAtLeast90k++;
        if (t - w.linkedAt <= 10 * MIN && w.linkedAt >= windowStart) stats.lookAlikes.chargedWithin10MinOfLinking++;
      }
      return id;
    }

    function spend(t: number, w: Wallet, wanted: number, channel: "payment" | "transfer", counterparty: string | undefined) {
      const amount = Math.min(wanted, w.balance);
      if (amount < 1) return;
      w.balance -= amount;
      const id = `spd-${tag}-${pad(++spdN)}`;
      const payload: Record<string, unknown> = { id, accountId: w.id, amountYen: amount, channel };
      if (counterparty) payload.counterparty = counterparty;
      emit(t, { type: "spend.completed", spend: payload });
      stats.spends++;
      if (w.fraud) labels.fraudSpendIds.push(id);
    }

    const monthlyRate = (p: Profile) => (PROFILE_RATE_PER_MONTH[p] * 12) / 365; // per day

    function scheduleNextCharge(t: number, w: Wallet) {
      if (w.profile === "dormant") return;
      const next = nextTime(rng, Math.max(t, windowStart), monthlyRate(w.profile));
      if (next <= now) schedule(next, K.Charge, w);
    }

    function onLinked(t: number, w: Wallet, pre: boolean) {
      const acct = w.plannedAccount!;
      if (acct.surname === w.surname && acct.ownerGiven !== w.given) stats.lookAlikes.surnameOnlyHolderLinks++;
      if (acct.otherHolder) stats.lookAlikes.otherHolderLinks[acct.otherHolder]++;
      const honestList = honestAccountsAt.get(acct.bank.code);
      if (honestList && honestList.length < 500) honestList.push(acct);
      if (w.profile === "dormant") return;
      if (!pre && t >= windowStart && chance(rng, 0.5)) {
        // new user trying the wallet right away: charges within minutes of linking
        schedule(t + int(rng, 60, 600) * 1000, K.Charge, w, 1);
      } else scheduleNextCharge(t, w);
      if (chance(rng, 0.03)) {
        const from = Math.max(t + 2 * DAY, windowStart + HOUR);
        const at = Math.ceil((from + rng() * (now - from)) / 1000) * 1000;
        if (at < now) schedule(at, K.Change, w);
      }
    }

    function honestAmount(w: Wallet): number {
      if (chance(rng, 0.04)) return pick(rng, ODD_AMOUNTS);
      return AMOUNTS[w.profile as Exclude<Profile, "dormant">](rng);
    }

    function schedulePostChargeSpends(t: number, w: Wallet, amount: number) {
      const n = 1 + (chance(rng, 0.45) ? 1 : 0) + (chance(rng, 0.12) ? 1 : 0);
      for (let i = 0; i < n; i++) {
        const at = nextTime(rng, t + int(rng, 60, 1800) * 1000, 1 / Math.max(0.05, expo(rng, 1.5)));
        if (at <= now) schedule(at, K.Spend, w, amount);
      }
    }

    // --- fraud ---------------------------------------------------------------------------------
    const FRAUD_PLANS: readonly (readonly number[])[] = [
      [100000, 90000, 90000, 20000],
      [100000, 100000, 100000],
      [100000, 100000, 50000],
      [100000, 90000, 90000],
      [100000, 80000],
      [50000, 50000, 30000],
      [100000],
      [30000, 20000],
      [90000, 90000, 90000, 30000],
    ];
    const pickPlan = weighted(FRAUD_PLANS.map((p, i) => [p, [20, 16, 12, 12, 10, 8, 8, 6, 8][i]] as const));

    function newFraudWallet(attack: AttackState): Wallet {
      let dev: string | undefined = deviceId();
      let ip: string | undefined = pick(rng, [vpnIp, mobileIp, homeIp])();
      if (!attack.ring && chance(rng, 0.12)) attack.ring = { deviceId: deviceId(), ip: vpnIp(), remaining: int(rng, 3, 8) };
      if (attack.ring) {
        dev = chance(rng, 0.8) ? attack.ring.deviceId : dev;
        ip = attack.ring.ip;
        if (--attack.ring.remaining <= 0) attack.ring = null;
      }
      if (chance(rng, 0.05)) dev = undefined;
      const surname = randomSurname();
      const given = randomGiven();
      return {
        id: "",
        fraud: true,
        surname,
        given,
        name: fullName(surname, given),
        profile: "dormant",
        carrier: chance(rng, 0.08),
        verified: chance(rng, 0.03),
        deviceId: dev,
        ipAddress: ip,
        group: null,
        link: null,
        plannedAccount: null,
        linkedAt: 0,
        balance: 0,
        monthKey: 0,
        monthTotal: 0,
        monthTotalWithoutBursts: 0,
        attack,
        victim: null,
        plan: [],
      };
    }

    function victimAccount(attack: AttackState, w: Wallet): DemoVictim {
      const honest = honestAccountsAt.get(attack.bank.code) ?? [];
      let acct: BankAccount;
      let also = false;
      const reused = honest.length > 0 && chance(rng, 0.05) ? pick(rng, honest) : null;
      if (reused && reused.surname !== w.surname) {
        acct = reused;
        also = true;
      } else {
        let s = randomSurname();
        if (s === w.surname) s = (s + 1) % SURNAMES.length;
        const given = randomGiven();
        acct = newAccount(attack.bank, s, given, fullName(s, given));
      }
      const v: DemoVictim = {
        bankCode: acct.bank.code,
        branchCode: acct.branchCode,
        accountNumber: acct.accountNumber,
        holderName: acct.holderName,
        alsoHonestWalletHolder: also,
        chargeIds: [],
        chargedYen: 0,
      };
      w.plannedAccount = acct;
      return v;
    }

    function fraudChargeSequence(t: number, w: Wallet) {
      let at = t;
      for (let i = 0; i < w.plan.length; i++) {
        at += (i === 0 ? int(rng, 30, 300) : int(rng, 15, 75)) * 1000;
        schedule(at, K.FCharge, w, w.plan[i]);
      }
      // cash out: transfers and electronics/gift-card payments shortly after the last charge
      let st = at + int(rng, 60, 900) * 1000;
      const parts = int(rng, 1, 3);
      for (let i = 0; i < parts; i++) {
        schedule(st, K.FSpend, w, i === parts - 1 ? Number.MAX_SAFE_INTEGER : 0);
        st += int(rng, 30, 600) * 1000;
      }
      return st;
    }

    // --- initial schedule -----------------------------------------------------------------------
    const preStart = windowStart - 365 * DAY;
    const prePerDay = (PRE_WINDOW_WALLETS * scale) / 365;
    const newPerDay = NEW_WALLETS_PER_DAY * scale;
    schedule(nextTime(rng, preStart, prePerDay), K.SpawnPre, null);
    schedule(nextTime(rng, windowStart, newPerDay), K.SpawnNew, null);

    let firstAttackStart = Infinity;
    for (const spec of attacks) {
      const bank = bankByCode.get(spec.bankCode)!;
      const start = Math.floor((now - spec.startHoursBeforeNow * HOUR) / 1000) * 1000;
      firstAttackStart = Math.min(firstAttackStart, start);
      const label: DemoAttackLabel = {
        bankCode: bank.code,
        bankName: bank.name,
        startedAt: new Date(start).toISOString(),
        fraudWallets: 0,
        fraudLinks: 0,
        fraudLinkChanges: 0,
        fraudCharges: 0,
        fraudChargedYen: 0,
      };
      labels.incident.attacks.push(label);
      const state: AttackState = { spec, bank, label, ring: null };
      const n = Math.max(3, Math.round(spec.wallets * scale));
      const span = Math.min(now - 15 * MIN, spec.durationHours ? start + spec.durationHours * HOUR : Infinity) - start;
      const phase = rng() * Math.PI * 2;
      const times: number[] = [];
      while (times.length < n) {
        const t = start + rng() * span;
        const ramp = Math.min(1, 0.2 + (t - start) / (3 * HOUR));
        const wave = 0.7 + 0.3 * Math.sin(phase + ((t - start) / (5 * HOUR)) * 2 * Math.PI);
        if (rng() < ramp * wave * ATTACKER[jstHour(t)]) times.push(Math.ceil(t / 1000) * 1000);
      }
      times.sort((a, b) => a - b);
      times[0] = start; // the attack starts exactly at its start
      for (const t of times) schedule(t, K.FOpen, null, attacks.indexOf(spec));
      attackStates.push(state);
    }
    labels.incident.startedAt = Number.isFinite(firstAttackStart) ? new Date(firstAttackStart).toISOString() : "";

    // --- the honest calendar ------------------------------------------------------------------------
    const maint = calendar?.maintenance ?? null;
    const maintFrom = maint ? Math.floor((now - maint.startHoursBeforeNow * HOUR) / 1000) * 1000 : Infinity;
    const maintTo = maint ? maintFrom + maint.hours * HOUR : -Infinity;
    /** Where an action held back by the maintenance window happens instead: soon after it ends. */
    const deferred = (t: number, bankCode: string): number | null => {
      if (!maint || bankCode !== maint.bankCode || t < maintFrom || t >= maintTo) return null;
      stats.calendar.deferredByMaintenance++;
      return Math.ceil((maintTo + expo(cr, 20 * MIN)) / 1000) * 1000;
    };
    const campaign = calendar?.campaign ?? null;
    const campaignBank = campaign ? bankByCode.get(campaign.bankCode)! : null;
    if (campaign) {
      const from = now - campaign.startHoursBeforeNow * HOUR;
      const to = Math.min(now, from + campaign.days * DAY);
      // the push notification: the first noon (JST) of the campaign
      const noon = Math.ceil((from + JST - 12 * HOUR) / DAY) * DAY + 12 * HOUR - JST;
      const n = Math.round(campaign.linksPerDay * campaign.days * scale);
      for (let i = 0; i < n; i++) {
        let t: number;
        if (chance(cr, 0.25)) t = noon + expo(cr, 25 * MIN);
        else {
          do t = from + cr() * (to - from);
          while (cr() * RHYTHM_MAX >= rhythmAt(t));
        }
        t = Math.ceil(t / 1000) * 1000;
        if (t >= windowStart && t < to) schedule(t, K.CampaignOpen, null);
      }
    }
    labels.incident.description = describeIncident(attacks, bankByCode, now);

    // --- main loop ------------------------------------------------------------------------------
    for (;;) {
      const act = heap.peek();
      if (!act || act.t > now) break;
      heap.pop();
      const t = act.t;
      const w = act.w;
      switch (act.k) {
        case K.SpawnPre:
        case K.SpawnNew: {
          const pre = act.k === K.SpawnPre;
          const nw = newHonestWallet(pre);
          openWallet(t, nw);
          planBurst(t, nw);
          let delay: number;
          const r = rng();
          if (pre) delay = r < 0.45 ? int(rng, 60, 1800) : r < 0.8 ? int(rng, 1800, 86400) : int(rng, 86400, 20 * 86400);
          else delay = r < 0.45 ? int(rng, 60, 1800) : r < 0.75 ? int(rng, 1800, 86400) : r < 0.92 ? int(rng, 86400, 14 * 86400) : -1;
          if (delay > 0) {
            const at = t + delay * 1000;
            if (at <= now) schedule(at, K.Link, nw, pre ? 1 : 0);
          }
          const next = nextTime(rng, t, pre ? prePerDay : newPerDay);
          if (pre ? next < windowStart : next <= now) schedule(next, act.k, null);
          break;
        }
        case K.Link: {
          const later = deferred(t, w!.plannedAccount!.bank.code);
          if (later !== null) {
            if (later <= now) schedule(later, K.Link, w, act.a);
            break;
          }
          registerLink(t, w!, w!.plannedAccount!);
          onLinked(t, w!, act.a === 1);
          break;
        }
        case K.Charge: {
          if (t < windowStart) {
            scheduleNextCharge(t, w!);
            break;
          }
          const later = deferred(t, w!.link!.bank.code);
          if (later !== null) {
            if (later <= now) schedule(later, K.Charge, w, act.a);
            break;
          }
          const amount = act.a === 1 ? pick(rng, [1000, 3000, 5000, 5000, 10000, 10000, 20000, 30000, 50000]) : honestAmount(w!);
          charge(t, w!, amount);
          if (lastChargeWithoutBursts) schedulePostChargeSpends(t, w!, amount);
          scheduleNextCharge(t, w!);
          // payday, bonus day, New Year: another charge soon after, on the calendar's stream
          const surge = surgeDays.get(Math.floor((t + JST) / DAY));
          if (surge && chance(cr, surge.share)) {
            const at = t + int(cr, 60, 1800) * 1000;
            if (at <= now) {
              schedule(at, K.BurstCharge, w, pick(cr, surge.amounts));
              stats.calendar.calendarCharges++;
            }
          }
          break;
        }
        case K.Spend: {
          const transfer = chance(rng, w!.profile === "heavy" ? 0.2 : 0.08);
          let amount: number;
          if (transfer) amount = pick(rng, [1000, 2000, 3000, 5000, 10000, 20000, 30000]);
          else {
            amount = Math.round(Math.exp(7.0 + rng() * 2.2 + (w!.profile === "heavy" ? 1.2 : 0)) / 10) * 10;
          }
          const cp = transfer
            ? chance(rng, 0.8) ? fullName(randomSurname(), randomGiven()) : undefined
            : chance(rng, 0.9) ? pick(rng, SHOPS) : undefined;
          spend(t, w!, Math.max(10, amount), transfer ? "transfer" : "payment", cp);
          break;
        }
        case K.Change: {
          const cur = w!.link!;
          let bank = pickBank(rng);
          if (bank.code === cur.bank.code) bank = bankInfos[(bankInfos.indexOf(bank) + 1) % bankInfos.length];
          const own = w!.plannedAccount!;
          changeLink(t, w!, newAccount(bank, own.surname, own.ownerGiven, own.holderName));
          stats.lookAlikes.honestLinkChanges++;
          break;
        }
        case K.Burst: {
          if (!w!.link || w!.linkedAt >= t) break; // not linked (yet)
          const pay = act.a === K.BurstPay;
          const plan = pick(lr, pay ? BIG_PURCHASE_PLANS : SEND_ON_PLANS);
          let at = t;
          for (let i = 0; i < plan.length; i++) {
            if (i > 0) at += int(lr, 20, 150) * 1000;
            schedule(at, K.BurstCharge, w, plan[i]);
          }
          schedule(at + int(lr, 60, 900) * 1000, act.a as K, w, plan.reduce((x, y) => x + y, 0));
          if (pay) stats.lookAlikes.bigPurchaseBursts++;
          else stats.lookAlikes.chargeAndSendOn++;
          break;
        }
        case K.BurstCharge: {
          charge(t, w!, act.a, true);
          break;
        }
        case K.BurstPay: {
          spend(t, w!, act.a, "payment", pick(lr, BIG_TICKET_SHOPS));
          break;
        }
        case K.BurstSend: {
          // to a family member (same surname) or a landlord / friend
          const s = chance(lr, 0.6) ? w!.surname : Math.floor(lr() * SURNAMES.length);
          const g = chance(lr, 0.5) ? pick(lr, GIVEN_FEMALE) : pick(lr, GIVEN_MALE);
          spend(t, w!, act.a, "transfer", `${SURNAMES[s]} ${g}`);
          break;
        }
        case K.CampaignOpen: {
          const cw = onStream(cr, () => {
            const surname = randomSurname();
            const given = randomGiven();
            const name = fullName(surname, given);
            const carrier = chance(rng, 0.7);
            const x: Wallet = {
              id: "", fraud: false, surname, given, name, profile: "dormant", carrier,
              verified: chance(rng, carrier ? 0.65 : 0.3),
              deviceId: chance(rng, 0.93) ? deviceId() : undefined,
              ipAddress: carrier && chance(rng, 0.6) ? mobileIp() : homeIp(),
              group: null, link: null, plannedAccount: newAccount(campaignBank!, surname, given, name),
              linkedAt: 0, balance: 0, monthKey: 0, monthTotal: 0, monthTotalWithoutBursts: 0, attack: null, victim: null, plan: [],
            };
            return x;
          });
          openWallet(t, cw);
          schedule(t + int(cr, 60, 900) * 1000, K.CampaignLink, cw);
          break;
        }
        case K.CampaignLink: {
          registerLink(t, w!, w!.plannedAccount!);
          stats.calendar.campaignLinks++;
          // tries the wallet with a small charge (the campaign's bonus), mostly at once
          if (chance(cr, 0.8)) schedule(t + int(cr, 30, 600) * 1000, K.BurstCharge, w, pick(cr, [1000, 1000, 2000, 3000, 5000]));
          break;
        }
        case K.FOpen: {
          const state = attackStates[act.a];
          const fw = newFraudWallet(state);
          openWallet(t, fw);
          state.label.fraudWallets++;
          fw.victim = victimAccount(state, fw);
          schedule(t + int(rng, 45, 540) * 1000, K.FLink, fw);
          break;
        }
        case K.FLink: {
          registerLink(t, w!, w!.plannedAccount!);
          labels.fraudLinkIds.push(w!.link!.id);
          labels.victims.push(w!.victim!);
          w!.attack!.label.fraudLinks++;
          if (chance(rng, 0.04)) break; // the victim's account turned out empty: no charge
          w!.plan = [...pickPlan(rng)];
          const end = fraudChargeSequence(t, w!);
          const planned = w!.plan.reduce((a, b) => a + b, 0);
          if (planned < MONTHLY_CHARGE_LIMIT_YEN && chance(rng, 0.35)) {
            schedule(end + int(rng, 120, 900) * 1000, K.FChange, w!);
          }
          break;
        }
        case K.FCharge: {
          charge(t, w!, act.a);
          break;
        }
        case K.FSpend: {
          const transfer = chance(rng, 0.75);
          const amount = act.a === Number.MAX_SAFE_INTEGER ? w!.balance : Math.ceil((w!.balance * (0.3 + rng() * 0.5)) / 1000) * 1000;
          spend(t, w!, amount, transfer ? "transfer" : "payment", transfer ? fullName(randomSurname(), randomGiven()) : pick(rng, ELECTRONICS_AND_GIFT));
          break;
        }
        case K.FChange: {
          // a second victim at the same bank, through the same wallet's link
          const state = w!.attack!;
          const v = victimAccount(state, w!);
          changeLink(t, w!, w!.plannedAccount!);
          w!.victim = v;
          labels.victims.push(v);
          state.label.fraudLinkChanges++;
          const left = MONTHLY_CHARGE_LIMIT_YEN - w!.monthTotal;
          w!.plan = left >= 100000 ? [100000, ...(left >= 200000 ? [Math.min(100000, left - 100000)] : [])] : [Math.floor(left / 1000) * 1000];
          fraudChargeSequence(t, w!);
          break;
        }
      }
      if (out.length) {
        for (const e of out) {
          if (stats.firstEventAt === null) stats.firstEventAt = e.occurredAt;
          stats.lastEventAt = e.occurredAt;
          yield e;
        }
        out.length = 0;
      }
    }
    // a linked account that yielded nothing (empty) is not a victim
    labels.victims = labels.victims.filter((v) => v.chargedYen > 0);
    stats.victims = labels.victims.length;
  }
  const attackStates: AttackState[] = [];
  const wrapped: Iterable<PlatformEvent> = {
    [Symbol.iterator]() {
      attackStates.length = 0;
      return run();
    },
  };
  return { events: wrapped, labels, stats, windowStart: new Date(windowStart), now: new Date(now) };
}

function describeIncident(attacks: readonly DemoAttackSpec[], banks: Map<string, BankInfo>, now: number): string {
  if (attacks.length === 0) return "No attack simulated.";
  const parts = attacks.map((a) => {
    const b = banks.get(a.bankCode)!;
    return `${b.name} (${b.code}) from ${fmt(now - a.startHoursBeforeNow * HOUR)}`;
  });
  return (
    `Ongoing link-and-charge attack through PIN-only bank link pages: ${parts.join("; ")}; still running at ${fmt(now)}. ` +
    "Fraudulent wallets (mostly non-carrier, unverified, some sharing devices and IP addresses in small rings) " +
    "link victims' bank accounts whose holder names do not match the wallet holder, within minutes of opening, " +
    "charge close to the ¥100,000 per-charge and ¥300,000 monthly limits within minutes, sometimes change the link " +
    "to a second victim's account, and transfer or spend the money out within minutes. Victims mostly never had a wallet."
  );
}

/** Runs the generator to the end and collects everything (for tests and small scales only). */
export function collectDemo(options: GenerateDemoOptions): { events: PlatformEvent[]; labels: DemoLabels; stats: DemoStats } {
  const run = generateDemo(options);
  const events = [...run.events];
  return { events, labels: run.labels, stats: run.stats };
}
