// Goal: a feed is quiet only when silence is unlikely against its own normal level (at least 15
// minutes, at least 7 events expected meanwhile, and none of the previous days silent then); unasked
// events alarm from 3.
import { describe, expect, it } from "vitest";
import { isQuiet, isUnaskedAlarm } from "./health.ts";

const now = new Date("2026-12-06T12:00:00Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

describe("feed health rules", () => {
  it("quiet needs both a long enough gap and a normal level that makes silence unlikely", () => {
    expect(isQuiet({ lastEventAt: ago(15), expectedInGap: 7, quietestDayInGap: 1, now })).toBe(true);
    expect(isQuiet({ lastEventAt: ago(14), expectedInGap: 50, quietestDayInGap: 40, now })).toBe(false);
    expect(isQuiet({ lastEventAt: ago(300), expectedInGap: 6.9, quietestDayInGap: 3, now })).toBe(false); // a small bank at night
    expect(isQuiet({ lastEventAt: ago(120), expectedInGap: 30, quietestDayInGap: 0, now })).toBe(false); // silent then on some day: not unusual
    expect(isQuiet({ lastEventAt: null, expectedInGap: 100, quietestDayInGap: 100, now })).toBe(false);
  });
  it("unasked events alarm from three", () => {
    expect(isUnaskedAlarm(2)).toBe(false);
    expect(isUnaskedAlarm(3)).toBe(true);
  });
});
