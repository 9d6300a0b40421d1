// Goal (#17 graduated response): a manager's charge limits and step-up verification are honoured by
// the charge decision API (deny with the limit that applied and the yen left, challenge until the
// holder's verification arrives as an event), from the first decision after the change commits, and
// every change is audited and sent as a limits.changed webhook in the same transaction.
// Method: a real server on its own database; accounts, links, charges and verifications arrive
// through the real events ingest (POST /api/v1/events); staff call tRPC over HTTP.
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { decide } from "./suspensions-fixtures.ts";
import { postEvents, uid } from "./events-fixtures.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";

let t: TestApp;
let key: string;
let manager: Awaited<ReturnType<typeof signedInAs>>;

beforeAll(async () => {
  t = await startTestApp();
  key = await t.apiKey();
  manager = await signedInAs(t.baseUrl, "MANAGER");
});
afterAll(async () => {
  await t.close();
});

const REASON = "phishing wave: limit charges as in 2020";
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function ingest(events: PlatformEvent[]) {
  const res = await postEvents(t.baseUrl, key, { events });
  expect(res.body.rejected, JSON.stringify(res.body)).toEqual([]);
}

/** A wallet and a link at `bankCode` registered `registeredMsAgo` ago, with charges of `charges` yen a minute ago each. */
async function linkWithCharges(bankCode: string, charges: number[], registeredMsAgo = 40 * 86_400_000) {
  const accountId = uid("acc");
  const linkId = uid("lnk");
  const events: PlatformEvent[] = [
    { id: uid("ev"), type: "account.opened", occurredAt: ago(registeredMsAgo + 60_000), account: { id: accountId, holderName: "ヤマダ タロウ", carrierCustomer: false, identityVerified: false } },
    {
      id: uid("ev"),
      type: "link.registered",
      occurredAt: ago(registeredMsAgo),
      link: { id: linkId, accountId, bankCode, branchCode: "101", accountNumber: String(1_000_000 + Math.floor(Math.random() * 8_999_999)), holderName: "ヤマダ タロウ", authMethod: "PIN" },
    },
    ...charges.map((amountYen, i): PlatformEvent => ({ id: uid("ev"), type: "charge.completed", occurredAt: ago(60_000 - i * 100), charge: { id: uid("chg"), linkId, amountYen } })),
  ];
  await ingest(events);
  return { accountId, linkId };
}

function verified(accountId: string, passed: boolean, msAgo = 1_000): PlatformEvent {
  return { id: uid("ev"), type: "account.verified", occurredAt: ago(msAgo), verification: { accountId, method: "OTP", passed } };
}

type PolicyInput = Parameters<typeof manager.trpc.suspensions.setChargePolicy.mutate>[0];
const policy = (bankCode: string, p: Partial<PolicyInput> = {}): PolicyInput => ({
  bankCode,
  perChargeYen: null,
  perDayYen: null,
  perMonthYen: null,
  stepUp: "NONE",
  reason: REASON,
  ...p,
});

describe("charge limits", () => {
  it("the 2020 limits: exactly the month's remainder is allowed with the limit and yen left, one yen more is refused; over the per-charge limit is refused", async () => {
    const { linkId } = await linkWithCharges("0125", [200_000, 50_000]);
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 60_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED" });

    await manager.trpc.suspensions.setChargePolicy.mutate(policy("0125", { perChargeYen: 100_000, perMonthYen: 300_000 }));
    const month = { kind: "MONTH", limitYen: 300_000, usedYen: 250_000, availableYen: 50_000 };
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 50_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED", limit: month });
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 50_001 })).body).toEqual({ decision: "deny", reason: "CHARGE_LIMIT_MONTH", limit: month });

    const fresh = await linkWithCharges("0125", []);
    const perCharge = { kind: "PER_CHARGE", limitYen: 100_000, usedYen: 0, availableYen: 100_000 };
    expect((await decide(t.baseUrl, key, "charge", { linkId: fresh.linkId, amountYen: 100_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED", limit: perCharge });
    expect((await decide(t.baseUrl, key, "charge", { linkId: fresh.linkId, amountYen: 100_001 })).body).toEqual({ decision: "deny", reason: "CHARGE_LIMIT_PER_CHARGE", limit: perCharge });

    const recorded = await t.db.prisma.platformDecision.findMany({ where: { linkId, kind: "CHARGE" }, orderBy: { id: "asc" } });
    expect(recorded.map((d) => [d.outcome, d.reason, d.amountYen])).toEqual([
      ["ALLOW", "ALLOWED", 60_000],
      ["ALLOW", "ALLOWED", 50_000],
      ["DENY", "CHARGE_LIMIT_MONTH", 50_001],
    ]);
  });

  it("a day limit counts the link's charges of the JST day; a charge reported after a decision counts in the next one", async () => {
    const { linkId } = await linkWithCharges("0001", [30_000]);
    await manager.trpc.suspensions.setChargePolicy.mutate(policy("0001", { perDayYen: 50_000 }));
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 20_000 })).body).toEqual({
      decision: "allow",
      reason: "ALLOWED",
      limit: { kind: "DAY", limitYen: 50_000, usedYen: 30_000, availableYen: 20_000 },
    });
    await ingest([{ id: uid("ev"), type: "charge.completed", occurredAt: ago(500), charge: { id: uid("chg"), linkId, amountYen: 20_000 } }]);
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 1 })).body).toEqual({
      decision: "deny",
      reason: "CHARGE_LIMIT_DAY",
      limit: { kind: "DAY", limitYen: 50_000, usedYen: 50_000, availableYen: 0 },
    });
  });

  it("suspension denials come first: a bank's charges suspended answer BANK_CHARGES_SUSPENDED, not the limit", async () => {
    const { linkId } = await linkWithCharges("0005", []);
    await manager.trpc.suspensions.setChargePolicy.mutate(policy("0005", { perChargeYen: 1_000, stepUp: "ALL" }));
    const { suspensions } = await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0005"], scopes: ["CHARGE"], reason: REASON });
    expect((await decide(t.baseUrl, key, "charge", { linkId, amountYen: 5_000 })).body).toEqual({ decision: "deny", reason: "BANK_CHARGES_SUSPENDED", suspensionId: suspensions[0].id });
  });
});

