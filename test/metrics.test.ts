// /metrics (#15): after real traffic, a scrape holds request latency per route (tRPC per procedure),
// decisions by outcome, ingested events, pool queues, job runs, and the instance and role; only
// loopback connections, or a caller with METRICS_TOKEN, may scrape.
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app.ts";
import { startBackgroundJobs } from "../server/jobs.ts";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { decide, insertAccount } from "./suspensions-fixtures.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ pools: { instance: "metrics-test" } });
});
afterAll(async () => {
  await t?.close();
});

const sample = (text: string, name: string, labels: Record<string, string>) =>
  text.split("\n").find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
const valueOf = (line: string | undefined) => (line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1)));

describe("/metrics", () => {
  it("after traffic, holds latency per route and procedure, decisions by outcome, events by result, pools and job runs", async () => {
    const key = await t.apiKey();
    const accountId = await insertAccount(t.db);
    for (let i = 0; i < 3; i++) expect((await decide(t.baseUrl, key, "link-registration", { accountId, bankCode: "0124" })).body.decision).toBe("allow");
    const opened = (id: string) => ({ id, type: "account.opened", occurredAt: "2026-11-25T10:00:00+09:00", account: { id: `acc-${id}`, holderName: "ヤマダ タロウ", carrierCustomer: false, identityVerified: false } });
    const post = (events: unknown[]) =>
      fetch(`${t.baseUrl}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ events }) }).then((r) => r.json());
    expect(await post([opened("m-1"), opened("m-2")])).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await post([opened("m-2"), opened("m-3")])).toMatchObject({ accepted: 1, duplicates: 1 });
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    await analyst.trpc.accounts.list.query({});
    await analyst.trpc.volume.overview.query({ range: "24h" });
    // The jobs runner records its runs in the database; every instance's scrape reports them.
    const jobs = startBackgroundJobs(t.db, t.app.log, { lockRetryMs: 200, instanceId: "metrics-jobs" });
    try {
      for (let i = 0; i < 100 && !(await t.db.pool.query("SELECT 1 FROM background_job WHERE name = 'volume.detection'")).rowCount; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await jobs.stop();
    }

    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();

    const decisionCount = sample(text, "floodgate_http_request_duration_seconds_count", { route: "/api/v1/decisions/link-registration", status_class: "2xx" });
    expect(valueOf(decisionCount)).toBe(3);
    expect(decisionCount).toContain('floodgate_instance="metrics-test"');
    expect(decisionCount).toContain('role="all"');
    expect(valueOf(sample(text, "floodgate_http_request_duration_seconds_count", { route: "trpc:accounts.list" }))).toBe(1);
    expect(valueOf(sample(text, "floodgate_http_request_duration_seconds_count", { route: "trpc:volume.overview" }))).toBe(1);
    expect(sample(text, "floodgate_http_request_duration_seconds_bucket", { route: "/api/v1/events", le: "+Inf" })).toBeTruthy();
    expect(valueOf(sample(text, "floodgate_decisions_total", { kind: "link-registration", outcome: "allow", reason: "ALLOWED" }))).toBe(3);
    expect(valueOf(sample(text, "floodgate_events_total", { result: "accepted" }))).toBe(3);
    expect(valueOf(sample(text, "floodgate_events_total", { result: "duplicate" }))).toBe(1);
    for (const pool of ["api", "console", "console_read"]) expect(valueOf(sample(text, "floodgate_db_pool_waiting", { pool }))).toBe(0);
    // The runner reports each run of this process (the first run has no lag behind a previous one).
    expect(valueOf(sample(text, "floodgate_job_lag_seconds", { job: "volume.detection" }))).toBe(0);
    expect(valueOf(sample(text, "floodgate_job_runs_total", { job: "volume.detection", outcome: "ok" }))).toBeGreaterThanOrEqual(1);
    expect(text).toContain("floodgate_process_nodejs_eventloop_lag_seconds");
    const since = valueOf(sample(text, "floodgate_job_seconds_since_last_run", { job: "volume.detection", runner: "metrics-jobs" }));
    expect(since).toBeGreaterThanOrEqual(0);
    expect(since).toBeLessThan(30);
    expect(valueOf(sample(text, "floodgate_job_failing", { job: "volume.detection" }))).toBe(0);
    expect(text).toContain("# TYPE floodgate_feed_alarms gauge");
    // The URL never becomes a label (a search text or an id would).
    expect(text).not.toContain(accountId);
  });

  it("answers loopback connections only when no token is set", async () => {
    const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    const app = await buildApp({ db: t.db, sessionPolicy: { idleMinutes: 30, absoluteHours: 12 }, logger: false });
    await app.listen({ port: 0, host: "0.0.0.0" });
    try {
      const port = (app.server.address() as { port: number }).port;
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      // A forwarded-for header does not make a request local, nor a remote one (when this machine has an address to try).
      if (external) {
        const res = await fetch(`http://${external}:${port}/metrics`, { headers: { "x-forwarded-for": "127.0.0.1" } });
        expect(res.status).toBe(403);
        expect((await res.json()).message).toContain("METRICS_TOKEN");
      }
    } finally {
      await app.close();
    }
  });

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const token = "metrics-token-0123456789abcdef";
    const app = await buildApp({ db: t.db, sessionPolicy: { idleMinutes: 30, absoluteHours: 12 }, logger: false, metricsToken: token });
    try {
      expect((await app.inject({ url: "/metrics" })).statusCode).toBe(403);
      expect((await app.inject({ url: "/metrics", headers: { authorization: "Bearer wrong-token-0123456789abcdef" } })).statusCode).toBe(403);
      const ok = await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain("floodgate_http_request_duration_seconds");
    } finally {
      await app.close();
    }
  });
});
