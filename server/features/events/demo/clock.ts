// Time in the demo: JST hours, the week's rhythm of honest activity and the attackers' hours, the
// event timestamps (ISO 8601 in JST) and the Poisson process that spaces a wallet's actions.
import { isoJstFromMs, JST_OFFSET_MS } from "../../../../shared/jst.ts";
import { expo, type Rng } from "./prng.ts";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const JST = JST_OFFSET_MS;

// Relative activity by JST hour (index 0..23), weekdays and weekends: quiet 1–6am, lunch and
// evening peaks; weekends start later and are busier in the afternoon.
const WEEKDAY = [0.35, 0.15, 0.08, 0.06, 0.06, 0.12, 0.35, 0.75, 1.0, 0.95, 1.0, 1.3, 1.9, 1.5, 1.05, 1.0, 1.1, 1.35, 1.7, 1.9, 1.85, 1.6, 1.2, 0.7];
const WEEKEND = [0.5, 0.25, 0.12, 0.08, 0.07, 0.1, 0.2, 0.4, 0.7, 1.0, 1.3, 1.5, 1.7, 1.6, 1.5, 1.45, 1.4, 1.45, 1.55, 1.6, 1.5, 1.3, 1.0, 0.7];
// Attackers work most of the day and late into the night.
export const ATTACKER = [0.75, 0.6, 0.4, 0.3, 0.25, 0.25, 0.3, 0.45, 0.6, 0.75, 0.9, 1, 1, 0.95, 0.95, 1, 1, 1, 1, 1, 1, 1, 0.95, 0.85];

const RHYTHM: number[] = (() => {
  // index: dayOfWeek * 24 + hour (0 = Sunday), normalised to mean 1 over the week
  const raw: number[] = [];
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) raw.push(d === 0 || d === 6 ? WEEKEND[h] : WEEKDAY[h]);
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((x) => x / mean);
})();
export const RHYTHM_MAX = Math.max(...RHYTHM);

export function rhythmAt(t: number): number {
  const local = t + JST;
  const hour = Math.floor(local / HOUR) % 24;
  const dow = (Math.floor(local / DAY) + 4) % 7; // 1970-01-01 was a Thursday
  return RHYTHM[dow * 24 + hour];
}
export const jstHour = (t: number) => Math.floor((t + JST) / HOUR) % 24;
export function jstMonthKey(t: number): number {
  const d = new Date(t + JST);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
/** ISO 8601 in JST with "+09:00" (whole seconds). */
export const fmt = isoJstFromMs;

/** Next time after `t` of a Poisson process of `perDay` events a day, modulated by the daily rhythm. */
export function nextTime(rng: Rng, t: number, perDay: number): number {
  const rate = (perDay * RHYTHM_MAX) / DAY;
  for (;;) {
    t += expo(rng, 1 / rate);
    if (rng() * RHYTHM_MAX < rhythmAt(t)) return Math.ceil(t / 1000) * 1000;
  }
}

export function toMs(v: Date | string | number): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === "number" ? v : Date.parse(v);
  if (!Number.isFinite(ms)) throw new Error(`invalid now: ${String(v)}`);
  return Math.floor(ms / 1000) * 1000;
}
