// Goal: times typed in the suspend dialog mean JST wall-clock time, in any browser time zone.
import { describe, expect, it } from "vitest";
import { parseJstInput, toJstInput } from "./jst-input.ts";

describe("JST input", () => {
  it("reads a JST wall-clock time as the right instant and writes it back", () => {
    expect(parseJstInput("2026-11-23 16:00")?.toISOString()).toBe("2026-11-23T07:00:00.000Z");
    expect(parseJstInput(" 2026-01-01T00:05 ")?.toISOString()).toBe("2025-12-31T15:05:00.000Z");
    expect(toJstInput(new Date("2026-11-23T07:00:59.999Z"))).toBe("2026-11-23 16:00");
  });
  it("refuses what is not a time", () => {
    for (const bad of ["", "2026-11-23", "2026-13-01 00:00", "2026-02-30 10:00", "2026-11-23 24:00", "yesterday"]) expect(parseJstInput(bad), bad).toBeNull();
  });
});
