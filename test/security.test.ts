// Goal: the HTTP surface holds against a hostile caller: rate limits on /api/v1 (per address and
// per key), on sign-in and on second-factor codes answer 429 with Retry-After; a burst of guessed
// codes cannot outrun the per-person failure throttle; one request cannot smuggle many tRPC calls;
// security headers are sent; errors carry no internals. Method: real servers on their own database,
// some built with small limits so a handful of requests reach them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app.ts";
import type { FastifyInstance } from "fastify";
import { createTestDatabase } from "./helpers/db.ts";
import { createApiKey } from "../server/platform-api/api-keys.ts";
import { BatchedCounts } from "../server/http/rate-limit-batched.ts";
import { rateLimitConfigFromEnv, type RateLimitConfig } from "../server/http/rate-limit-config.ts";
import { errorCodeOf, signedInAs, staffClient } from "./helpers/staff.ts";
import { DEMO_STAFF } from "../server/features/reference/demo-staff.ts";
import { SIGN_IN_LOCK_AFTER_FAILURES_PER_EMAIL, TRPC_BATCH_CALLS_MAX } from "../shared/limits.ts";
import { DEMO_TOTP_SECRET } from "../server/features/reference/demo-staff.ts";
import { timeStepAt, totpCodeForStep } from "../server/features/auth/second-factor/totp.ts";
import { nextTotpCode } from "./helpers/second-factor.ts";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const apps: FastifyInstance[] = [];

async function serve(rateLimits: RateLimitConfig, extra: { secureCookies?: boolean } = {}) {
  const app = await buildApp({ db: db.db, sessionPolicy: { idleMinutes: 30, absoluteHours: 12 }, rateLimits, ...extra });
  await app.listen({ port: 0, host: "127.0.0.1" });
  apps.push(app);
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

const generous: RateLimitConfig = { enabled: true, apiPerKeyPerSecond: 1000, apiPerIpPerSecond: 1000, signInPerIpPerMinute: 1000, codePerIpPerMinute: 1000 };

/** `n` six-digit codes the demo secret does not give for any step near now (so each is surely wrong). */
async function wrongCodes(n: number): Promise<string[]> {
  const now = timeStepAt(Date.now());
  const right = new Set(await Promise.all([-3, -2, -1, 0, 1, 2, 3].map((d) => totpCodeForStep(DEMO_TOTP_SECRET, now + d))));
  const codes: string[] = [];
  for (let i = 0; codes.length < n; i++) {
    const code = String(314159 + i * 7919).padStart(6, "0").slice(-6);
    if (!right.has(code)) codes.push(code);
  }
  return codes;
}

/** A manager who gave the right password and now owes the code. */
async function managerAtCodeStage(base: string) {
  const manager = DEMO_STAFF.find((s) => s.role === "MANAGER")!;
  const agent = staffClient(base);
  expect((await agent.trpc.auth.signIn.mutate({ email: manager.email, password: manager.password })).stage).toBe("CODE");
  return { agent, manager };
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await db.drop();
});

