import { describe, expect, it } from "vitest";
import { claimExpiry, REVIEW_CLAIM_MINUTES, waitingMinutes } from "./review-queue.ts";

describe("review queue rules", () => {
  it("a claim lasts REVIEW_CLAIM_MINUTES from when it was taken", () => {
    const now = new Date("2026-12-07T01:00:00Z");
    expect(claimExpiry(now).toISOString()).toBe(new Date(now.getTime() + REVIEW_CLAIM_MINUTES * 60_000).toISOString());
    expect(claimExpiry(now, 1).toISOString()).toBe("2026-12-07T01:01:00.000Z");
  });
  it("waiting time is whole minutes since flagging, never negative", () => {
    const now = new Date("2026-12-07T01:00:00Z");
    expect(waitingMinutes(new Date("2026-12-07T00:00:30Z"), now)).toBe(59);
    expect(waitingMinutes(new Date("2026-12-07T01:05:00Z"), now)).toBe(0);
    expect(waitingMinutes(null, now)).toBe(0);
  });
});
