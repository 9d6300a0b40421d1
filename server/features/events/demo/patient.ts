// Patient fraud and honest hubs (opt-in: GenerateDemoOptions.patient and .hubs; off in the demo that
// `npm start` loads), for the evaluation of detection (`npm run eval:detection`, issue #16).
//
// Patient fraudsters work beside an attack's blatant ring at the same bank, but adapt: their wallets
// open days before use, link a victim's account hours or days later, charge below the limits over
// hours, and move the money out hours later. Some have verified identity (and a carrier contract);
// some share a phone or an IP address with the blatant ring. Honest hubs are the look-alikes of that
// sharing: a university's or a large office's address behind which many unrelated wallets open, a
// family's shared phone, and newcomers who link their own account within minutes and charge a lot
// at once.
//
// Every draw here comes from the run's own streams (`${seed}:patient`, `${seed}:hubs`), and a
// blatant wallet's device or address is replaced only after the main stream drew it, so turning
// these on leaves every other decision of a seed (the honest traffic, the attack's timing, its
// amounts) as it was.
import { HOUR, MIN } from "./clock.ts";
import { K, type Action, type AttackState, type Wallet } from "./model.ts";
import { ELECTRONICS_AND_GIFT } from "./names.ts";
import { chance, int, pick } from "./prng.ts";
import { blankWallet, type Simulation } from "./simulation.ts";
import { victimAccount } from "./fraud.ts";
import type { HonestHubKind, PatientVariant } from "./types.ts";

export const PATIENT_VARIANTS = ["patient", "patient-verified", "patient-shared-device", "patient-shared-ip"] as const satisfies readonly PatientVariant[];
export const HONEST_HUB_KINDS = ["university-ip", "office-ip", "family-device", "quick-own-link-big-charge"] as const satisfies readonly HonestHubKind[];

/** Charges below the limits: several of ¥10,000–¥60,000 (never near ¥100,000), tens of minutes to hours apart. */
const PATIENT_AMOUNTS = [10_000, 20_000, 30_000, 30_000, 40_000, 50_000, 60_000] as const;

/** Schedules the patient wallets of every attack (GenerateDemoOptions.patient.walletsPerAttack each, times the scale). */
export function schedulePatient(sim: Simulation): void {
  const spec = sim.cfg.patient;
  if (!spec) return;
  const pr = sim.pr;
  sim.attackStates.forEach((state, a) => {
    const start = sim.cfg.now - state.spec.startHoursBeforeNow * HOUR;
    const n = Math.max(PATIENT_VARIANTS.length, Math.round(spec.walletsPerAttack * sim.cfg.scale));
    for (let k = 0; k < n; k++) {
      const variant = PATIENT_VARIANTS[k % PATIENT_VARIANTS.length];
      // opened 1–6 days before the attack starts; used (linked) during its first hours
      const openAt = Math.ceil((start - int(pr, 24, 6 * 24) * HOUR - int(pr, 0, 3600) * 1000) / 1000) * 1000;
      if (openAt < sim.cfg.windowStart - 30 * 86_400_000) continue;
      sim.schedule(openAt, K.POpen, null, a * 16 + PATIENT_VARIANTS.indexOf(variant));
    }
  });
}

/** A patient wallet opens; it links days later (during the attack), when the ring is at work. */
export function patientOpen(sim: Simulation, act: Action): void {
  const pr = sim.pr;
  const state = sim.attackStates[Math.floor(act.a / 16)];
  const variant = PATIENT_VARIANTS[act.a % 16];
  const w = sim.onStream(pr, () => {
    const surname = sim.randomSurname();
    const given = sim.randomGiven();
    const verified = variant === "patient-verified";
    return blankWallet({
      fraud: true,
      surname,
      given,
      name: sim.fullName(surname, given),
      profile: "dormant",
      carrier: verified ? chance(pr, 0.8) : chance(pr, 0.1),
      verified,
      deviceId: sim.deviceId(),
      ipAddress: chance(pr, 0.5) ? sim.mobileIp() : sim.homeIp(),
      group: null,
      plannedAccount: null,
      attack: state,
    });
  });
  // sharing with the blatant ring: this wallet's phone (or address) is one the ring's wallets use too
  if (variant === "patient-shared-device") state.shared.deviceIds.push(w.deviceId!);
  if (variant === "patient-shared-ip") state.shared.ips.push(w.ipAddress!);
  sim.openWallet(act.t, w);
  sim.labels.patient[w.id] = variant;
  state.label.fraudWallets++;
  const start = sim.cfg.now - state.spec.startHoursBeforeNow * HOUR;
  const span = Math.max(HOUR, Math.min(6 * HOUR, (state.spec.durationHours ?? 6) * HOUR));
  const linkAt = Math.ceil((start + pr() * span) / 1000) * 1000;
  if (linkAt <= sim.cfg.now) sim.schedule(linkAt, K.PLink, w);
}

