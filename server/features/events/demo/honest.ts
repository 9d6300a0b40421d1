// Honest wallets: who they are (a profile, a household or office, devices and addresses, the bank
// account they will link), when they open, link, charge, spend and change their link. Long-standing
// wallets open and link over the year before the window (without charges there); charges and
// spends happen only inside the window.
import { deferred } from "./calendar.ts";
import { DAY, HOUR, JST, nextTime } from "./clock.ts";
import { otherHolderAccount, OTHER_HOLDER_RATE, planBurst } from "./look-alikes.ts";
import { joinHub, quickBigCharge } from "./patient.ts";
import { K, type Action, type BankAccount, type Profile, type Wallet } from "./model.ts";
import { SHOPS, toHalfWidthKatakana } from "./names.ts";
import { chance, expo, int, pick, weighted, type Rng } from "./prng.ts";
import { blankWallet, type Simulation } from "./simulation.ts";

/** Scale-1 volumes, tuned so that scale 1 gives about 200k charges in 30 days. */
export const PRE_WINDOW_WALLETS = 55_000;
export const NEW_WALLETS_PER_DAY = 1_000;

const PROFILE_RATE_PER_MONTH: Record<Profile, number> = { dormant: 0, light: 2, regular: 4.2, heavy: 8 };

const AMOUNTS: Record<Exclude<Profile, "dormant">, (rng: Rng) => number> = {
  light: weighted([[1000, 30], [2000, 10], [3000, 25], [5000, 20], [10000, 12], [20000, 3]]),
  regular: weighted([[1000, 12], [2000, 6], [3000, 18], [5000, 24], [10000, 25], [20000, 8], [30000, 4], [50000, 3]]),
  heavy: weighted([[10000, 10], [20000, 10], [30000, 15], [50000, 25], [80000, 10], [90000, 10], [100000, 20]]),
};
const ODD_AMOUNTS = [1500, 2500, 4000, 6000, 7000, 8000, 15000, 2380, 3240, 4980, 12800];

const pickProfilePre = weighted<Profile>([["dormant", 15], ["light", 45], ["regular", 34], ["heavy", 6]]);
const pickProfileNew = weighted<Profile>([["dormant", 8], ["light", 50], ["regular", 37], ["heavy", 5]]);

function newHonestWallet(sim: Simulation, pre: boolean): Wallet {
  const rng = sim.rng;
  const profile = (pre ? pickProfilePre : pickProfileNew)(rng);
  const group = sim.drawGroup();
  if (group) group.size++;
  const surname = group?.kind === "family" ? group.surname : sim.randomSurname();
  const given = sim.randomGiven();
  const name = sim.fullName(surname, given);
  const carrier = chance(rng, 0.7);
  let dev: string | undefined = chance(rng, 0.93) ? sim.deviceId() : undefined;
  if (group?.kind === "family" && group.size > 1 && chance(rng, 0.12)) dev = group.deviceId;
  let ip: string | undefined = group ? group.ip : carrier && chance(rng, 0.6) ? sim.mobileIp() : sim.homeIp();
  if (!group && chance(rng, 0.03)) ip = sim.vpnIp(); // e.g. public wifi
  if (chance(rng, 0.04)) ip = undefined;

  // which bank account it will link
  let planned: BankAccount;
  if (group?.kind === "family" && group.familyAccount && chance(rng, 0.45)) {
    planned = group.familyAccount;
  } else {
    const bank = sim.pickBank(rng);
    let holder = name;
    if (chance(rng, 0.01)) holder = toHalfWidthKatakana(name); // bank returns half-width
    // newAccount draws from the main stream either way, so the choice leaves it unchanged
    planned = chance(sim.lr, OTHER_HOLDER_RATE) ? otherHolderAccount(sim, bank, surname, given) : sim.newAccount(bank, surname, given, holder);
    if (group?.kind === "family" && !group.familyAccount && chance(rng, 0.7)) {
      // the first member's account becomes the family account others may use
      group.familyAccount = planned;
    }
  }
  return blankWallet({
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
    plannedAccount: planned,
    attack: null,
  });
}