describe("rate limits", () => {
  it("refuses a key over its per-second limit with 429 and Retry-After, while another key goes on", async () => {
    const base = await serve({ ...generous, apiPerKeyPerSecond: 2 });
    const a = (await createApiKey(db.db.prisma, "key a")).secret;
    const b = (await createApiKey(db.db.prisma, "key b")).secret;
    const call = (key: string) => fetch(`${base}/api/v1/no-such-endpoint`, { headers: { authorization: `Bearer ${key}` } });
    // Sent at once, so all five fall within one second however busy the machine is.
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(a)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([404, 404, 429, 429, 429]); // two authenticated (the path does not exist), three refused
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = await refused.json();
    expect(body).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(body.message).toMatch(/Try again in \d+ seconds?.*API key/);
    expect((await call(b)).status).toBe(404);
  });

  it("refuses an address over its limit before looking at the key", async () => {
    const base = await serve({ ...generous, apiPerIpPerSecond: 3 });
    // Sent at once, so all five fall within one second however busy the machine is.
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => fetch(`${base}/api/v1/events`, { method: "POST", headers: { authorization: `Bearer fgk_guess${i}` } })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([401, 401, 401, 429, 429]);
  });

  it("counts /api/v1 requests without a database round trip each: instances share their counts once per tick, and the last window still weighs", async () => {
    let queries = 0;
    const pool = new Proxy(db.db.pool, {
      get: (target, p) => (p === "query" ? (...args: unknown[]) => (queries++, (target.query as (...a: unknown[]) => unknown).apply(target, args)) : Reflect.get(target, p)),
    });
    const quiet = { warn: () => {} };
    // Two instances' counts on one database, flushed by hand at the instants given (no timers).
    const [a, b] = [new BatchedCounts(pool, quiet, 0), new BatchedCounts(pool, quiet, 0)];
    const key = `test:${process.pid}:${Date.now()}`;
    const w = 1_000;
    const t0 = Math.floor(Date.now() / w) * w + 100; // 100 ms into a window
    for (let i = 0; i < 5; i++) expect(a.take(key, w, 5, t0 + i)).toBeNull();
    expect(a.take(key, w, 5, t0 + 5)).toEqual({ refusedForMs: 895 });
    expect(queries).toBe(0);
    // The other instance has not heard of them yet (they lag by at most one tick)…
    expect(b.take(key, w, 5, t0 + 10)).toBeNull();
    // …one statement each adds its requests and reads every instance's total back; while a's is on
    // its way, its requests still count.
    const flushing = a.flush();
    expect(a.take(key, w, 5, t0 + 11)).not.toBeNull();
    await flushing;
    await b.flush();
    expect(queries).toBe(2);
    expect(b.take(key, w, 5, t0 + 20)).not.toBeNull();
    const [{ hits }] = (await db.db.pool.query<{ hits: number }>("SELECT hits FROM rate_limit_hit WHERE key = $1", [`${key}@${t0 - 100}`])).rows;
    expect(hits).toBe(6); // the refused requests were not counted
    // Half way through the next window the last one's 6 weigh 3: two more fit, not three.
    const t1 = t0 - 100 + w + w / 2;
    expect(b.take(key, w, 5, t1)).toBeNull();
    expect(b.take(key, w, 5, t1 + 1)).toBeNull();
    expect(b.take(key, w, 5, t1 + 2)).toEqual({ refusedForMs: 498 });
    await a.stop();
    await b.stop();
  });

  it("refuses sign-in attempts over the per-address limit with 429, Retry-After and words, even with the right password", async () => {
    const base = await serve({ ...generous, signInPerIpPerMinute: 3 });
    const staff = DEMO_STAFF.find((s) => s.role === "ANALYST")!;
    for (let i = 0; i < 3; i++) await staffClient(base).trpc.auth.signIn.mutate({ email: staff.email, password: staff.password });
    const err = await staffClient(base).trpc.auth.signIn.mutate({ email: staff.email, password: staff.password }).catch((e) => e);
    expect(err.data.code).toBe("TOO_MANY_ATTEMPTS");
    expect(err.message).toMatch(/Try again in \d+ (seconds?|minutes?)/);
    const raw = await fetch(`${base}/trpc/auth.signIn`, { method: "POST", headers: { "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ json: { email: staff.email, password: staff.password } }) });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(0);
    // Batching attempts does not get around it; other procedures are not limited.
    const batched = await fetch(`${base}/trpc/auth.signIn,auth.signIn?batch=1`, { method: "POST", headers: { "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ 0: { json: {} }, 1: { json: {} } }) });
    expect(batched.status).toBe(429);
    expect(await batched.json()).toHaveLength(2);
    expect((await fetch(`${base}/trpc/auth.me`)).status).toBe(200);
  });

  it("refuses second-factor codes over the per-address limit with 429, Retry-After and words, even the right code, and grants nothing", async () => {
    const base = await serve({ ...generous, codePerIpPerMinute: 3 });
    const { agent, manager } = await managerAtCodeStage(base);
    const codes = await wrongCodes(3);
    for (const code of codes) expect(await errorCodeOf(agent.trpc.auth.verifySecondFactor.mutate({ code }))).toBe("INVALID_CODE");
    const err = await agent.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(base, manager.email) }).catch((e) => e);
    expect(err.data.code).toBe("TOO_MANY_ATTEMPTS");
    expect(err.data.httpStatus).toBe(429);
    expect(err.message).toMatch(/Too many requests\. Try again in \d+ (seconds?|minutes?)/);
    // Recovery codes and enrolment go through the same limit, batched or not.
    const cookie = `fg_session=${agent.jar.get("fg_session")}`;
    const raw = await fetch(`${base}/trpc/auth.verifySecondFactor`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ json: { code: "ABCDEFGHIJKLMNOP" } }) });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(0);
    const batched = await fetch(`${base}/trpc/auth.me,auth.confirmEnrolment?batch=1`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ 0: { json: null }, 1: { json: { code: "123456" } } }) });
    expect(batched.status).toBe(429);
    expect(await batched.json()).toHaveLength(2);
    // Nothing was granted: the session still owes its code; only the three guesses were checked.
    expect(await errorCodeOf(agent.trpc.suspensions.list.query())).toBe("SECOND_FACTOR_REQUIRED");
    expect(await db.db.prisma.auditEvent.count({ where: { action: "auth.secondFactorFailed", actorEmail: manager.email } })).toBe(3);
    await db.db.prisma.signInFailure.deleteMany();
  });

  it("a burst of wrong codes sent at once cannot outrun the per-person failure throttle: at most the lock-out's count are checked, then even the right code is refused", async () => {
    const base = await serve(generous);
    const { agent, manager } = await managerAtCodeStage(base);
    const auditBefore = await db.db.prisma.auditEvent.count({ where: { action: "auth.secondFactorFailed", actorEmail: manager.email } });
    const burst = await Promise.all((await wrongCodes(40)).map((code) => errorCodeOf(agent.trpc.auth.verifySecondFactor.mutate({ code }))));
    const checked = burst.filter((c) => c === "INVALID_CODE").length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SIGN_IN_LOCK_AFTER_FAILURES_PER_EMAIL);
    expect(burst.filter((c) => c === "TOO_MANY_ATTEMPTS").length).toBe(40 - checked);
    expect((await db.db.prisma.auditEvent.count({ where: { action: "auth.secondFactorFailed", actorEmail: manager.email } })) - auditBefore).toBe(checked);
    const right = await agent.trpc.auth.verifySecondFactor.mutate({ code: await nextTotpCode(base, manager.email) }).catch((e) => e);
    expect(right.data?.code).toBe("TOO_MANY_ATTEMPTS");
    expect(right.message).toMatch(/Too many wrong codes\. Try again in/);
    expect(await errorCodeOf(agent.trpc.suspensions.list.query())).toBe("SECOND_FACTOR_REQUIRED");
    // The refused attempts did not count: the lock lasts from the checked failures, no longer.
    expect(await db.db.prisma.signInFailure.count({ where: { email: manager.email } })).toBe(checked);
    await db.db.prisma.signInFailure.deleteMany();
  }, 30_000);

  it("reads its limits from the environment, and RATE_LIMITS=off turns them off explicitly", () => {
    expect(rateLimitConfigFromEnv({})).toEqual({ enabled: true, apiPerKeyPerSecond: 1000, apiPerIpPerSecond: 2000, signInPerIpPerMinute: 60, codePerIpPerMinute: 60 });
    expect(rateLimitConfigFromEnv({ RATE_LIMITS: "off", API_RATE_PER_KEY_PER_SECOND: "50" })).toMatchObject({ enabled: false, apiPerKeyPerSecond: 50 });
    expect(() => rateLimitConfigFromEnv({ API_RATE_PER_KEY_PER_SECOND: "-1" })).toThrow(/API_RATE_PER_KEY_PER_SECOND/);
  });
});

