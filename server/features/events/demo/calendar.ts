// The honest calendar: surges an operator sees that are not attacks, on their own PRNG stream
// (Simulation.cr). Paydays, bonus days and the New Year bring extra charges by linked wallets (see
// honest.ts charge); a campaign brings a bank new wallets that link and try it with a small charge;
// a maintenance window holds a bank's links and charges back until it ends (deferred).
import { DAY, HOUR, JST, MIN, RHYTHM_MAX, rhythmAt } from "./clock.ts";
import { K, type Action } from "./model.ts";
import { chance, expo, int, pick } from "./prng.ts";
import { blankWallet, type Simulation } from "./simulation.ts";
import type { DemoBank, DemoAttackSpec, DemoCalendar } from "./types.ts";

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
export function calendarDays(fromMs: number, toMs: number): Map<number, { share: number; amounts: readonly number[] }> {
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

/** The maintenance window of a calendar, in epoch ms (null: none). */
export function maintenanceWindow(calendar: DemoCalendar | null, now: number): { bankCode: string; from: number; to: number } | null {
  const maint = calendar?.maintenance ?? null;
  if (!maint) return null;
  const from = Math.floor((now - maint.startHoursBeforeNow * HOUR) / 1000) * 1000;
  return { bankCode: maint.bankCode, from, to: from + maint.hours * HOUR };
}

/** Where an action held back by the maintenance window happens instead: soon after it ends (null: not held back). */
export function deferred(sim: Simulation, t: number, bankCode: string): number | null {
  const maint = sim.cfg.maintenance;
  if (!maint || bankCode !== maint.bankCode || t < maint.from || t >= maint.to) return null;
  sim.stats.calendar.deferredByMaintenance++;
  return Math.ceil((maint.to + expo(sim.cr, 20 * MIN)) / 1000) * 1000;
}

/** Schedules the campaign's new wallets: a quarter around the push notification, the rest over its days. */
export function scheduleCampaign(sim: Simulation): void {
  const campaign = sim.cfg.calendar?.campaign ?? null;
  if (!campaign) return;
  const { cr } = sim;
  const { now, windowStart, scale } = sim.cfg;
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
    if (t >= windowStart && t < to) sim.schedule(t, K.CampaignOpen, null);
  }
}

/** A campaign wallet opens (drawn on the calendar's stream) and links the campaign bank soon after. */
export function campaignOpen(sim: Simulation, act: Action): void {
  const { cr } = sim;
  const campaignBank = sim.bankByCode.get(sim.cfg.calendar!.campaign!.bankCode)!;
  const cw = sim.onStream(cr, () => {
    const rng = sim.rng;
    const surname = sim.randomSurname();
    const given = sim.randomGiven();
    const name = sim.fullName(surname, given);
    const carrier = chance(rng, 0.7);
    return blankWallet({
      fraud: false,
      surname,
      given,
      name,
      profile: "dormant",
      carrier,
      verified: chance(rng, carrier ? 0.65 : 0.3),
      deviceId: chance(rng, 0.93) ? sim.deviceId() : undefined,
      ipAddress: carrier && chance(rng, 0.6) ? sim.mobileIp() : sim.homeIp(),
      group: null,
      plannedAccount: sim.newAccount(campaignBank, surname, given, name),
      attack: null,
    });
  });
  sim.openWallet(act.t, cw);
  sim.schedule(act.t + int(cr, 60, 900) * 1000, K.CampaignLink, cw);
}

/** The campaign wallet links and tries the wallet with a small charge (the campaign's bonus), mostly at once. */
export function campaignLink(sim: Simulation, act: Action): void {
  const { cr } = sim;
  const t = act.t;
  const w = act.w!;
  sim.registerLink(t, w, w.plannedAccount!);
  sim.stats.calendar.campaignLinks++;
  if (chance(cr, 0.8)) sim.schedule(t + int(cr, 30, 600) * 1000, K.BurstCharge, w, pick(cr, [1000, 1000, 2000, 3000, 5000]));
}
