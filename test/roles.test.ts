// Roles and pools (#15): a process serves the platform API, the console, the workers or all of them;
// each surface has its own pool, and the console's reads have a bounded pool with a statement
// timeout, so an analyst holding every read connection does not slow a decision.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { readEnv } from "../server/env.ts";
import { defaultNice } from "../server/roles.ts";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { decide, insertAccount } from "./suspensions-fixtures.ts";

describe("role setting", () => {
  it("console-only and worker-only processes yield the CPU (nice 10) unless PROCESS_NICE says otherwise; api and all-in-one keep it", () => {
    expect(defaultNice("console")).toBe(10);
    expect(defaultNice("worker")).toBe(10);
    expect(defaultNice("api")).toBe(0);
    expect(defaultNice("all")).toBe(0);
    expect(readEnv({ PROCESS_NICE: "3" }, []).PROCESS_NICE).toBe(3);
    expect(() => readEnv({ PROCESS_NICE: "25" }, [])).toThrow(/PROCESS_NICE/);
  });

  it("defaults to all, takes FLOODGATE_ROLE or --role (the flag wins), and names a wrong value with the choices", () => {
    expect(readEnv({}, []).FLOODGATE_ROLE).toBe("all");
    expect(readEnv({ FLOODGATE_ROLE: "api" }, []).FLOODGATE_ROLE).toBe("api");
    expect(readEnv({ FLOODGATE_ROLE: "api" }, ["--role", "worker"]).FLOODGATE_ROLE).toBe("worker");
    expect(readEnv({}, ["--role=console"]).FLOODGATE_ROLE).toBe("console");
    expect(() => readEnv({ FLOODGATE_ROLE: "workers" }, [])).toThrow('Configuration error: FLOODGATE_ROLE: must be one of all, api, console, worker (got "workers")');
    expect(() => readEnv({}, ["--role", "web"])).toThrow('Configuration error: --role: must be one of all, api, console, worker (got "web")');
  });
});

async function get(url: string) {
  const res = await fetch(url);
  return res.status;
}

describe("what each role serves", () => {
  let api: TestApp;
  let console_: TestApp;
  let worker: TestApp;
  beforeAll(async () => {
    [api, console_, worker] = await Promise.all([startTestApp({ role: "api" }), startTestApp({ role: "console" }), startTestApp({ role: "worker" })]);
  });
  afterAll(async () => {
    await Promise.all([api?.close(), console_?.close(), worker?.close()]);
  });

  it("api: decisions and the API reference, no console procedures", async () => {
    const key = await api.apiKey();
    const accountId = await insertAccount(api.db);
    expect(await decide(api.baseUrl, key, "link-registration", { accountId, bankCode: "0124" })).toEqual({ status: 200, body: { decision: "allow", reason: "ALLOWED" } });
    expect(await get(`${api.baseUrl}/api/v1/openapi.json`)).toBe(200);
    expect(await get(`${api.baseUrl}/trpc/auth.me`)).toBe(404);
    expect(await get(`${api.baseUrl}/exports/accounts.csv`)).toBe(404);
    expect(await get(`${api.baseUrl}/readyz`)).toBe(200);
  });

  it("console: staff sign in and read, no platform API", async () => {
    const analyst = await signedInAs(console_.baseUrl, "ANALYST");
    expect((await analyst.trpc.accounts.list.query({})).rows).toEqual([]);
    const key = await console_.apiKey();
    const res = await fetch(`${console_.baseUrl}/api/v1/decisions/link-registration`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ accountId: "acc-x", bankCode: "0124" }),
    });
    expect(res.status).toBe(404);
  });

  it("worker: health only", async () => {
    expect(await get(`${worker.baseUrl}/healthz`)).toBe(200);
    expect(await get(`${worker.baseUrl}/readyz`)).toBe(200);
    expect(await get(`${worker.baseUrl}/trpc/auth.me`)).toBe(404);
    expect(await get(`${worker.baseUrl}/api/v1/openapi.json`)).toBe(404);
  });
});

describe("pool isolation (all-in-one process)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ pools: { pools: { consoleRead: 2, api: 4 }, consoleReadStatementTimeoutMs: 500 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("with every console read connection taken, decisions answer at once and the analyst's read waits its turn", async () => {
    const dbs = t.dbs!;
    expect(dbs.consoleRead).not.toBe(dbs.api);
    const key = await t.apiKey();
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const accountId = await insertAccount(t.db);
    const held: pg.PoolClient[] = [await dbs.consoleRead.pool.connect(), await dbs.consoleRead.pool.connect()];
    try {
      let readDone = false;
      const read = analyst.trpc.accounts.list.query({}).then((r) => {
        readDone = true;
        return r;
      });
      const started = Date.now();
      for (let i = 0; i < 5; i++) {
        expect((await decide(t.baseUrl, key, "link-registration", { accountId, bankCode: "0124" })).body.decision).toBe("allow");
      }
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(readDone).toBe(false); // the analyst waits for a read connection, not the platform
      for (const c of held.splice(0)) c.release();
      expect((await read).rows.length).toBeGreaterThan(0);
    } finally {
      for (const c of held) c.release();
    }
  });

  it("a console read running longer than its statement timeout is cancelled", async () => {
    await expect(t.dbs!.consoleRead.pool.query("SELECT pg_sleep(2)")).rejects.toMatchObject({ code: "57014" });
    await expect(t.dbs!.api.pool.query("SELECT pg_sleep(0.6)")).resolves.toBeTruthy(); // the API's pool has no such limit
  });

  it("a console read runs on one core of the database: no parallel workers, unlike the API's pool", async () => {
    const workers = async (pool: pg.Pool) => (await pool.query<{ w: string }>("SELECT current_setting('max_parallel_workers_per_gather') AS w")).rows[0].w;
    expect(await workers(t.dbs!.consoleRead.pool)).toBe("0");
    expect(Number(await workers(t.dbs!.api.pool))).toBeGreaterThan(0); // the server's own setting
  });
});