describe("tRPC batch cap", () => {
  it(`refuses a request carrying more than ${TRPC_BATCH_CALLS_MAX} calls with a 400 that says why, and runs none of them`, async () => {
    const base = await serve(generous);
    const admin = await signedInAs(base, "ADMIN");
    const cookie = `fg_session=${admin.jar.get("fg_session")}`;
    const before = await db.db.prisma.auditEvent.count();
    const n = 50;
    const paths = Array.from({ length: n }, () => "admin.updateSetting").join(",");
    const body = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: { key: "compensation.approvalThresholdYen", value: 2000 + i, reason: "batched call" } }]));
    const res = await fetch(`${base}/trpc/${paths}?batch=1`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const refusal = await res.json();
    expect(refusal.error.json.data.code).toBe("TOO_MANY_CALLS");
    expect(refusal.error.json.message).toBe(`One request may carry at most ${TRPC_BATCH_CALLS_MAX} calls; send the others in another request.`);
    expect(await db.db.prisma.auditEvent.count()).toBe(before);
    expect(await db.db.prisma.appSetting.count()).toBe(0);
    const atCap = Array.from({ length: TRPC_BATCH_CALLS_MAX }, () => "auth.me").join(",");
    expect((await fetch(`${base}/trpc/${atCap}?batch=1&input=${encodeURIComponent("{}")}`, { headers: { cookie } })).status).toBe(200);
  });
});

