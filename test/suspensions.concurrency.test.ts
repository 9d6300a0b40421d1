// Goal: decisions are consistent with commits. Once a manager's suspend call has returned (its
// transaction committed), no decision for that bank that was asked afterwards says "allow", even
// with hundreds of decision requests in flight while the suspension commits.
// Method: a real server over loopback HTTP; 32 concurrent clients send 800 decision requests
// (registrations, link changes and charges at 0125) while a manager suspends 0125 for every scope
// part-way through. For each request we note when it started and its answer; every request that
// started after the suspend call returned must be a deny, and none may fail with a 5xx.
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { accountWithLink, decide, insertAccount, minutesAgo, type DecisionPath } from "./suspensions-fixtures.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const REQUESTS = 800;
const CLIENTS = 32;
const SUSPEND_AFTER_COMPLETED = 200;

interface Sample {
  path: DecisionPath;
  startedAt: number;
  finishedAt: number;
  status: number;
  decision?: string;
  reason?: string;
}

describe("decision consistency under concurrent load", () => {
  it("every decision asked after the suspend call returned is a deny; no 5xx", async () => {
    const key = await t.apiKey();
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const accounts = await Promise.all(Array.from({ length: 20 }, () => insertAccount(t.db)));
    const links = await Promise.all(Array.from({ length: 20 }, (_, i) => accountWithLink(t.db, "0125", minutesAgo(60 * 24 * (30 + i)))));

    const samples: Sample[] = [];
    let next = 0;
    let completed = 0;
    let suspendReturnedAt = Number.POSITIVE_INFINITY;
    let suspendStartedAt = Number.POSITIVE_INFINITY;
    let suspendPromise: Promise<unknown> | undefined;

    const request = (i: number): [DecisionPath, Record<string, unknown>] => {
      switch (i % 3) {
        case 0:
          return ["link-registration", { accountId: accounts[i % accounts.length], bankCode: "0125" }];
        case 1:
          return ["charge", { linkId: links[i % links.length].linkId, amountYen: 30_000 }];
        default:
          return ["link-change", { linkId: links[i % links.length].linkId, bankCode: "0005" }];
      }
    };

    async function client() {
      while (next < REQUESTS) {
        const i = next++;
        const [path, body] = request(i);
        const startedAt = performance.now();
        const res = await decide(t.baseUrl, key, path, body).catch(() => ({ status: 599, body: {} as { decision?: string; reason?: string } }));
        samples.push({ path, startedAt, finishedAt: performance.now(), status: res.status, decision: res.body.decision, reason: res.body.reason });
        if (++completed === SUSPEND_AFTER_COMPLETED) {
          suspendStartedAt = performance.now();
          suspendPromise = manager.trpc.suspensions.suspend
            .mutate({ bankCodes: ["0125"], scopes: ["REGISTRATION", "LINK_CHANGE", "CHARGE"], reason: "stop the attack at once, all scopes" })
            .then((r) => {
              suspendReturnedAt = performance.now();
              return r;
            });
        }
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await suspendPromise;

    const after = samples.filter((s) => s.startedAt > suspendReturnedAt);
    const during = samples.filter((s) => s.startedAt >= suspendStartedAt && s.startedAt <= suspendReturnedAt);
    const before = samples.filter((s) => s.startedAt < suspendStartedAt);
    const latencies = samples.map((s) => s.finishedAt - s.startedAt).sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
    console.log(
      `[suspensions.concurrency] ${samples.length} decisions by ${CLIENTS} clients: ${before.length} before the suspend call, ${during.length} while it ran ` +
        `(${(suspendReturnedAt - suspendStartedAt).toFixed(1)} ms), ${after.length} after it returned; response ms p50 ${pct(50)} p95 ${pct(95)} p99 ${pct(99)} max ${pct(100)}`,
    );

    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    // The test can only fail if there was something to get wrong: allows before, plenty of requests after.
    expect(before.some((s) => s.decision === "allow")).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(100);
    const allowedAfter = after.filter((s) => s.decision !== "deny");
    expect(allowedAfter).toEqual([]);
    expect(new Set(after.map((s) => s.reason))).toEqual(new Set(["BANK_REGISTRATION_SUSPENDED", "BANK_CHARGES_SUSPENDED", "BANK_LINK_CHANGE_SUSPENDED"]));
    // Every decision was recorded.
    expect(await t.db.prisma.platformDecision.count()).toBe(REQUESTS);
  }, 120_000);
});