const monthlyRate = (p: Profile) => (PROFILE_RATE_PER_MONTH[p] * 12) / 365; // per day

function scheduleNextCharge(sim: Simulation, t: number, w: Wallet): void {
  if (w.profile === "dormant") return;
  const next = nextTime(sim.rng, Math.max(t, sim.cfg.windowStart), monthlyRate(w.profile));
  if (next <= sim.cfg.now) sim.schedule(next, K.Charge, w);
}

function onLinked(sim: Simulation, t: number, w: Wallet, pre: boolean): void {
  const rng = sim.rng;
  const { windowStart, now } = sim.cfg;
  const acct = w.plannedAccount!;
  if (acct.surname === w.surname && acct.ownerGiven !== w.given) sim.stats.lookAlikes.surnameOnlyHolderLinks++;
  if (acct.otherHolder) sim.stats.lookAlikes.otherHolderLinks[acct.otherHolder]++;
  const honestList = sim.honestAccountsAt.get(acct.bank.code);
  if (honestList && honestList.length < 500) honestList.push(acct);
  if (w.profile === "dormant") return;
  if (!pre) quickBigCharge(sim, w, t);
  if (!pre && t >= windowStart && chance(rng, 0.5)) {
    // new user trying the wallet right away: charges within minutes of linking
    sim.schedule(t + int(rng, 60, 600) * 1000, K.Charge, w, 1);
  } else scheduleNextCharge(sim, t, w);
  if (chance(rng, 0.03)) {
    const from = Math.max(t + 2 * DAY, windowStart + HOUR);
    const at = Math.ceil((from + rng() * (now - from)) / 1000) * 1000;
    if (at < now) sim.schedule(at, K.Change, w);
  }
}

function honestAmount(sim: Simulation, w: Wallet): number {
  if (chance(sim.rng, 0.04)) return pick(sim.rng, ODD_AMOUNTS);
  return AMOUNTS[w.profile as Exclude<Profile, "dormant">](sim.rng);
}

function schedulePostChargeSpends(sim: Simulation, t: number, w: Wallet, amount: number): void {
  const rng = sim.rng;
  const n = 1 + (chance(rng, 0.45) ? 1 : 0) + (chance(rng, 0.12) ? 1 : 0);
  for (let i = 0; i < n; i++) {
    const at = nextTime(rng, t + int(rng, 60, 1800) * 1000, 1 / Math.max(0.05, expo(rng, 1.5)));
    if (at <= sim.cfg.now) sim.schedule(at, K.Spend, w, amount);
  }
}

// --- actions -------------------------------------------------------------------------------------

/** Schedules the first spawns: the year before the window, and the window's newcomers. */
export function scheduleSpawns(sim: Simulation): void {
  const { windowStart } = sim.cfg;
  const preStart = windowStart - 365 * DAY;
  sim.schedule(nextTime(sim.rng, preStart, sim.cfg.prePerDay), K.SpawnPre, null);
  sim.schedule(nextTime(sim.rng, windowStart, sim.cfg.newPerDay), K.SpawnNew, null);
}

/** A new honest wallet opens (before the window or in it), plans its link, and the next one is scheduled. */
export function spawn(sim: Simulation, act: Action): void {
  const rng = sim.rng;
  const { windowStart, now, prePerDay, newPerDay } = sim.cfg;
  const t = act.t;
  const pre = act.k === K.SpawnPre;
  const nw = newHonestWallet(sim, pre);
  const hub = joinHub(sim, nw, t);
  sim.openWallet(t, nw);
  if (hub) sim.labels.honestHubs[hub].push(nw.id);
  planBurst(sim, t, nw);
  let delay: number;
  const r = rng();
  if (pre) delay = r < 0.45 ? int(rng, 60, 1800) : r < 0.8 ? int(rng, 1800, 86400) : int(rng, 86400, 20 * 86400);
  else delay = r < 0.45 ? int(rng, 60, 1800) : r < 0.75 ? int(rng, 1800, 86400) : r < 0.92 ? int(rng, 86400, 14 * 86400) : -1;
  if (delay > 0) {
    const at = t + delay * 1000;
    if (at <= now) sim.schedule(at, K.Link, nw, pre ? 1 : 0);
  }
  const next = nextTime(rng, t, pre ? prePerDay : newPerDay);
  if (pre ? next < windowStart : next <= now) sim.schedule(next, act.k, null);
}

