// What `npm run simulate` counts and prints: one line per second (what was sent and what the
// console made of it) and a last line when it stops.

export function newStats() {
  return {
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    denied: { registration: 0, change: 0, charge: 0 },
    /** decisions the console did not answer in time: what the down contract made of them */
    unanswered: { registration: { open: 0, closed: 0 }, change: { open: 0, closed: 0 }, charge: { open: 0, closed: 0 } },
    /** events waiting to be sent again (the console did not take them) */
    queued: 0,
    byType: {} as Record<string, number>,
  };
}
export type SimulateStats = ReturnType<typeof newStats>;

/** A copy to compare the next second with. */
export function snapshot(stats: SimulateStats): SimulateStats {
  return {
    ...stats,
    denied: { ...stats.denied },
    byType: { ...stats.byType },
    unanswered: structuredClone(stats.unanswered),
  };
}

const shortType: Record<string, string> = { "account.opened": "open", "link.registered": "link", "link.changed": "change", "charge.completed": "charge", "spend.completed": "spend" };

/** The line for one second: what changed since `before`. */
export function secondLine(seconds: number, stats: SimulateStats, before: SimulateStats): string {
  const counts = Object.entries(stats.byType)
    .map(([t, n]) => [t, n - (before.byType[t] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${shortType[t]} ${n}`)
    .join(", ");
  const d = stats.denied;
  const bd = before.denied;
  return (
    `[simulate] ${String(seconds).padStart(4)} s  sent ${String(stats.sent - before.sent).padStart(4)} (${counts || "nothing"})  ` +
    `accepted ${stats.accepted - before.accepted}, duplicates ${stats.duplicates - before.duplicates}, rejected ${stats.rejected - before.rejected}  ` +
    `denied: registration ${d.registration - bd.registration}, change ${d.change - bd.change}, charge ${d.charge - bd.charge}` +
    unansweredText(stats.unanswered, before.unanswered) +
    (stats.queued ? `  queued ${stats.queued} events (the console did not take them)` : "")
  );
}

/** The last line: the whole run's counts, and what never reached the console. */
export function doneLine(stats: SimulateStats, neverTaken: number): string {
  const d = stats.denied;
  return (
    `[simulate] done: sent ${stats.sent} events (${Object.entries(stats.byType).map(([t, n]) => `${shortType[t]} ${n}`).join(", ")}); ` +
    `accepted ${stats.accepted}, duplicates ${stats.duplicates}, rejected ${stats.rejected}; ` +
    `denied by the decision API: registration ${d.registration}, change ${d.change}, charge ${d.charge}` +
    (unansweredText(stats.unanswered) ? `;${unansweredText(stats.unanswered).replace(/^ +/, " ")} (the down contract's fallback)` : "") +
    (neverTaken ? `; ${neverTaken} events never taken by the console` : "")
  );
}

type Unanswered = SimulateStats["unanswered"];
/** "  no answer: registration 2 closed, charge 3 open / 1 closed" (empty when every decision was answered) */
function unansweredText(now: Unanswered, before?: Unanswered): string {
  const parts = (Object.keys(now) as Array<keyof Unanswered>).flatMap((k) => {
    const open = now[k].open - (before?.[k].open ?? 0);
    const closed = now[k].closed - (before?.[k].closed ?? 0);
    if (open + closed === 0) return [];
    return [`${k} ${[open ? `${open} open` : "", closed ? `${closed} closed` : ""].filter(Boolean).join(" / ")}`];
  });
  return parts.length ? `  no answer: ${parts.join(", ")}` : "";
}
