// Review queue (#16): "the next flagged wallet nobody has reviewed", held by one analyst at a time,
// advancing after each label; a claim expires; counts per analyst and the oldest wait.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FLAG_THRESHOLD } from "../shared/accounts/index.ts";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";

let t: TestApp;
let analyst: Awaited<ReturnType<typeof signedInAs>>;
let manager: Awaited<ReturnType<typeof signedInAs>>;

async function wallet(id: string, score: number, opts: { flaggedAt?: Date; label?: "LEGITIMATE" | "CONFIRMED_FRAUD" } = {}) {
  await t.db.prisma.walletAccount.create({
    data: {
      id,
      holderName: "スズキ ハナコ",
      holderNameNormalized: "スズキハナコ",
      carrierCustomer: false,
      identityVerified: false,
      openedAt: new Date("2026-12-01T00:00:00Z"),
      riskScore: score,
      flaggedAt: score >= DEFAULT_FLAG_THRESHOLD ? (opts.flaggedAt ?? new Date("2026-12-06T00:00:00Z")) : null,
      reviewLabel: opts.label ?? null,
    },
  });
}

beforeAll(async () => {
  t = await startTestApp();
  analyst = await signedInAs(t.baseUrl, "ANALYST");
  manager = await signedInAs(t.baseUrl, "MANAGER");
});
afterAll(async () => {
  await t?.close();
});

describe("review queue", () => {
  it("an empty queue says so; support may not take wallets", async () => {
    expect(await analyst.trpc.accounts.reviewNext.mutate()).toBeNull();
    const support = await signedInAs(t.baseUrl, "SUPPORT");
    expect(await errorCodeOf(support.trpc.accounts.reviewNext.mutate())).toBe("FORBIDDEN");
  });

  it("hands out the highest-scored unreviewed wallet, one person per wallet, and advances after each label", async () => {
    await wallet("rq-90", DEFAULT_FLAG_THRESHOLD + 30, { flaggedAt: new Date("2026-12-06T03:00:00Z") });
    await wallet("rq-80", DEFAULT_FLAG_THRESHOLD + 20, { flaggedAt: new Date("2026-12-05T22:00:00Z") });
    await wallet("rq-70", DEFAULT_FLAG_THRESHOLD + 10, { flaggedAt: new Date("2026-12-06T01:00:00Z") });
    await wallet("rq-low", DEFAULT_FLAG_THRESHOLD - 1);
    await wallet("rq-done", DEFAULT_FLAG_THRESHOLD + 40, { label: "CONFIRMED_FRAUD" });

    const first = await analyst.trpc.accounts.reviewNext.mutate();
    expect(first).toMatchObject({ accountId: "rq-90" });
    // Asking again keeps the same wallet (a reload does not skip it) and extends the claim.
    const again = await analyst.trpc.accounts.reviewNext.mutate();
    expect(again?.accountId).toBe("rq-90");
    expect(new Date(again!.expiresAt).getTime()).toBeGreaterThanOrEqual(new Date(first!.expiresAt).getTime());
    expect(await manager.trpc.accounts.reviewNext.mutate()).toMatchObject({ accountId: "rq-80" });
    // The account page says who holds it.
    expect((await manager.trpc.accounts.get.query({ accountId: "rq-90" })).review).toMatchObject({ email: analyst.user.email });

    await analyst.trpc.accounts.markLegitimate.mutate({ accountIds: ["rq-90"], reason: "known customer, payday top-up" });
    expect((await analyst.trpc.accounts.get.query({ accountId: "rq-90" })).review).toBeNull();
    expect(await analyst.trpc.accounts.reviewNext.mutate()).toMatchObject({ accountId: "rq-70" });

    const stats = await analyst.trpc.accounts.reviewStats.query();
    expect(stats).toMatchObject({ unreviewed: 2, claimed: 2 });
    expect(new Date(stats.oldestFlaggedAt!).toISOString()).toBe("2026-12-05T22:00:00.000Z");
    const byEmail = Object.fromEntries(stats.reviewers.map((r) => [r.email, r]));
    expect(byEmail[analyst.user.email]).toMatchObject({ labelled24h: 1, holding: "rq-70" });
    expect(byEmail[manager.user.email]).toMatchObject({ labelled24h: 0, holding: "rq-80" });

    // Every claim is in the audit log, by whom.
    const claims = await t.db.prisma.auditEvent.findMany({ where: { action: "account.reviewClaim" }, orderBy: { id: "asc" } });
    expect(claims.map((c) => [c.targetId, c.actorEmail])).toEqual([
      ["rq-90", analyst.user.email],
      ["rq-80", manager.user.email],
      ["rq-70", analyst.user.email],
    ]);
  });

  it("an expired claim goes back to the queue; a wallet given back is free at once", async () => {
    await t.db.pool.query("UPDATE review_claim SET expires_at = now() - interval '1 second' WHERE account_id = 'rq-80'");
    expect(await analyst.trpc.accounts.reviewRelease.mutate({ accountId: "rq-70" })).toEqual({ released: true });
    // rq-80 (expired, higher score) comes before rq-70.
    expect(await analyst.trpc.accounts.reviewNext.mutate()).toMatchObject({ accountId: "rq-80" });
    // The manager's stale claim is gone; they get what is left.
    expect(await manager.trpc.accounts.reviewNext.mutate()).toMatchObject({ accountId: "rq-70" });
    expect(await errorCodeOf(analyst.trpc.accounts.reviewRelease.mutate({ accountId: "rq-70" }))).toBeNull();
    expect((await manager.trpc.accounts.get.query({ accountId: "rq-70" })).review).toMatchObject({ email: manager.user.email });
  });

  it("two people asking at the same instant never get the same wallet", async () => {
    await analyst.trpc.accounts.markConfirmedFraud.mutate({ accountIds: ["rq-80", "rq-70"], reason: "cleared the earlier ones" });
    for (let i = 0; i < 6; i++) await wallet(`rq-c${i}`, DEFAULT_FLAG_THRESHOLD + 5);
    for (let round = 0; round < 3; round++) {
      const [a, m] = await Promise.all([analyst.trpc.accounts.reviewNext.mutate(), manager.trpc.accounts.reviewNext.mutate()]);
      expect(a && m).toBeTruthy();
      expect(a!.accountId).not.toBe(m!.accountId);
      await analyst.trpc.accounts.markLegitimate.mutate({ accountIds: [a!.accountId, m!.accountId], reason: "reviewed in the concurrency round" });
    }
    expect((await analyst.trpc.accounts.reviewStats.query()).unreviewed).toBe(0);
    expect(await analyst.trpc.accounts.reviewNext.mutate()).toBeNull();
  });
});
