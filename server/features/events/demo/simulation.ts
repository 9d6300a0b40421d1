// The simulation's shared state and its elementary moves: the random streams, the action queue,
// entity ids, the events a wallet emits (open, link, change, charge, spend) with the labels and
// statistics they update, and the random people, devices, addresses and bank accounts the honest
// and fraudulent sides draw. One Simulation per iteration of a run (see generateDemo).
import type { EventType, PlatformEvent } from "../../../../shared/events/schemas.ts";
import { DAY, MIN, fmt, jstMonthKey } from "./clock.ts";
import { Heap, SEQ_SPAN } from "./heap.ts";
import type { Action, AttackState, BankAccount, BankInfo, Group, K, Wallet } from "./model.ts";
import { GIVEN_FEMALE, GIVEN_MALE, SURNAMES, toHalfWidthKatakana } from "./names.ts";
import type { HubState } from "./patient.ts";
import { chance, createRng, int, pick, weighted, type Rng } from "./prng.ts";
import type { DemoAttackSpec, DemoBank, DemoCalendar, DemoLabels, DemoStats, OtherHolderKind } from "./types.ts";
import { branchCodesOf } from "../../compensation/zengin-codes.ts";
import { demoChargeDescriptor } from "../../../../shared/events/descriptor.ts";

export const CHARGE_LIMIT_YEN = 100_000;
export const MONTHLY_CHARGE_LIMIT_YEN = 300_000;

/** A run's settings, resolved from GenerateDemoOptions once. */
export interface DemoConfig {
  seed: string;
  /** the seed as it appears in entity ids */
  tag: string;
  scale: number;
  now: number;
  windowStart: number;
  banks: readonly DemoBank[];
  attacks: readonly DemoAttackSpec[];
  calendar: DemoCalendar | null;
  patient: { walletsPerAttack: number } | null;
  hubs: boolean;
  /** JST calendar days with extra honest charging (see calendarDays) */
  surgeDays: Map<number, { share: number; amounts: readonly number[] }>;
  /** the calendar's maintenance window in epoch ms (see deferred) */
  maintenance: { bankCode: string; from: number; to: number } | null;
  /** honest wallets opening per day before the window and in it */
  prePerDay: number;
  newPerDay: number;
}

const GROUP_RING = 4000;
const pad = (n: number) => String(n).padStart(7, "0");

export class Simulation {
  /** The main stream. `rng` is swapped while the calendar's wallets are drawn with the same helpers (onStream). */
  rng: Rng;
  /** The honest calendar's stream. */
  readonly cr: Rng;
  /**
   * The honest look-alikes' stream: drawn from a second stream so that adding them leaves every
   * other decision (and so the incident, the volumes and the fraud wallets) exactly as it was for a seed.
   */
  readonly lr: Rng;
  /** The patient fraud's and the honest hubs' streams (patient.ts): off by default, and when on they leave the rest of a seed as it was. */
  readonly pr: Rng;
  readonly hr: Rng;
  hubs: HubState | null = null;
  readonly bankInfos: BankInfo[];
  readonly bankByCode: Map<string, BankInfo>;
  readonly pickBank: (rng: Rng) => BankInfo;
  readonly attackStates: AttackState[] = [];
  /** Events of the action being executed, yielded after it. */
  readonly out: PlatformEvent[] = [];
  /** Whether the last non-burst charge would have gone through had there been no bursts (see charge). */
  lastChargeWithoutBursts = false;

  private readonly heap = new Heap<Action>();
  private seq = 0;
  private readonly simStart: number;
  private evN = 0;
  private accN = 0;
  private lnkN = 0;
  private chgN = 0;
  private spdN = 0;
  // Shared groups (households and offices) and reservoirs, all bounded.
  private readonly familyGroups: Group[] = [];
  private readonly officeGroups: Group[] = [];
  readonly honestAccountsAt: Map<string, BankAccount[]>;

  constructor(
    readonly cfg: DemoConfig,
    readonly labels: DemoLabels,
    readonly stats: DemoStats,
  ) {
    this.rng = createRng(cfg.seed);
    this.cr = createRng(`${cfg.seed}:calendar`);
    // Banks, with deterministic branch lists.
    this.bankInfos = cfg.banks.map((b) => {
      const n = int(this.rng, 25, 90);
      const set = new Set<string>();
      while (set.size < n) set.add(String(int(this.rng, 1, 999)).padStart(3, "0"));
      return { code: b.code, name: b.name, authMethod: b.authMethod, branches: realBranches(b.code, [...set].sort()) };
    });
    this.bankByCode = new Map(this.bankInfos.map((b) => [b.code, b]));
    this.pickBank = weighted(this.bankInfos.map((b, i) => [b, cfg.banks[i].weight ?? 1] as const));
    this.simStart = cfg.windowStart - 366 * DAY;
    this.honestAccountsAt = new Map<string, BankAccount[]>(cfg.attacks.map((a) => [a.bankCode, []]));
    this.lr = createRng(`${cfg.seed}:honest-look-alikes`);
    this.pr = createRng(`${cfg.seed}:patient`);
    this.hr = createRng(`${cfg.seed}:hubs`);
  }