describe("step-up verification (challenge)", () => {
  it("links registered after the cutoff are challenged until their holder passes a verification reported by event; older links are not; a limit exceeded still denies", async () => {
    const cutoff = new Date(Date.now() - 3 * 86_400_000);
    const old = await linkWithCharges("0009", [], 10 * 86_400_000);
    const recent = await linkWithCharges("0009", [], 86_400_000);
    await manager.trpc.suspensions.setChargePolicy.mutate(policy("0009", { perChargeYen: 100_000, stepUp: "AFTER_CUTOFF", stepUpCutoffAt: cutoff }));
    const limit = { kind: "PER_CHARGE", limitYen: 100_000, usedYen: 0, availableYen: 100_000 };

    expect((await decide(t.baseUrl, key, "charge", { linkId: old.linkId, amountYen: 10_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED", limit });
    expect((await decide(t.baseUrl, key, "charge", { linkId: recent.linkId, amountYen: 10_000 })).body).toEqual({ decision: "challenge", reason: "STEP_UP_REQUIRED", limit });
    expect((await decide(t.baseUrl, key, "charge", { linkId: recent.linkId, amountYen: 100_001 })).body.decision).toBe("deny");

    // a verification before the requirement began does not count; a failed one satisfies nothing
    await ingest([verified(recent.accountId, true, 3_600_000), verified(recent.accountId, false, 500)]);
    expect((await decide(t.baseUrl, key, "charge", { linkId: recent.linkId, amountYen: 10_000 })).body.decision).toBe("challenge");
    // Dated now, not "100 ms ago": the requirement began when the policy was set, which on a fast
    // run is less than 100 ms before this line, and a verification before it rightly does not count.
    await ingest([verified(recent.accountId, true, 0)]);
    expect((await decide(t.baseUrl, key, "charge", { linkId: recent.linkId, amountYen: 10_000 })).body).toEqual({ decision: "allow", reason: "ALLOWED", limit });

    const recorded = await t.db.prisma.platformDecision.findMany({ where: { linkId: recent.linkId }, orderBy: { id: "asc" } });
    expect(recorded.map((d) => d.outcome)).toEqual(["CHALLENGE", "DENY", "CHALLENGE", "ALLOW"]);
    const verifications = await t.db.prisma.accountVerification.findMany({ where: { accountId: recent.accountId } });
    expect(verifications.map((v) => [v.method, v.passed]).sort()).toEqual([["OTP", false], ["OTP", true], ["OTP", true]]);
  });

  it("a verification for an unknown account is rejected by the ingest", async () => {
    const res = await postEvents(t.baseUrl, key, { events: [verified("acc-nobody", true)] });
    expect(res.body.rejected.map((r: { code: string }) => r.code)).toEqual(["UNKNOWN_ACCOUNT"]);
  });
});

describe("setting a policy", () => {
  it("writes the policy, its audit record and the limits.changed webhook event; only a manager may", async () => {
    await manager.trpc.suspensions.setChargePolicy.mutate(policy("0010", { perChargeYen: 100_000, perMonthYen: 300_000 }));
    await manager.trpc.suspensions.setChargePolicy.mutate(policy("0010", { perChargeYen: 50_000, perMonthYen: 300_000, reason: "lower again: the wave continues" }));
    const view = await manager.trpc.suspensions.chargePolicy.query({ bankCode: "0010" });
    expect(view).toMatchObject({ bankCode: "0010", perChargeYen: 50_000, perDayYen: null, perMonthYen: 300_000, stepUp: "NONE", reason: "lower again: the wave continues" });

    const audits = await t.db.prisma.auditEvent.findMany({ where: { action: "chargePolicy.set", targetId: "0010" }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.reason, (a.before as { perChargeYen?: number } | null)?.perChargeYen ?? null, (a.after as { perChargeYen: number }).perChargeYen])).toEqual([
      [REASON, null, 100_000],
      ["lower again: the wave continues", 100_000, 50_000],
    ]);
    const events = await t.db.prisma.webhookEvent.findMany({ where: { type: "limits.changed", subjectId: "0010" }, orderBy: { occurredAt: "asc" } });
    expect(events.map((e) => (e.data as { perChargeYen: number }).perChargeYen)).toEqual([100_000, 50_000]);

    for (const role of ["ANALYST", "SUPPORT", "ADMIN"] as const) {
      const agent = await signedInAs(t.baseUrl, role);
      expect(await errorCodeOf(agent.trpc.suspensions.setChargePolicy.mutate(policy("0010", { perChargeYen: 1 }))), role).toBe("FORBIDDEN");
    }
    expect(await errorCodeOf(manager.trpc.suspensions.setChargePolicy.mutate(policy("0010", { stepUp: "AFTER_CUTOFF" })))).toBe("VALIDATION_FAILED");
    expect(await errorCodeOf(manager.trpc.suspensions.setChargePolicy.mutate(policy("0010", { perChargeYen: 0 })))).toBe("VALIDATION_FAILED");
  });

  it("the preview counts the last 24 hours' charges the policy would have refused or challenged, and those by flagged wallets", async () => {
    await linkWithCharges("0017", [90_000, 90_000, 5_000]);
    const b = await linkWithCharges("0017", [150_000], 86_400_000);
    await t.db.prisma.walletAccount.update({ where: { id: b.accountId }, data: { reviewLabel: "CONFIRMED_FRAUD" } }); // a person's label: rescoring leaves it
    const preview = await manager.trpc.suspensions.chargePolicyPreview.query({ bankCode: "0017", perChargeYen: 100_000, perDayYen: null, perMonthYen: 150_000, stepUp: "NONE" });
    // a: 90k allowed, 90k over the month's remainder (60k) refused (so not counted), 5k allowed; b: 150k over the per-charge limit
    expect(preview).toEqual({ charges: 4, refused: 2, flaggedRefused: 1, challenged: 0, flaggedChallenged: 0, flagged: 1 });
    const stepUp = await manager.trpc.suspensions.chargePolicyPreview.query({ bankCode: "0017", perChargeYen: null, perDayYen: null, perMonthYen: null, stepUp: "AFTER_CUTOFF", stepUpCutoffAt: new Date(Date.now() - 2 * 86_400_000) });
    expect(stepUp).toEqual({ charges: 4, refused: 0, flaggedRefused: 0, challenged: 1, flaggedChallenged: 1, flagged: 1 });
  });
});

describe("the OpenAPI document", () => {
  it("describes challenge, the limit reasons, the limit carried and the account.verified event", async () => {
    const doc = await (await fetch(`${t.baseUrl}/api/v1/openapi.json`)).json();
    const charge = JSON.stringify(doc.paths["/api/v1/decisions/charge"].post);
    for (const word of ["challenge", "STEP_UP_REQUIRED", "CHARGE_LIMIT_MONTH", "availableYen"]) expect(charge, word).toContain(word);
    expect(doc.paths["/api/v1/events"].post.description).toMatch(/account\.verified reports the result of verifying a wallet's holder \(method EKYC, SHOP or OTP/);
    expect(Object.keys(doc.webhooks)).toContain("limits.changed");
  });
});

describe("a limit committed is honoured by the next decision", () => {
  it("under concurrent charge decisions, every one asked after the change returned applies it; no 5xx", async () => {
    const links = await Promise.all(Array.from({ length: 8 }, () => linkWithCharges("0033", [])));
    const REQUESTS = 300;
    const CHANGE_AFTER = 80;
    let next = 0;
    let completed = 0;
    let changeReturnedAt = Number.POSITIVE_INFINITY;
    let change: Promise<unknown> | undefined;
    const samples: Array<{ startedAt: number; status: number; decision?: string; reason?: string }> = [];
    async function client() {
      while (next < REQUESTS) {
        const i = next++;
        const startedAt = performance.now();
        const res = await decide(t.baseUrl, key, "charge", { linkId: links[i % links.length].linkId, amountYen: 20_000 }).catch(() => ({ status: 599, body: {} as { decision?: string; reason?: string } }));
        samples.push({ startedAt, status: res.status, decision: res.body.decision, reason: res.body.reason });
        if (++completed === CHANGE_AFTER) {
          change = manager.trpc.suspensions.setChargePolicy.mutate(policy("0033", { perChargeYen: 10_000 })).then(() => {
            changeReturnedAt = performance.now();
          });
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, client));
    await change;
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    const after = samples.filter((s) => s.startedAt > changeReturnedAt);
    expect(after.length).toBeGreaterThan(20);
    expect(after.filter((s) => s.decision !== "deny" || s.reason !== "CHARGE_LIMIT_PER_CHARGE")).toEqual([]);
    expect(samples.slice(0, CHANGE_AFTER / 2).filter((s) => s.decision !== "allow")).toEqual([]);
  });
});
