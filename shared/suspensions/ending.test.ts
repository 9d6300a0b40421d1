import { describe, expect, it } from "vitest";
import { attentionFor, checkEndTimes, endChangeWeakensProtection, HOUR_MS, isDueToEnd, needsAttention, REMINDER_WINDOW_MS } from "./ending.ts";

const now = new Date("2026-12-07T03:00:00.000Z");
const at = (ms: number) => new Date(now.getTime() + ms);
const started = at(-HOUR_MS);

describe("isDueToEnd", () => {
  it("is due at the end time exactly and after it, not a millisecond before", () => {
    expect(isDueToEnd({ startsAt: started, endsAt: at(0) }, now)).toBe(true);
    expect(isDueToEnd({ startsAt: started, endsAt: at(-1) }, now)).toBe(true);
    expect(isDueToEnd({ startsAt: started, endsAt: at(1) }, now)).toBe(false);
  });
  it("never for a suspension without an end time or already lifted", () => {
    expect(isDueToEnd({ startsAt: started, endsAt: null }, now)).toBe(false);
    expect(isDueToEnd({ startsAt: started }, now)).toBe(false);
    expect(isDueToEnd({ startsAt: started, endsAt: at(-5), liftedAt: at(-10) }, now)).toBe(false);
  });
});

describe("attentionFor", () => {
  it("reminds within 24 hours ahead, at the edge included, not beyond", () => {
    expect(attentionFor({ startsAt: started, endsAt: at(REMINDER_WINDOW_MS) }, now)).toEqual([{ kind: "ENDS", at: at(REMINDER_WINDOW_MS), overdue: false }]);
    expect(attentionFor({ startsAt: started, endsAt: at(REMINDER_WINDOW_MS + 1) }, now)).toEqual([]);
    expect(attentionFor({ startsAt: started, reviewAt: at(REMINDER_WINDOW_MS + 1) }, now)).toEqual([]);
  });
  it("marks a passed review date as overdue and keeps reminding", () => {
    expect(attentionFor({ startsAt: started, reviewAt: at(-3 * HOUR_MS) }, now)).toEqual([{ kind: "REVIEW", at: at(-3 * HOUR_MS), overdue: true }]);
    expect(attentionFor({ startsAt: started, reviewAt: at(0) }, now)[0].overdue).toBe(true);
  });
  it("lists both, earlier first, and drops a review date the end comes before", () => {
    expect(attentionFor({ startsAt: started, endsAt: at(5 * HOUR_MS), reviewAt: at(2 * HOUR_MS) }, now).map((a) => a.kind)).toEqual(["REVIEW", "ENDS"]);
    expect(attentionFor({ startsAt: started, endsAt: at(2 * HOUR_MS), reviewAt: at(5 * HOUR_MS) }, now).map((a) => a.kind)).toEqual(["ENDS"]);
  });
  it("nothing for a lifted suspension, or one with neither time", () => {
    expect(attentionFor({ startsAt: started, endsAt: at(HOUR_MS), liftedAt: at(-1) }, now)).toEqual([]);
    expect(needsAttention({ startsAt: started }, now)).toBe(false);
    expect(needsAttention({ startsAt: started, reviewAt: at(HOUR_MS) }, now)).toBe(true);
  });
  it("a scheduled suspension's end within the window is a reminder too", () => {
    expect(needsAttention({ startsAt: at(HOUR_MS), endsAt: at(3 * HOUR_MS) }, now)).toBe(true);
  });
});

describe("checkEndTimes", () => {
  it("accepts an end after the start and after now, and no times at all", () => {
    expect(checkEndTimes(started, at(1), at(1), now)).toBeNull();
    expect(checkEndTimes(started, null, null, now)).toBeNull();
    expect(checkEndTimes(started, undefined, undefined, now)).toBeNull();
  });
  it("refuses an end at or before the start (a scheduled suspension)", () => {
    const starts = at(2 * HOUR_MS);
    expect(checkEndTimes(starts, starts, null, now)).toBe("ENDS_BEFORE_START");
    expect(checkEndTimes(starts, at(HOUR_MS), null, now)).toBe("ENDS_BEFORE_START");
    expect(checkEndTimes(starts, at(2 * HOUR_MS + 1), null, now)).toBeNull();
  });
  it("refuses an end or review at or before now", () => {
    expect(checkEndTimes(started, at(0), null, now)).toBe("ENDS_IN_PAST");
    expect(checkEndTimes(started, null, at(0), now)).toBe("REVIEW_IN_PAST");
    expect(checkEndTimes(started, null, at(-1), now)).toBe("REVIEW_IN_PAST");
  });
});

describe("endChangeWeakensProtection (four eyes: ending sooner is a lift)", () => {
  const t = (h: number) => new Date(Date.UTC(2026, 11, 7, h));
  it("adding an end time, or bringing it forward, weakens protection", () => {
    expect(endChangeWeakensProtection(null, t(10))).toBe(true);
    expect(endChangeWeakensProtection(undefined, t(10))).toBe(true);
    expect(endChangeWeakensProtection(t(10), new Date(t(10).getTime() - 1))).toBe(true);
  });
  it("moving it later, keeping it, or clearing it does not", () => {
    expect(endChangeWeakensProtection(t(10), t(11))).toBe(false);
    expect(endChangeWeakensProtection(t(10), t(10))).toBe(false);
    expect(endChangeWeakensProtection(t(10), null)).toBe(false);
    expect(endChangeWeakensProtection(null, null)).toBe(false);
  });
});