/** An honest wallet links its planned account (later, when the bank is down for maintenance). */
export function link(sim: Simulation, act: Action): void {
  const t = act.t;
  const w = act.w!;
  const later = deferred(sim, t, w.plannedAccount!.bank.code);
  if (later !== null) {
    if (later <= sim.cfg.now) sim.schedule(later, K.Link, w, act.a);
    return;
  }
  sim.registerLink(t, w, w.plannedAccount!);
  onLinked(sim, t, w, act.a === 1);
}

/** An honest charge (a newcomer's first one when `a` is 1), its spends, the next charge and a calendar surge's extra charge. */
export function charge(sim: Simulation, act: Action): void {
  const rng = sim.rng;
  const { windowStart, now, surgeDays } = sim.cfg;
  const t = act.t;
  const w = act.w!;
  if (t < windowStart) {
    scheduleNextCharge(sim, t, w);
    return;
  }
  const later = deferred(sim, t, w.link!.bank.code);
  if (later !== null) {
    if (later <= now) sim.schedule(later, K.Charge, w, act.a);
    return;
  }
  const amount = act.a === 1 ? pick(rng, [1000, 3000, 5000, 5000, 10000, 10000, 20000, 30000, 50000]) : honestAmount(sim, w);
  sim.charge(t, w, amount);
  if (sim.lastChargeWithoutBursts) schedulePostChargeSpends(sim, t, w, amount);
  scheduleNextCharge(sim, t, w);
  // payday, bonus day, New Year: another charge soon after, on the calendar's stream
  const cr = sim.cr;
  const surge = surgeDays.get(Math.floor((t + JST) / DAY));
  if (surge && chance(cr, surge.share)) {
    const at = t + int(cr, 60, 1800) * 1000;
    if (at <= now) {
      sim.schedule(at, K.BurstCharge, w, pick(cr, surge.amounts));
      sim.stats.calendar.calendarCharges++;
    }
  }
}

/** An honest spend of a charge's money: a shop payment or a transfer. */
export function spend(sim: Simulation, act: Action): void {
  const rng = sim.rng;
  const w = act.w!;
  const transfer = chance(rng, w.profile === "heavy" ? 0.2 : 0.08);
  let amount: number;
  if (transfer) amount = pick(rng, [1000, 2000, 3000, 5000, 10000, 20000, 30000]);
  else {
    amount = Math.round(Math.exp(7.0 + rng() * 2.2 + (w.profile === "heavy" ? 1.2 : 0)) / 10) * 10;
  }
  const cp = transfer
    ? chance(rng, 0.8) ? sim.fullName(sim.randomSurname(), sim.randomGiven()) : undefined
    : chance(rng, 0.9) ? pick(rng, SHOPS) : undefined;
  sim.spend(act.t, w, Math.max(10, amount), transfer ? "transfer" : "payment", cp);
}

/** An honest wallet replaces its linked account with its own account at another bank. */
export function change(sim: Simulation, act: Action): void {
  const w = act.w!;
  const cur = w.link!;
  let bank = sim.pickBank(sim.rng);
  if (bank.code === cur.bank.code) bank = sim.bankInfos[(sim.bankInfos.indexOf(bank) + 1) % sim.bankInfos.length];
  const own = w.plannedAccount!;
  sim.changeLink(act.t, w, sim.newAccount(bank, own.surname, own.ownerGiven, own.holderName));
  sim.stats.lookAlikes.honestLinkChanges++;
}
