import { describe, expect, it } from "vitest";
import { RECENT_ALARM_MS, suggestCutoff } from "./suggest.ts";

const now = new Date("2026-12-04T06:00:00Z");
const at = (iso: string) => new Date(iso);
const alarm = (startedAt: string, endedAt: string | null = null, acknowledged = false) => ({ startedAt: at(startedAt), endedAt: endedAt ? at(endedAt) : null, acknowledged });

describe("suggestCutoff", () => {
  it("takes the earliest start among the bank's open alarms (what the banner shows as the start)", () => {
    const alarms = [alarm("2026-12-04T03:00:00Z"), alarm("2026-12-04T01:00:00Z"), alarm("2026-12-04T01:05:00Z")];
    expect(suggestCutoff(alarms, now)).toEqual({ at: at("2026-12-04T01:00:00Z"), basis: "OPEN" });
  });

  it("ignores ended alarms while one is open, even if they started earlier", () => {
    const alarms = [alarm("2026-12-03T20:00:00Z", "2026-12-03T21:00:00Z"), alarm("2026-12-04T03:00:00Z")];
    expect(suggestCutoff(alarms, now)).toEqual({ at: at("2026-12-04T03:00:00Z"), basis: "OPEN" });
  });

  it("prefers unacknowledged open alarms to an acknowledged one (an honest surge someone explained), and uses the acknowledged one when it is all there is", () => {
    const campaign = alarm("2026-12-03T09:00:00Z", null, true);
    expect(suggestCutoff([campaign, alarm("2026-12-04T04:00:00Z")], now)).toEqual({ at: at("2026-12-04T04:00:00Z"), basis: "OPEN" });
    expect(suggestCutoff([campaign], now)).toEqual({ at: campaign.startedAt, basis: "OPEN_ACKNOWLEDGED" });
  });

  it("falls back to alarms that ended recently, and to nothing when they are older", () => {
    const recent = alarm("2026-12-04T02:00:00Z", "2026-12-04T04:00:00Z");
    const old = { startedAt: at("2026-11-30T02:00:00Z"), endedAt: new Date(now.getTime() - RECENT_ALARM_MS - 1), acknowledged: false };
    expect(suggestCutoff([recent, old], now)).toEqual({ at: recent.startedAt, basis: "RECENT" });
    expect(suggestCutoff([old], now)).toBeNull();
    expect(suggestCutoff([], now)).toBeNull();
  });
});