describe("security headers", () => {
  it("sends a self-only CSP, base-uri none, frame-ancestors none, nosniff and a referrer policy; HSTS only behind TLS", async () => {
    const plain = await fetch(`${await serve(generous)}/healthz`);
    const csp = plain.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
    expect(plain.headers.get("referrer-policy")).toBe("same-origin");
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    const tls = await fetch(`${await serve(generous, { secureCookies: true })}/healthz`);
    expect(tls.headers.get("strict-transport-security")).toMatch(/max-age=31536000/);
  });
});

describe("errors carry no internals", () => {
  it("answers bad requests with words and a request id, never a stack, SQL or another person's id", async () => {
    const base = await serve(generous);
    const admin = await signedInAs(base, "ADMIN");
    const other = await db.db.prisma.staffUser.findFirstOrThrow({ where: { role: "ANALYST" } });
    const cookie = `fg_session=${admin.jar.get("fg_session")}`;
    const probes: Array<[string, RequestInit]> = [
      [`${base}/trpc/admin.setRole`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: "{not json" }],
      [`${base}/trpc/admin.setRole`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ json: { userId: "00000000-0000-4000-8000-000000000000", role: "ADMIN", reason: "no such person" } }) }],
      [`${base}/trpc/admin.setRole`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-floodgate-csrf": "1" }, body: JSON.stringify({ json: { userId: "' OR 1=1 --", role: "ROOT", reason: "x" } }) }],
      [`${base}/trpc/no.such.procedure`, { headers: { cookie } }],
      [`${base}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: "[" }],
    ];
    for (const [url, init] of probes) {
      const res = await fetch(url, init);
      const text = await res.text();
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(res.status, url).toBeLessThan(500);
      expect(text).not.toMatch(/\bat \S+ \(|node_modules|prisma|SELECT |INSERT |syntax error at|stack/i);
      expect(text).not.toContain(other.id);
    }
    const err = await admin.trpc.admin.setRole.mutate({ userId: "not-a-uuid", role: "ADMIN", reason: "field names" }).catch((e) => e);
    expect(err.data.fieldErrors.userId).toBeTruthy(); // validation errors name the field
    expect(await errorCodeOf(admin.trpc.admin.setRole.mutate({ userId: other.id, role: "ANALYST", reason: "same role" }))).toBeNull();
  });
});
