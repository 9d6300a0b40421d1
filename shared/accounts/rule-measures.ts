// Formatting and derived measures the scoring rules (rules.ts) share: evidence strings (yen,
// durations) and the groups of charges some rules look for. Pure.
import type { ChargeFact } from "./scoring-types.ts";

export const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export function formatYen(amountYen: number): string {
  const sign = amountYen < 0 ? "-" : "";
  const digits = String(Math.round(Math.abs(amountYen))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}¥${digits}`;
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE_MS) return `${Math.round(abs / 1000)} s`;
  if (abs < 3 * HOUR_MS) return `${Math.round(abs / MINUTE_MS)} min`;
  if (abs < 2 * DAY_MS) return `${(abs / HOUR_MS).toFixed(1)} h`;
  return `${(abs / DAY_MS).toFixed(1)} days`;
}

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Largest group of near-equal charges inside one time window (see RAPID_EQUAL_CHARGES). */
export function largestRapidEqualGroup(
  charges: readonly ChargeFact[],
  windowMs: number,
  equalRatioMin: number,
  minAmountYen: number,
): ChargeFact[] {
  let best: ChargeFact[] = [];
  for (let i = 0; i < charges.length; i++) {
    const start = charges[i].occurredAt.getTime();
    const inWindow = charges
      .slice(i)
      .filter((c) => c.occurredAt.getTime() - start <= windowMs && c.amountYen >= minAmountYen);
    for (const anchor of inWindow) {
      const group = inWindow.filter(
        (c) => c.amountYen <= anchor.amountYen && c.amountYen >= anchor.amountYen * equalRatioMin,
      );
      const better =
        group.length > best.length ||
        (group.length === best.length &&
          sum(group.map((c) => c.amountYen)) > sum(best.map((c) => c.amountYen)));
      if (better) best = group;
    }
  }
  return best;
}

export function spanMs(xs: readonly { occurredAt: Date }[]): number {
  if (xs.length === 0) return 0;
  const ts = xs.map((x) => x.occurredAt.getTime());
  return Math.max(...ts) - Math.min(...ts);
}

