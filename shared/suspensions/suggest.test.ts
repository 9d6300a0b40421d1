import { describe, expect, it } from "vitest";
import { RECENT_SPIKE_MS, suggestCutoff } from "./suggest.ts";

const now = new Date("2026-12-04T06:00:00Z");
const at = (iso: string) => new Date(iso);

describe("suggestCutoff", () => {
  it("takes the earliest start among open spikes of every measure (a charge spike before the link spike wins)", () => {
    const spikes = [
      { metric: "LINK_REGISTERED", startedAt: at("2026-12-04T03:00:00Z"), endedAt: null },
      { metric: "CHARGE_COUNT", startedAt: at("2026-12-04T01:00:00Z"), endedAt: null },
      { metric: "CHARGE_YEN", startedAt: at("2026-12-04T01:05:00Z"), endedAt: null },
    ];
    expect(suggestCutoff(spikes, now)).toEqual(at("2026-12-04T01:00:00Z"));
  });

  it("ignores ended spikes while one is open, even if they started earlier", () => {
    const spikes = [
      { metric: "CHARGE_COUNT", startedAt: at("2026-12-03T20:00:00Z"), endedAt: at("2026-12-03T21:00:00Z") },
      { metric: "LINK_REGISTERED", startedAt: at("2026-12-04T03:00:00Z"), endedAt: null },
    ];
    expect(suggestCutoff(spikes, now)).toEqual(at("2026-12-04T03:00:00Z"));
  });

  it("falls back to spikes that ended recently, and to nothing when they are older", () => {
    const recent = { metric: "CHARGE_YEN", startedAt: at("2026-12-04T02:00:00Z"), endedAt: at("2026-12-04T04:00:00Z") };
    const old = { metric: "LINK_REGISTERED", startedAt: at("2026-11-30T02:00:00Z"), endedAt: new Date(now.getTime() - RECENT_SPIKE_MS - 1) };
    expect(suggestCutoff([recent, old], now)).toEqual(recent.startedAt);
    expect(suggestCutoff([old], now)).toBeNull();
    expect(suggestCutoff([], now)).toBeNull();
  });
});