  /** Runs `f` with `r` as the main stream. */
  onStream<T>(r: Rng, f: () => T): T {
    const main = this.rng;
    this.rng = r;
    try {
      return f();
    } finally {
      this.rng = main;
    }
  }

  // --- the queue ---------------------------------------------------------------------------------

  schedule(t: number, k: K, w: Wallet | null, a = 0): void {
    if (++this.seq >= SEQ_SPAN) this.seq = 0; // wraps only past 67M pending-action insertions; order by time is kept
    this.heap.push(Math.round((t - this.simStart) / 1000) * SEQ_SPAN + this.seq, { t, k, w, a });
  }

  /** The next action due at or before `now`, taken off the queue; undefined when none is left. */
  nextAction(): Action | undefined {
    const act = this.heap.peek();
    if (!act || act.t > this.cfg.now) return undefined;
    this.heap.pop();
    return act;
  }

  private emit(t: number, ev: Record<string, unknown> & { type: EventType }): PlatformEvent {
    const { type, ...payload } = ev;
    const e = { id: `ev-${this.cfg.tag}-${pad(++this.evN)}`, type, occurredAt: fmt(t), ...payload } as PlatformEvent;
    this.out.push(e);
    this.stats.events++;
    this.stats.eventsByType[ev.type]++;
    if (t < this.cfg.windowStart) this.stats.preWindowEvents++;
    return e;
  }

  // --- random people, devices, addresses and bank accounts ----------------------------------------

