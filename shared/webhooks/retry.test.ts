import { describe, expect, it } from "vitest";
import { attemptOffsets, DEFAULT_RETRY_POLICY, nextAttemptAt, retryDelayMs } from "./retry.ts";

const H = 3_600_000;

describe("webhook retry schedule", () => {
  it("doubles from 30 s up to one hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n) / 1000)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600]);
    expect(retryDelayMs(50)).toBe(H);
  });

  it("retries for 24 hours after queueing, then gives up", () => {
    const queued = new Date("2026-12-06T00:00:00Z");
    const until = new Date(queued.getTime() + 24 * H);
    expect(nextAttemptAt(1, queued, until)).toEqual(new Date(queued.getTime() + 30_000));
    // One hour before the end, a failure still gets its hourly retry exactly at the end…
    expect(nextAttemptAt(20, new Date(until.getTime() - H), until)).toEqual(until);
    // …a minute later it does not.
    expect(nextAttemptAt(20, new Date(until.getTime() - H + 60_000), until)).toBeNull();
  });

  it("gives a never-answering endpoint about 30 attempts spread over the day, the last within the window", () => {
    const offsets = attemptOffsets();
    expect(offsets[0]).toBe(0);
    expect(offsets.length).toBeGreaterThan(20);
    expect(offsets.length).toBeLessThan(40);
    expect(offsets.at(-1)!).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.windowMs);
    expect(offsets.at(-1)!).toBeGreaterThan(DEFAULT_RETRY_POLICY.windowMs - H);
  });

  it("follows a shorter policy (tests and operators may shorten it)", () => {
    const p = { firstDelayMs: 100, maxDelayMs: 400, windowMs: 1_000 };
    expect(attemptOffsets(p)).toEqual([0, 100, 300, 700]);
  });
});
