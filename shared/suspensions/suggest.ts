// The cutoff offered to a manager suspending a bank: links registered before it keep working, so it
// must reach back to the first sign of the attack. The bank-level alarm (shared/volume/alarm.ts,
// table bank_alarm) is what the incident banner and the bank page's "Spiking since" show; it already
// weighs every measure (links, charged yen, fresh links charged to the limit), so the suggestion is
// the earliest start among the bank's alarms, chosen the way the bank page's header chooses its
// "since". The per-series spikes are not used: they are noisy, and on the demo data the link spike
// began an hour after the alarm the banner showed, so a cutoff there grandfathered the first
// fraudulent links.

export interface AlarmStart {
  startedAt: Date;
  /** null while the alarm is open. */
  endedAt: Date | null;
  /** Someone acknowledged it (it left the banner; it stays on the bank page). */
  acknowledged: boolean;
}

/** How long after an alarm ended it is still offered when no alarm is open at the bank. */
export const RECENT_ALARM_MS = 48 * 3600_000;

/**
 * Which alarms the suggestion came from, so the dialog can say it:
 * - OPEN: the open alarms not acknowledged (what the banner lists);
 * - OPEN_ACKNOWLEDGED: every open alarm was acknowledged (the bank page shows "acknowledged since");
 * - RECENT: none is open; alarms that ended within RECENT_ALARM_MS (the attack may have just subsided).
 */
export type CutoffBasis = "OPEN" | "OPEN_ACKNOWLEDGED" | "RECENT";

export interface SuggestedCutoff {
  at: Date;
  basis: CutoffBasis;
}

/**
 * The earliest start among the open, unacknowledged alarms; else among the open acknowledged ones;
 * else among the alarms that ended within RECENT_ALARM_MS of `now`. null when there is none of these
 * (the dialog then keeps the cutoff at the start and says why).
 */
export function suggestCutoff(alarms: readonly AlarmStart[], now: Date): SuggestedCutoff | null {
  const earliest = (list: readonly AlarmStart[]) => new Date(Math.min(...list.map((a) => a.startedAt.getTime())));
  const open = alarms.filter((a) => a.endedAt === null);
  const unacknowledged = open.filter((a) => !a.acknowledged);
  if (unacknowledged.length > 0) return { at: earliest(unacknowledged), basis: "OPEN" };
  if (open.length > 0) return { at: earliest(open), basis: "OPEN_ACKNOWLEDGED" };
  const recent = alarms.filter((a) => a.endedAt !== null && now.getTime() - a.endedAt.getTime() <= RECENT_ALARM_MS);
  return recent.length > 0 ? { at: earliest(recent), basis: "RECENT" } : null;
}
