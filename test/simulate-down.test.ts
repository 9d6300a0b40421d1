// Goal: "when we are down" is a contract the platform can follow, and `npm run simulate` follows it:
// while the console cannot answer decisions, new links stop (registrations fail closed) and small
// charges go on (fail open up to ¥30,000 per charge and per link), and the events still arrive.
// The OpenAPI document states the same policy per decision kind.
// Method: a real server on a fresh database (no demo data: fast); the simulate CLI as a child
// process over HTTP. The outage is real: a transaction holds an EXCLUSIVE lock on platform_decision,
// so every decision's INSERT waits and the server answers nothing until the lock goes (reads and
// event ingestion are untouched, as when only the decision path is stuck).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { DOWN_CONTRACT } from "../shared/suspensions/down-contract.ts";

const SIMULATE = path.join(import.meta.dirname, "..", "server", "cli", "simulate.ts");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the down contract", () => {
  let t: TestApp;
  let sim: ChildProcess | undefined;
  let locker: pg.Client | undefined;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    sim?.kill("SIGKILL");
    await locker?.end().catch(() => undefined);
    await t?.close();
  });

  it("is in the OpenAPI document for every decision kind", async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/v1/openapi.json`)).json()) as {
      info: { description: string };
      paths: Record<string, { post: Record<string, unknown> & { description: string } }>;
    };
    expect(doc.info.description).toContain("When we are down");
    for (const policy of Object.values(DOWN_CONTRACT)) {
      const op = doc.paths[policy.path].post;
      expect(op["x-floodgate-when-down"]).toMatchObject({ timeoutMs: policy.timeoutMs, fallback: policy.fallback });
      expect(op.description).toContain(`within ${policy.timeoutMs} ms`);
    }
  });

  it("simulate: while decisions hang, registrations fail closed and charges fail open below the limit; events keep arriving", async () => {
    const key = await t.apiKey();
    let output = "";
    sim = spawn(
      process.execPath,
      ["--import", "tsx", SIMULATE, "--url", t.baseUrl, "--key", key, "--scenario", "attack", "--bank", "0149", "--rate", "3", "--attack-rate", "1", "--duration", "0", "--wallets", "12", "--seed", "down-test"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    sim.stdout!.on("data", (d) => (output += String(d)));
    sim.stderr!.on("data", (d) => (output += String(d)));
    const exited = new Promise<number | null>((resolve) => sim!.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 60 && !/\d+ s {2}sent/.test(output); i++) await sleep(500);
    expect(output, output).toMatch(/setup: \d+ honest wallets linked/);

    // The outage: decisions cannot record, so the server does not answer them.
    locker = new pg.Client({ connectionString: (t.db.pool as unknown as { options: { connectionString: string } }).options.connectionString });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE platform_decision IN EXCLUSIVE MODE");
    const lockedAt = Date.now();
    await sleep(7_000);
    await locker.query("COMMIT");
    const unlockedAt = Date.now();
    await sleep(2_500);
    sim.kill("SIGINT");
    expect(await exited, output).toBe(0);

    expect(output).toMatch(/no answer: .*registration \d+ closed/);
    expect(output).toMatch(/no answer: .*charge \d+ open/);
    expect(output).toMatch(/\[simulate\] done: .*the down contract's fallback/);

    // What the platform did during the outage (1 s of slack for decisions answered just before it).
    const from = new Date(lockedAt + 1_000);
    const to = new Date(unlockedAt);
    const { rows: links } = await t.db.pool.query(`SELECT id FROM bank_link WHERE id LIKE 'sim%' AND registered_at BETWEEN $1 AND $2`, [from, to]);
    expect(links).toEqual([]);
    const { rows: charges } = await t.db.pool.query<{ link_id: string; n: number; max: number; total: number }>(
      `SELECT link_id, count(*)::int AS n, max(amount_yen) AS max, sum(amount_yen)::int AS total
       FROM charge WHERE id LIKE 'sim%' AND occurred_at BETWEEN $1 AND $2 GROUP BY link_id`,
      [from, to],
    );
    expect(charges.length, output).toBeGreaterThan(0);
    for (const c of charges) {
      expect(c.max).toBeLessThanOrEqual(DOWN_CONTRACT.CHARGE.openLimitYen!);
      expect(c.total).toBeLessThanOrEqual(DOWN_CONTRACT.CHARGE.openLimitPerLinkYen!);
    }
    // and after the outage the console answers again.
    const { rows: after } = await t.db.pool.query(`SELECT count(*)::int AS n FROM platform_decision WHERE decided_at > $1 AND kind = 'CHARGE'`, [to]);
    expect(after[0].n).toBeGreaterThan(0);
  }, 90_000);
});
