// Goal: `npm run simulate` is live traffic a demo can rely on. An attack it runs at a bank shows up as
// that bank's open spike (what the incident banner and the overview read) within about a minute,
// without anyone acting; and because it asks the decision API as the real platform would, once a
// manager suspends the bank's registrations the attack's new links stop while the wallets linked
// before keep charging.
// Method: 8 days of demo data through the ingestion service plus the volume backfill (as `npm
// start` does), the real server with its background jobs; the simulate CLI runs as a child process
// against it over HTTP; the spike is read through the tRPC query the console uses.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { signedInAs } from "./helpers/staff.ts";
import { startBackgroundJobs } from "../server/jobs.ts";
import { loadDemoWithSpikes } from "./volume-fixtures.ts";
import { DOWN_CONTRACT } from "../shared/suspensions/down-contract.ts";

const ATTACK_BANK = "0149";
const SIMULATE = path.join(import.meta.dirname, "..", "server", "cli", "simulate.ts");

describe("npm run simulate against a running console", () => {
  let t: TestApp;
  let jobs: { stop(): void } | undefined;
  let sim: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    t = await startTestApp();
    await loadDemoWithSpikes(t.db, { seed: 7, scale: 0.1, days: 8 });
    jobs = startBackgroundJobs(t.db, t.app.log);
  }, 240_000);

  afterAll(async () => {
    sim?.kill("SIGKILL");
    jobs?.stop();
    await t?.close();
  });

  it("shows its attack as an open spike within about a minute; after a suspension the attack's links stop and earlier links keep charging", async () => {
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const manager = await signedInAs(t.baseUrl, "MANAGER");
    expect((await analyst.trpc.volume.openSpikes.query()).map((s) => s.bankCode)).not.toContain(ATTACK_BANK);

    const key = await t.apiKey();
    sim = spawn(
      process.execPath,
      ["--import", "tsx", SIMULATE, "--url", t.baseUrl, "--key", key, "--scenario", "attack", "--bank", ATTACK_BANK, "--rate", "2", "--attack-rate", "8", "--duration", "0", "--wallets", "30", "--seed", "sim-test"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    sim.stdout!.on("data", (d) => (output += String(d)));
    sim.stderr!.on("data", (d) => (output += String(d)));
    const exited = new Promise<number | null>((resolve) => sim!.on("exit", (code) => resolve(code)));

    const startedAt = Date.now();
    let spiking = false;
    while (!spiking && Date.now() - startedAt < 150_000) {
      await new Promise((r) => setTimeout(r, 2_000));
      spiking = (await analyst.trpc.volume.openSpikes.query()).some((s) => s.bankCode === ATTACK_BANK);
    }
    const seconds = (Date.now() - startedAt) / 1000;
    console.log(`[simulate test] attack at ${ATTACK_BANK} shown as an open spike ${seconds.toFixed(1)} s after simulate started`);
    expect(spiking, `no open spike at ${ATTACK_BANK}; simulate printed:\n${output.slice(-2000)}`).toBe(true);

    const {
      suspensions: [suspension],
    } = await manager.trpc.suspensions.suspend.mutate({
      bankCodes: [ATTACK_BANK],
      scopes: ["REGISTRATION"],
      reason: "Simulated attack through the PIN-only page: stop new registrations",
    });
    // The database's clock when the manager saw the success: the suspension has committed by then.
    // A decision whose snapshot was taken between the suspension's start stamp (its transaction's
    // clock) and its commit rightly did not see it, so "honoured at once" is judged from here.
    const {
      rows: [{ answered_at: answeredAt }],
    } = await t.db.pool.query<{ answered_at: Date }>("SELECT clock_timestamp() AS answered_at");
    // Let the simulator run on for a while under the suspension, then stop it as a person would.
    await new Promise((r) => setTimeout(r, 12_000));
    sim.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(output).toMatch(/\[simulate\] done: sent \d+ events/);
    expect(output).toMatch(/denied: registration [1-9]/);

    // A registration asked just before the suspension committed is rightly allowed, and its link
    // then registered just after the start; the platform gives up on an answer after the down
    // contract's timeout, so no link can follow the start by more than that (plus slack).
    const { rows } = await t.db.pool.query<{ allowed_after: number; links_after: number; denied_after: number; grandfathered_charges_after: number }>(
      `SELECT
         (SELECT count(*)::int FROM platform_decision
            WHERE kind = 'LINK_REGISTRATION' AND bank_code = $1 AND outcome = 'ALLOW' AND decided_at >= $4::timestamptz) AS allowed_after,
         (SELECT count(*)::int FROM bank_link WHERE bank_code = $1 AND id LIKE 'sim%'
            AND registered_at >= s.starts_at + make_interval(secs => $3::float8 / 1000 + 3)) AS links_after,
         (SELECT count(*)::int FROM platform_decision
            WHERE kind = 'LINK_REGISTRATION' AND bank_code = $1 AND outcome = 'DENY' AND reason = 'BANK_REGISTRATION_SUSPENDED' AND decided_at >= s.starts_at) AS denied_after,
         (SELECT count(*)::int FROM charge c JOIN bank_link l ON l.id = c.link_id
            WHERE c.bank_code = $1 AND l.registered_at < s.cutoff_at AND c.occurred_at >= s.starts_at) AS grandfathered_charges_after
       FROM suspension s WHERE s.id = $2::uuid`,
      [ATTACK_BANK, suspension.id, DOWN_CONTRACT.LINK_REGISTRATION.timeoutMs, answeredAt],
    );
    expect(rows[0].allowed_after).toBe(0);
    expect(rows[0].links_after).toBe(0);
    expect(rows[0].denied_after).toBeGreaterThan(0);
    expect(rows[0].grandfathered_charges_after).toBeGreaterThan(0);
  }, 240_000);
});
