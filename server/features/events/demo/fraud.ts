// The attack: fraudulent wallets open at PIN-only banks' link pages on the attackers' hours, link a
// victim's bank account within minutes, charge close to the limits, sometimes change the link to a
// second victim's account, and move the money out at once.
import { ATTACKER, HOUR, MIN, jstHour } from "./clock.ts";
import { K, type Action, type AttackState, type BankAccount, type Wallet } from "./model.ts";
import { ELECTRONICS_AND_GIFT, SURNAMES } from "./names.ts";
import { chance, int, pick, weighted } from "./prng.ts";
import { MONTHLY_CHARGE_LIMIT_YEN, blankWallet, type Simulation } from "./simulation.ts";
import { shareWithPatient } from "./patient.ts";
import type { DemoAttackLabel, DemoVictim } from "./types.ts";

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

/** Schedules every attack's wallet openings and adds the attacks to the labels. */
export function scheduleAttacks(sim: Simulation): void {
  const rng = sim.rng;
  const { attacks, now, scale } = sim.cfg;
  let firstAttackStart = Infinity;
  for (const spec of attacks) {
    const bank = sim.bankByCode.get(spec.bankCode)!;
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
    sim.labels.incident.attacks.push(label);
    const state: AttackState = { spec, bank, label, ring: null, shared: { deviceIds: [], ips: [] } };
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
    for (const t of times) sim.schedule(t, K.FOpen, null, attacks.indexOf(spec));
    sim.attackStates.push(state);
  }
  sim.labels.incident.startedAt = Number.isFinite(firstAttackStart) ? new Date(firstAttackStart).toISOString() : "";
}

function newFraudWallet(sim: Simulation, attack: AttackState): Wallet {
  const rng = sim.rng;
  let dev: string | undefined = sim.deviceId();
  let ip: string | undefined = pick(rng, [() => sim.vpnIp(), () => sim.mobileIp(), () => sim.homeIp()])();
  if (!attack.ring && chance(rng, 0.12)) attack.ring = { deviceId: sim.deviceId(), ip: sim.vpnIp(), remaining: int(rng, 3, 8) };
  if (attack.ring) {
    dev = chance(rng, 0.8) ? attack.ring.deviceId : dev;
    ip = attack.ring.ip;
    if (--attack.ring.remaining <= 0) attack.ring = null;
  }
  if (chance(rng, 0.05)) dev = undefined;
  const surname = sim.randomSurname();
  const given = sim.randomGiven();
  const w = blankWallet({
    fraud: true,
    surname,
    given,
    name: sim.fullName(surname, given),
    profile: "dormant",
    carrier: chance(rng, 0.08),
    verified: chance(rng, 0.03),
    deviceId: dev,
    ipAddress: ip,
    group: null,
    plannedAccount: null,
    attack,
  });
  shareWithPatient(sim, attack, w);
  return w;
}

export function victimAccount(sim: Simulation, attack: AttackState, w: Wallet): DemoVictim {
  const rng = sim.rng;
  const honest = sim.honestAccountsAt.get(attack.bank.code) ?? [];
  let acct: BankAccount;
  let also = false;
  const reused = honest.length > 0 && chance(rng, 0.05) ? pick(rng, honest) : null;
  if (reused && reused.surname !== w.surname) {
    acct = reused;
    also = true;
  } else {
    let s = sim.randomSurname();
    if (s === w.surname) s = (s + 1) % SURNAMES.length;
    const given = sim.randomGiven();
    acct = sim.newAccount(attack.bank, s, given, sim.fullName(s, given));
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

/** Schedules the wallet's planned charges seconds apart, then the cash-out; returns when the cash-out ends. */
function fraudChargeSequence(sim: Simulation, t: number, w: Wallet): number {
  const rng = sim.rng;
  let at = t;
  for (let i = 0; i < w.plan.length; i++) {
    at += (i === 0 ? int(rng, 30, 300) : int(rng, 15, 75)) * 1000;
    sim.schedule(at, K.FCharge, w, w.plan[i]);
  }
  // cash out: transfers and electronics/gift-card payments shortly after the last charge
  let st = at + int(rng, 60, 900) * 1000;
  const parts = int(rng, 1, 3);
  for (let i = 0; i < parts; i++) {
    sim.schedule(st, K.FSpend, w, i === parts - 1 ? Number.MAX_SAFE_INTEGER : 0);
    st += int(rng, 30, 600) * 1000;
  }
  return st;
}

// --- actions -------------------------------------------------------------------------------------

/** A fraudulent wallet opens for attack `a`, picks its victim and links soon after. */
export function fraudOpen(sim: Simulation, act: Action): void {
  const state = sim.attackStates[act.a];
  const fw = newFraudWallet(sim, state);
  sim.openWallet(act.t, fw);
  state.label.fraudWallets++;
  fw.victim = victimAccount(sim, state, fw);
  sim.schedule(act.t + int(sim.rng, 45, 540) * 1000, K.FLink, fw);
}

/** It links the victim's account and plans its charges (unless the account turns out empty) and maybe a change. */
export function fraudLink(sim: Simulation, act: Action): void {
  const rng = sim.rng;
  const t = act.t;
  const w = act.w!;
  sim.registerLink(t, w, w.plannedAccount!);
  sim.labels.fraudLinkIds.push(w.link!.id);
  sim.labels.victims.push(w.victim!);
  w.attack!.label.fraudLinks++;
  if (chance(rng, 0.04)) return; // the victim's account turned out empty: no charge
  w.plan = [...pickPlan(rng)];
  const end = fraudChargeSequence(sim, t, w);
  const planned = w.plan.reduce((a, b) => a + b, 0);
  if (planned < MONTHLY_CHARGE_LIMIT_YEN && chance(rng, 0.35)) {
    sim.schedule(end + int(rng, 120, 900) * 1000, K.FChange, w);
  }
}

/** Cash-out: a part of the balance (all of it for the last part), transferred or spent on electronics and gift cards. */
export function fraudSpend(sim: Simulation, act: Action): void {
  const rng = sim.rng;
  const w = act.w!;
  const transfer = chance(rng, 0.75);
  const amount = act.a === Number.MAX_SAFE_INTEGER ? w.balance : Math.ceil((w.balance * (0.3 + rng() * 0.5)) / 1000) * 1000;
  sim.spend(act.t, w, amount, transfer ? "transfer" : "payment", transfer ? sim.fullName(sim.randomSurname(), sim.randomGiven()) : pick(rng, ELECTRONICS_AND_GIFT));
}

/** A second victim at the same bank, through the same wallet's link, charged up to what the month allows. */
export function fraudChange(sim: Simulation, act: Action): void {
  const w = act.w!;
  const state = w.attack!;
  const v = victimAccount(sim, state, w);
  sim.changeLink(act.t, w, w.plannedAccount!);
  w.victim = v;
  sim.labels.victims.push(v);
  state.label.fraudLinkChanges++;
  const left = MONTHLY_CHARGE_LIMIT_YEN - w.monthTotal;
  w.plan = left >= 100000 ? [100000, ...(left >= 200000 ? [Math.min(100000, left - 100000)] : [])] : [Math.floor(left / 1000) * 1000];
  fraudChargeSequence(sim, act.t, w);
}