  private digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(Math.floor(this.rng() * 10));
    return s;
  }
  deviceId(): string {
    const rng = this.rng;
    return `dev-${Math.floor(rng() * 2 ** 32).toString(16).padStart(8, "0")}${Math.floor(rng() * 2 ** 16).toString(16).padStart(4, "0")}`;
  }
  homeIp(): string {
    const rng = this.rng;
    return `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
  }
  mobileIp(): string {
    const rng = this.rng;
    return `100.${int(rng, 64, 127)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
  }
  officeIp(): string {
    const rng = this.rng;
    return chance(rng, 0.5) ? `203.0.113.${int(rng, 1, 254)}` : `192.0.2.${int(rng, 1, 254)}`;
  }
  vpnIp(): string {
    return `198.51.100.${int(this.rng, 1, 254)}`;
  }

  fullName(surname: number, given: string): string {
    const s = SURNAMES[surname];
    const r = this.rng();
    if (r < 0.02) {
      this.stats.lookAlikes.halfWidthNames++;
      return toHalfWidthKatakana(`${s} ${given}`);
    }
    if (r < 0.04) return `${s}　${given}`; // full-width space
    return `${s} ${given}`;
  }
  randomGiven(): string {
    return chance(this.rng, 0.5) ? pick(this.rng, GIVEN_FEMALE) : pick(this.rng, GIVEN_MALE);
  }
  randomSurname(): number {
    return Math.floor(this.rng() * SURNAMES.length);
  }
  newAccount(bank: BankInfo, surname: number, ownerGiven: string, holderName: string, otherHolder: OtherHolderKind | null = null): BankAccount {
    return {
      bank,
      branchCode: pick(this.rng, bank.branches),
      accountNumber: this.digits(7),
      holderName,
      surname,
      ownerGiven,
      otherHolder,
    };
  }

  /** A household or an office the new honest wallet belongs to (or none), drawn as the original stream does. */
  drawGroup(): Group | null {
    const rng = this.rng;
    let group: Group | null = null;
    const g = rng();
    if (g < 0.1 && this.familyGroups.length > 0) group = pick(rng, this.familyGroups);
    else if (g < 0.16) {
      group = { kind: "family", ip: this.homeIp(), surname: this.randomSurname(), deviceId: this.deviceId(), familyAccount: null, size: 0 };
      this.familyGroups.push(group);
      if (this.familyGroups.length > GROUP_RING) this.familyGroups.splice(0, 1);
    } else if (g < 0.185 && this.officeGroups.length > 0) group = pick(rng, this.officeGroups);
    else if (g < 0.19) {
      group = { kind: "office", ip: this.officeIp(), surname: -1, deviceId: "", familyAccount: null, size: 0 };
      this.officeGroups.push(group);
      if (this.officeGroups.length > GROUP_RING / 4) this.officeGroups.splice(0, 1);
    }
    return group;
  }

  // --- what a wallet does --------------------------------------------------------------------------

  openWallet(t: number, w: Wallet): void {
    w.id = `acc-${this.cfg.tag}-${pad(++this.accN)}`;
    const account: Record<string, unknown> = {
      id: w.id,
      holderName: w.name,
      carrierCustomer: w.carrier,
      identityVerified: w.verified,
    };
    if (w.deviceId) account.deviceId = w.deviceId;
    if (w.ipAddress) account.ipAddress = w.ipAddress;
    this.emit(t, { type: "account.opened", account });
    if (w.fraud) {
      this.stats.fraudWallets++;
      this.labels.fraudAccountIds.push(w.id);
    } else {
      this.stats.honestWallets++;
      if (w.group && w.group.size >= 2) this.stats.lookAlikes.walletsInSharedIpGroups++;
      if (w.group && w.deviceId === w.group.deviceId) this.stats.lookAlikes.walletsSharingDevice++;
    }
  }

  registerLink(t: number, w: Wallet, acct: BankAccount): void {
    const id = `lnk-${this.cfg.tag}-${pad(++this.lnkN)}`;
    w.link = { id, bank: acct.bank, branchCode: acct.branchCode, accountNumber: acct.accountNumber, holderName: acct.holderName };
    w.linkedAt = t;
    this.emit(t, {
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

  changeLink(t: number, w: Wallet, acct: BankAccount): void {
    const link = w.link!;
    link.bank = acct.bank;
    link.branchCode = acct.branchCode;
    link.accountNumber = acct.accountNumber;
    link.holderName = acct.holderName;
    this.emit(t, {
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
  charge(t: number, w: Wallet, wanted: number, burst = false): string | null {
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
      this.lastChargeWithoutBursts = would >= 1000;
      if (this.lastChargeWithoutBursts) w.monthTotalWithoutBursts += would;
    }
    let amount = Math.min(wanted, CHARGE_LIMIT_YEN, MONTHLY_CHARGE_LIMIT_YEN - w.monthTotal);
    if (amount < wanted) amount = Math.floor(amount / 1000) * 1000;
    if (amount < 1000) return null;
    const id = `chg-${this.cfg.tag}-${pad(++this.chgN)}`;
    w.monthTotal += amount;
    w.balance += amount;
    this.emit(t, { type: "charge.completed", charge: { id, linkId: w.link!.id, amountYen: amount, descriptor: demoChargeDescriptor(id) } });
    const stats = this.stats;
    stats.charges++;
    stats.chargedYen += amount;
    if (w.fraud) {
      stats.fraudCharges++;
      stats.fraudChargedYen += amount;
      this.labels.fraudChargeIds.push(id);
      const a = w.attack!.label;
      a.fraudCharges++;
      a.fraudChargedYen += amount;
      w.victim!.chargeIds.push(id);
      w.victim!.chargedYen += amount;
    } else {
      if (amount >= 90_000) stats.lookAlikes.honestChargesAtLeast90k++;
      if (t - w.linkedAt <= 10 * MIN && w.linkedAt >= this.cfg.windowStart) stats.lookAlikes.chargedWithin10MinOfLinking++;
    }
    return id;
  }

  spend(t: number, w: Wallet, wanted: number, channel: "payment" | "transfer", counterparty: string | undefined): void {
    const amount = Math.min(wanted, w.balance);
    if (amount < 1) return;
    w.balance -= amount;
    const id = `spd-${this.cfg.tag}-${pad(++this.spdN)}`;
    const payload: Record<string, unknown> = { id, accountId: w.id, amountYen: amount, channel };
    if (counterparty) payload.counterparty = counterparty;
    this.emit(t, { type: "spend.completed", spend: payload });
    this.stats.spends++;
    if (w.fraud) this.labels.fraudSpendIds.push(id);
  }
}

/** A wallet before it opens: every counter at zero, nothing linked. */
export function blankWallet(fields: Pick<Wallet, "fraud" | "surname" | "given" | "name" | "profile" | "carrier" | "verified" | "deviceId" | "ipAddress" | "group" | "plannedAccount" | "attack">): Wallet {
  return { id: "", ...fields, link: null, linkedAt: 0, balance: 0, monthKey: 0, monthTotal: 0, monthTotalWithoutBursts: 0, victim: null, plan: [] };
}

/**
 * The drawn branch codes moved onto the bank's real branches (the zengin-code list), so a demo
 * victim's account has a branch a bank would accept in a Zengin transfer file. The draws stay the
 * same (each maps to the real branch at the same relative place), so the random stream, and every
 * seed's events apart from branch codes, do not change. A bank missing from the list keeps its draws.
 */
function realBranches(bankCode: string, drawn: string[]): string[] {
  const real = branchCodesOf(bankCode);
  if (real.length === 0) return drawn;
  return [...new Set(drawn.map((c) => real[Math.min(real.length - 1, Math.floor(((Number(c) - 1) * real.length) / 999))]))];
}
