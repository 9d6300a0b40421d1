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
//
// The parts: types.ts (options, labels, statistics), simulation.ts (the state, the queue and what a
// wallet emits), honest.ts, look-alikes.ts, fraud.ts and calendar.ts (who does what when), clock.ts
// (JST rhythm and timestamps), heap.ts (the queue). This file resolves the options and runs the loop.
import type { PlatformEvent } from "../../../../shared/events/schemas.ts";
import { campaignLink, campaignOpen, calendarDays, defaultCalendar, maintenanceWindow, scheduleCampaign } from "./calendar.ts";
import { DAY, HOUR, fmt, toMs } from "./clock.ts";
import { fraudChange, fraudLink, fraudOpen, fraudSpend, scheduleAttacks } from "./fraud.ts";
import { NEW_WALLETS_PER_DAY, PRE_WINDOW_WALLETS, change, charge, link, scheduleSpawns, spawn, spend } from "./honest.ts";
import { burstPay, burstSend, startBurst } from "./look-alikes.ts";
import { hubPay, newHubState, patientLink, patientOpen, patientSpend, schedulePatient } from "./patient.ts";
import { K, type BankInfo } from "./model.ts";
import { Simulation, type DemoConfig } from "./simulation.ts";
import type { DemoAttackSpec, DemoBank, DemoLabels, DemoRun, DemoStats, GenerateDemoOptions } from "./types.ts";

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

export function generateDemo(options: GenerateDemoOptions): DemoRun {
  const cfg = demoConfig(options);
  const labels: DemoLabels = emptyLabels(cfg);
  const stats: DemoStats = emptyStats();
  const wrapped: Iterable<PlatformEvent> = {
    [Symbol.iterator]() {
      return run(cfg, labels, stats);
    },
  };
  return { events: wrapped, labels, stats, windowStart: new Date(cfg.windowStart), now: new Date(cfg.now) };
}

/** Checks the options and resolves the defaults (attacks, calendar) and the derived settings. */
function demoConfig(options: GenerateDemoOptions): DemoConfig {
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
  return {
    seed,
    tag,
    scale,
    now,
    windowStart,
    banks: options.banks,
    attacks,
    calendar,
    patient: options.patient ?? null,
    hubs: options.hubs ?? false,
    surgeDays,
    maintenance: maintenanceWindow(calendar, now),
    prePerDay: (PRE_WINDOW_WALLETS * scale) / 365,
    newPerDay: NEW_WALLETS_PER_DAY * scale,
  };
}

function emptyLabels(cfg: DemoConfig): DemoLabels {
  return {
    seed: cfg.seed,
    scale: cfg.scale,
    windowStart: new Date(cfg.windowStart).toISOString(),
    now: new Date(cfg.now).toISOString(),
    fraudAccountIds: [],
    fraudLinkIds: [],
    fraudChargeIds: [],
    fraudSpendIds: [],
    victims: [],
    patient: {},
    honestHubs: { "university-ip": [], "office-ip": [], "family-device": [], "quick-own-link-big-charge": [] },
    incident: { description: "", primaryBankCode: cfg.attacks[0]?.bankCode ?? "", startedAt: "", attacks: [] },
  };
}

function emptyStats(): DemoStats {
  return {
    events: 0,
    eventsByType: { "account.opened": 0, "link.registered": 0, "link.changed": 0, "charge.completed": 0, "spend.completed": 0, "account.verified": 0 },
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

/**
 * One iteration: the simulation afresh into the same labels and statistics (reset when it starts),
 * the initial schedule, then every action in time order, its events yielded as they come.
 */
function* run(cfg: DemoConfig, labels: DemoLabels, stats: DemoStats): Generator<PlatformEvent> {
  Object.assign(labels, emptyLabels(cfg));
  Object.assign(stats, emptyStats());
  const sim = new Simulation(cfg, labels, stats);
  const out = sim.out;
  sim.hubs = newHubState(sim);
  scheduleSpawns(sim);
  scheduleAttacks(sim);
  schedulePatient(sim);
  scheduleCampaign(sim);
  labels.incident.description = describeIncident(sim.cfg.attacks, sim.bankByCode, sim.cfg.now);
  for (;;) {
    const act = sim.nextAction();
    if (!act) break;
    switch (act.k) {
      case K.SpawnPre:
      case K.SpawnNew:
        spawn(sim, act);
        break;
      case K.Link:
        link(sim, act);
        break;
      case K.Charge:
        charge(sim, act);
        break;
      case K.Spend:
        spend(sim, act);
        break;
      case K.Change:
        change(sim, act);
        break;
      case K.Burst:
        startBurst(sim, act);
        break;
      case K.BurstCharge:
        sim.charge(act.t, act.w!, act.a, true);
        break;
      case K.BurstPay:
        burstPay(sim, act);
        break;
      case K.BurstSend:
        burstSend(sim, act);
        break;
      case K.CampaignOpen:
        campaignOpen(sim, act);
        break;
      case K.CampaignLink:
        campaignLink(sim, act);
        break;
      case K.FOpen:
        fraudOpen(sim, act);
        break;
      case K.FLink:
        fraudLink(sim, act);
        break;
      case K.FCharge:
        sim.charge(act.t, act.w!, act.a);
        break;
      case K.FSpend:
        fraudSpend(sim, act);
        break;
      case K.FChange:
        fraudChange(sim, act);
        break;
      case K.POpen:
        patientOpen(sim, act);
        break;
      case K.PLink:
        patientLink(sim, act);
        break;
      case K.PCharge:
        sim.charge(act.t, act.w!, act.a);
        break;
      case K.PSpend:
        patientSpend(sim, act);
        break;
      case K.HubPay:
        hubPay(sim, act);
        break;
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