/** It links a victim's account and charges it below the limits over the next hours; the cash-out comes hours later. */
export function patientLink(sim: Simulation, act: Action): void {
  const pr = sim.pr;
  const w = act.w!;
  const state = w.attack!;
  w.victim = sim.onStream(pr, () => victimAccount(sim, state, w));
  sim.registerLink(act.t, w, w.plannedAccount!);
  sim.labels.fraudLinkIds.push(w.link!.id);
  sim.labels.victims.push(w.victim);
  state.label.fraudLinks++;
  let at = act.t + int(pr, 20, 120) * MIN;
  const charges = int(pr, 2, 5);
  for (let i = 0; i < charges; i++) {
    sim.schedule(at, K.PCharge, w, pick(pr, PATIENT_AMOUNTS));
    at += int(pr, 25, 240) * MIN;
  }
  // slower cash-out: 2–20 hours after the last charge, in one or two parts
  let out = at + int(pr, 2 * 60, 20 * 60) * MIN;
  const parts = int(pr, 1, 2);
  for (let i = 0; i < parts; i++) {
    sim.schedule(out, K.PSpend, w, i === parts - 1 ? 1 : 0);
    out += int(pr, 30, 300) * MIN;
  }
}

export function patientSpend(sim: Simulation, act: Action): void {
  const pr = sim.pr;
  const w = act.w!;
  const amount = act.a === 1 ? w.balance : Math.ceil((w.balance * 0.5) / 1000) * 1000;
  const transfer = chance(pr, 0.6);
  sim.spend(act.t, w, amount, transfer ? "transfer" : "payment", transfer ? sim.onStream(pr, () => sim.fullName(sim.randomSurname(), sim.randomGiven())) : pick(pr, ELECTRONICS_AND_GIFT));
}

/**
 * A blatant wallet of `state` just drawn (from the main stream): with the patient wallets' sharing
 * on, some use a phone or an address a patient wallet of the same attack used (drawn on the patient
 * stream, so the main stream is unchanged).
 */
export function shareWithPatient(sim: Simulation, state: AttackState, w: Wallet): void {
  if (!sim.cfg.patient) return;
  const pr = sim.pr;
  if (state.shared.deviceIds.length > 0 && chance(pr, 0.25)) w.deviceId = pick(pr, state.shared.deviceIds);
  if (state.shared.ips.length > 0 && chance(pr, 0.3)) w.ipAddress = pick(pr, state.shared.ips);
}

// --- honest hubs -------------------------------------------------------------------------------------

/** The hubs of a run: a few universities and large offices (many unrelated wallets behind one address). */
export interface HubState {
  universities: string[];
  offices: string[];
  /** family phones handed around: a device id and the surname of the family */
  familyDevices: { deviceId: string; surname: number }[];
}

export function newHubState(sim: Simulation): HubState | null {
  if (!sim.cfg.hubs) return null;
  const hr = sim.hr;
  return {
    universities: Array.from({ length: 4 }, () => `172.${int(hr, 16, 31)}.${int(hr, 0, 255)}.${int(hr, 1, 254)}`),
    offices: Array.from({ length: 6 }, () => `192.0.2.${int(hr, 1, 254)}`),
    familyDevices: [],
  };
}

/**
 * An honest wallet just drawn (from the main stream), before it opens: with the hubs on, a share of
 * them open behind a university's or a large office's address, or on a family phone another member
 * of the same family (same surname) opened a wallet on. Returns the hub kind it joined, if any.
 */
export function joinHub(sim: Simulation, w: Wallet, t: number): HonestHubKind | null {
  const hubs = sim.hubs;
  if (!hubs || t < sim.cfg.windowStart - 60 * 86_400_000) return null;
  const hr = sim.hr;
  const r = hr();
  if (r < 0.02) {
    w.ipAddress = pick(hr, hubs.universities);
    return "university-ip";
  }
  if (r < 0.035) {
    w.ipAddress = pick(hr, hubs.offices);
    return "office-ip";
  }
  if (r < 0.045) {
    const same = hubs.familyDevices.filter((f) => f.surname === w.surname);
    if (same.length > 0) {
      w.deviceId = pick(hr, same).deviceId;
      return "family-device";
    }
    if (w.deviceId) hubs.familyDevices.push({ deviceId: w.deviceId, surname: w.surname });
    if (hubs.familyDevices.length > 500) hubs.familyDevices.splice(0, 1);
  }
  return null;
}

/**
 * An honest newcomer who just linked their own account (in the window): with the hubs on, some
 * charge a lot at once, within minutes (a big purchase on day one). Returns whether it did.
 */
export function quickBigCharge(sim: Simulation, w: Wallet, t: number): boolean {
  if (!sim.hubs || t < sim.cfg.windowStart || w.profile === "dormant") return false;
  const own = w.plannedAccount && w.plannedAccount.otherHolder === null && w.plannedAccount.surname === w.surname && w.plannedAccount.ownerGiven === w.given;
  const rng = sim.hr;
  if (!own || !chance(rng, 0.01)) return false;
  let at = t + int(rng, 60, 480) * 1000;
  const plan = pick(rng, [[100_000, 100_000], [100_000, 50_000], [90_000, 90_000], [100_000]] as const);
  for (const amount of plan) {
    sim.schedule(at, K.BurstCharge, w, amount);
    at += int(rng, 20, 120) * 1000;
  }
  sim.schedule(at + int(rng, 120, 1800) * 1000, K.HubPay, w, plan.reduce((a, b) => a + b, 0));
  sim.labels.honestHubs["quick-own-link-big-charge"].push(w.id);
  return true;
}

/** The newcomer's big purchase, paid at once. */
export function hubPay(sim: Simulation, act: Action): void {
  sim.spend(act.t, act.w!, act.a, "payment", pick(sim.hr, ELECTRONICS_AND_GIFT));
}
