// Feed health (#15): client/features/feeds/FeedHealthPage.tsx and the alarm strip on every page
// (FeedAlarmBanner.tsx).
export const feeds = {
  title: "Feed health",
  intro:
    "Is the wallet platform still sending events and asking for decisions? Per bank and event type: the last event, how late live events arrive, and the events of the last {{minutes}} minutes against the decisions asked for them. A quiet feed or events nobody asked about raise an alarm here.",
  updated: "Computed at {{at, jst}}; refreshed every 30 seconds.",
  loading: "Reading the feeds…",
  empty: "No events have arrived yet: there is nothing to watch.",
  allClear: "All feeds normal: every feed with a normal level is sending, and every event was asked about.",
  noDecisions: "The platform has not asked the decision API anything yet, so events are not checked against decisions (history from before its first decision is never blamed on it).",
  decisionsSince: "Decisions counted since the platform's first, at {{at, jst}}.",
  alarmsTitle_one: "{{count}} feed alarm",
  alarmsTitle_other: "{{count}} feed alarms",
  alarm: {
    QUIET: "{{bank}} ({{code}}): no {{type}} since {{at, jst}}, where {{expected}} would normally have arrived by now",
    UNASKED: "{{bank}} ({{code}}): {{count}} {{type}} in the last {{minutes}} minutes that nobody asked the decision API about",
  },
  banner: "Feed alarm: {{summary}}",
  bannerMore_one: "and {{count}} more",
  bannerMore_other: "and {{count}} more",
  open: "Open feed health",
  onlyAlarms: "Only feeds with an alarm",
  types: { "link.registered": "link registrations", "link.changed": "link changes", "charge.completed": "charges" },
  col: {
    bank: "Bank",
    type: "Event type",
    lastEvent: "Last event (JST)",
    lastReceived: "Last received (JST)",
    lag: "Lag, last hour (avg / max)",
    normal: "Normal in the gap",
    events: "Events",
    asked: "Decisions asked",
    unasked: "Not asked",
    state: "State",
  },
  colHint: { events: "last {{minutes}} min" },
  state: { QUIET: "Quiet", UNASKED: "Not asked", OK: "Normal" },
  noLive: "no live events",
  rules:
    "Quiet: no event for 15 minutes or more while, at the same times of day over the previous 7 days, at least 7 would have arrived on average and at least one every day (silence then has a chance of 0.1% or less). Not asked: 3 or more events with no decision asked in the 15 minutes before them. Lag is how late live events arrived (received minus occurred), from those posted to the API.",
} as const;
