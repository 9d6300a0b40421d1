// Feed health (#15): is the wallet platform still sending events and asking for decisions? Pure
// rules over what server/features/feeds/health.ts reads from the database; no I/O.
//
// Two alarms, per bank and event type:
//  - QUIET: no event for at least QUIET_MIN_GAP_MINUTES while, at the same clock times on the
//    previous 7 days, this feed carried on average at least QUIET_MIN_EXPECTED events in a window as
//    long as the gap (at most the last QUIET_LOOKBACK_HOURS of it), and on every one of those days at
//    least one. With Poisson traffic, silence then has a probability of at most e^-7 ≈ 0.1%; the
//    every-day condition guards against days far quieter than the average (a weekend night), where
//    the Poisson figure would be too confident. A busy bank alarms after 15 quiet minutes, a small
//    one only after hours, and a feed that is sometimes silent at 3 a.m. never does then.
//  - UNASKED: events in the last UNASKED_WINDOW_MINUTES for actions nobody asked the decision API
//    about (a charge with no charge decision for its link, a registration with none for its account
//    at that bank, a link change with none for the link, in the UNASKED_MATCH window before it).
//    Counted only from the platform's first decision ever, so history loaded before the platform
//    used the decision API is not blamed on it.
import { z } from "zod";

export const FEED_EVENT_TYPES = ["link.registered", "link.changed", "charge.completed"] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/** The decision asked before each kind of event. */
export const DECISION_KIND_OF: Record<FeedEventType, "LINK_REGISTRATION" | "LINK_CHANGE" | "CHARGE"> = {
  "link.registered": "LINK_REGISTRATION",
  "link.changed": "LINK_CHANGE",
  "charge.completed": "CHARGE",
};

export const QUIET_MIN_GAP_MINUTES = 15;
export const QUIET_MIN_EXPECTED = 7;
export const QUIET_LOOKBACK_HOURS = 6;
export const HISTORY_DAYS = 7;
export const UNASKED_WINDOW_MINUTES = 15;
/** a decision counts for an event when asked at most this long before it (or this little after: clocks differ) */
export const UNASKED_MATCH = { beforeMinutes: 15, afterMinutes: 2 } as const;
export const UNASKED_MIN_EVENTS = 3;
/** lag statistics cover the live events received in the last hour */
export const LAG_WINDOW_MINUTES = 60;

export interface QuietInput {
  lastEventAt: Date | null;
  /** average events in the gap's window at the same clock times on the previous days */
  expectedInGap: number;
  /** the fewest events any of those days had in that window */
  quietestDayInGap: number;
  now: Date;
}

export function isQuiet({ lastEventAt, expectedInGap, quietestDayInGap, now }: QuietInput): boolean {
  if (!lastEventAt) return false; // never any traffic: nothing to compare with
  const gapMinutes = (now.getTime() - lastEventAt.getTime()) / 60_000;
  return gapMinutes >= QUIET_MIN_GAP_MINUTES && expectedInGap >= QUIET_MIN_EXPECTED && quietestDayInGap >= 1;
}

export function isUnaskedAlarm(unasked: number): boolean {
  return unasked >= UNASKED_MIN_EVENTS;
}

export const FeedRow = z.object({
  bankCode: z.string(),
  bankName: z.string(),
  /** the bank's Japanese name when the reference data has one (the console in Japanese shows it) */
  bankNameJa: z.string().nullable(),
  eventType: z.enum(FEED_EVENT_TYPES),
  lastEventAt: z.date().nullable(),
  /** live traffic only (received through the API since the console started recording it) */
  lastReceivedAt: z.date().nullable(),
  lagAvgMs: z.number().nullable(),
  lagMaxMs: z.number().nullable(),
  liveEvents: z.number(),
  expectedInGap: z.number(),
  quietestDayInGap: z.number(),
  /** events in the unasked window counted against decisions (0 before the platform's first decision) */
  events: z.number(),
  decisionsAsked: z.number(),
  unasked: z.number(),
  quiet: z.boolean(),
  unaskedAlarm: z.boolean(),
});
export type FeedRow = z.infer<typeof FeedRow>;

export interface FeedAlarm {
  kind: "QUIET" | "UNASKED";
  bankCode: string;
  bankName: string;
  bankNameJa: string | null;
  eventType: FeedEventType;
  lastEventAt: Date | null;
  expectedInGap: number;
  unasked: number;
}

export function alarmsOf(rows: readonly FeedRow[]): FeedAlarm[] {
  const out: FeedAlarm[] = [];
  for (const r of rows) {
    const base = { bankCode: r.bankCode, bankName: r.bankName, bankNameJa: r.bankNameJa, eventType: r.eventType, lastEventAt: r.lastEventAt, expectedInGap: r.expectedInGap, unasked: r.unasked };
    if (r.quiet) out.push({ kind: "QUIET", ...base });
    if (r.unaskedAlarm) out.push({ kind: "UNASKED", ...base });
  }
  return out;
}
