// The cutoff offered to a manager suspending a bank: links registered before it keep working, so it
// must reach back to the first sign of the attack. Attackers often charge through links made
// earlier before a link surge shows, so every measure counts, not only link registrations.

export interface SpikeStart {
  metric: string;
  startedAt: Date;
  /** null while the spike is open. */
  endedAt: Date | null;
}

/** How long after a spike ended it is still offered when no spike is open at the bank. */
export const RECENT_SPIKE_MS = 48 * 3600_000;

/**
 * The earliest start among the bank's open spikes over all measures. When none is open, the
 * earliest start among spikes that ended within RECENT_SPIKE_MS of `now` (the attack may have just
 * subsided when the manager acts). null when there is neither.
 */
export function suggestCutoff(spikes: readonly SpikeStart[], now: Date): Date | null {
  const earliest = (list: readonly SpikeStart[]) =>
    list.length === 0 ? null : new Date(Math.min(...list.map((s) => s.startedAt.getTime())));
  const open = spikes.filter((s) => s.endedAt === null);
  if (open.length > 0) return earliest(open);
  return earliest(spikes.filter((s) => s.endedAt !== null && now.getTime() - s.endedAt.getTime() <= RECENT_SPIKE_MS));
}
