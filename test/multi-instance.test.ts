// Goal (#15): any number of `npm start` processes on one PostgreSQL serve the console and the API as
// one system: a suspension committed through one is honoured by the next decision on another,
// background jobs (detection, quarantine, rescoring for spikes) run on exactly one of them, a
// scheduled suspension takes effect once, rate limits are counted together, the overview answers
// the same from each, and when the job runner is killed with kill -9 another takes the jobs within
// 10 s; SIGTERM drains and hands the jobs back.
// Method: two real server processes (server/cli/start.ts, as `npm start` runs it) on this file's
// database, different ports; everything through their HTTP APIs; the database read for evidence
// (background_job records which instance ran each job run, spike, bank_link).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db.ts";
import { startServerProcess, waitFor, type ServerProcess } from "./helpers/server-process.ts";
import { errorCodeOf, signedInAs, staffClient } from "./helpers/staff.ts";
import { accountWithLink, decide } from "./suspensions-fixtures.ts";
import { burst, postAll, seasonalBackground } from "./volume-fixtures.ts";
import { createApiKey } from "../server/platform-api/api-keys.ts";
import { ingestBatch } from "../server/features/events/ingest.ts";
import { EVENTS_PER_BATCH_MAX } from "../shared/events/schemas.ts";
import { JOBS_LOCK } from "../server/jobs.ts";
import type { Database } from "../server/db/client.ts";

const MIN = 60_000;
const SIGN_IN_LIMIT = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let apiKey: string;
let servers: ServerProcess[] = [];
let leader: ServerProcess;
let standby: ServerProcess;
const links: Record<string, string> = {};
let quarantined: { at: Date | null; runs: number } | undefined;
/** One manager session (signed in through the leader), used through either instance. */
let manager: Awaited<ReturnType<typeof signedInAs>>;
const managerOn = (s: ServerProcess) => {
  const agent = staffClient(s.baseUrl);
  for (const [k, v] of manager.jar) agent.jar.set(k, v);
  return agent;
};

interface JobRow {
  name: string;
  runner: string;
  runs: number;
  last_started_at: Date;
}
const jobRows = async () =>
  (await db.pool.query<JobRow>("SELECT name, runner, runs::int AS runs, last_started_at FROM background_job ORDER BY name")).rows;

/** Waits until job `name` has run `n` more times than in `since`; answers the records then. */
const runsAfter = (name: string, since: JobRow[], n: number) =>
  waitFor(`${n} more runs of ${name}`, 15_000, async () => {
    const rows = await jobRows();
    const runs = (r: JobRow[]) => r.find((x) => x.name === name)?.runs ?? 0;
    return runs(rows) - runs(since) >= n ? rows : null;
  });

/** Every runner each job record named, read every 150 ms from the start to the kill test. */
const watcher = {
  seen: new Map<string, Set<string>>(),
  timer: undefined as NodeJS.Timeout | undefined,
  start() {
    const look = async () => {
      for (const r of await jobRows().catch(() => [])) (this.seen.get(r.name) ?? this.seen.set(r.name, new Set()).get(r.name)!).add(r.runner);
      if (this.timer) this.timer = setTimeout(() => void look(), 150);
    };
    this.timer = setTimeout(() => void look(), 0);
  },
  stop() {
    clearTimeout(this.timer);
    this.timer = undefined;
  },
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  apiKey = (await createApiKey(db.prisma, "multi-instance test")).secret;
  // Eight days of ordinary link volume at 0125 (stored before the servers start, so detection has
  // a baseline), and wallets with links the decision tests use. A non-empty database also means no
  // demo data is loaded at start.
  const now = Date.now();
  const background = seasonalBackground({ bankCode: "0125", from: new Date(now - 8 * 24 * 60 * MIN), to: new Date(now - 10 * MIN), level: 2, seed: 15 });
  background.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  for (let i = 0; i < background.length; i += EVENTS_PER_BATCH_MAX) {
    const r = await ingestBatch(db, background.slice(i, i + EVENTS_PER_BATCH_MAX), { afterCommit: false });
    expect(r.rejected).toHaveLength(0);
  }
  links.charge = (await accountWithLink(db, "0005", new Date(now - 60 * MIN))).linkId;
  links.scheduled = (await accountWithLink(db, "0009", new Date(now - 5 * MIN))).linkId;

  const env = { SIGN_IN_RATE_PER_IP_PER_MINUTE: String(SIGN_IN_LIMIT) };
  // Started together: start-up (migrations, reference data) takes turns under an advisory lock.
  servers = await Promise.all(["fg-a", "fg-b"].map((name) => startServerProcess({ name, databaseUrl: database.url, env })));
  await Promise.all(servers.map((s) => s.ready()));
  const roles = await waitFor("one instance to take the jobs", 10_000, async () => {
    const r = await Promise.all(servers.map((s) => s.readiness()));
    return r.some((x) => x?.jobs === "leader") ? r : null;
  });
  leader = servers[roles.findIndex((r) => r?.jobs === "leader")];
  standby = servers.find((s) => s !== leader)!;
  watcher.start();
}, 120_000);

afterAll(async () => {
  watcher.stop();
  for (const s of servers) s.kill("SIGKILL");
  await Promise.all(servers.map((s) => Promise.race([s.exited, sleep(5_000)])));
  await database?.drop();
});

describe("several instances on one database", () => {
  it("runs every background job on exactly one instance; the other stands by", async () => {
    expect((await standby.readiness())?.jobs).toBe("standby");
    const first = await waitFor("detection and quarantine runs", 15_000, async () => {
      const rows = await jobRows();
      return rows.some((r) => r.name === "volume.detection") && rows.some((r) => r.name === "suspensions.quarantine") ? rows : null;
    });
    // Two more detection runs, all by the leader (the watcher keeps looking until the last test).
    const last = await runsAfter("volume.detection", first, 2);
    for (const [name, runners] of watcher.seen) expect([...runners], name).toEqual([leader.name]);
    const detection = (rows: JobRow[]) => rows.find((r) => r.name === "volume.detection")!.runs;
    expect(detection(last) - detection(first)).toBeGreaterThanOrEqual(2);
    // The runs show in the leader's metrics, not in the standby's.
    const runsMetric = async (s: ServerProcess) => {
      const text = await (await fetch(`${s.baseUrl}/metrics`)).text();
      return /^floodgate_job_runs_total\{[^}]*job="volume\.detection"[^}]*\} (\d+)/m.exec(text)?.[1];
    };
    expect(Number(await runsMetric(leader))).toBeGreaterThanOrEqual(2);
    expect(await runsMetric(standby)).toBeUndefined();
  });

  it("a suspension committed through one instance is honoured by the next decision on the other", async () => {
    expect((await decide(standby.baseUrl, apiKey, "charge", { linkId: links.charge, amountYen: 5_000 })).body.decision).toBe("allow");
    manager = await signedInAs(leader.baseUrl, "MANAGER");
    await manager.trpc.suspensions.suspend.mutate({ bankCodes: ["0005"], scopes: ["CHARGE"], reason: "multi-instance test: charges suspended" });
    const after = await decide(standby.baseUrl, apiKey, "charge", { linkId: links.charge, amountYen: 5_000 });
    expect(after.body).toMatchObject({ decision: "deny", reason: "BANK_CHARGES_SUSPENDED" });
  });

  it("a scheduled suspension takes effect at its start and its quarantine is applied once", async () => {
    const startsAt = new Date(Date.now() + 3_000);
    await managerOn(standby).trpc.suspensions.suspend.mutate({
      bankCodes: ["0009"],
      scopes: ["REGISTRATION"],
      startsAt,
      cutoffAt: new Date(Date.now() - 30 * MIN),
      quarantine: true,
      reason: "multi-instance test: scheduled with quarantine",
    });
    const charge = () => decide(leader.baseUrl, apiKey, "charge", { linkId: links.scheduled, amountYen: 5_000 });
    if (Date.now() < startsAt.getTime() - 500) expect((await charge()).body.decision).toBe("allow");
    await sleep(Math.max(0, startsAt.getTime() - Date.now() + 100));
    // Decisions compute the quarantine from the rules at the moment they are asked…
    expect((await charge()).body).toMatchObject({ decision: "deny", reason: "LINK_QUARANTINED" });
    // …and the quarantine job (on the leader only) marks the link for the analysts' queue, once.
    const link = () => db.pool.query<{ status: string; status_changed_at: Date | null }>("SELECT status::text, status_changed_at FROM bank_link WHERE id = $1", [links.scheduled]);
    const marked = await waitFor("the quarantine job to mark the link", 15_000, async () => {
      const r = (await link()).rows[0];
      return r.status === "QUARANTINED" ? r : null;
    });
    expect((await jobRows()).find((r) => r.name === "suspensions.quarantine")!.runner).toBe(leader.name);
    // Runs after this one (the last test's new leader runs every job as it takes over) find nothing to do.
    quarantined = { at: marked.status_changed_at, runs: (await jobRows()).find((r) => r.name === "suspensions.quarantine")!.runs };
  });

  it("detects a burst posted through the standby once: one spike, stored by the instance running detection", async () => {
    const res = await postAll(standby.baseUrl, apiKey, burst({ bankCode: "0125", at: new Date(Date.now() - 20_000), count: 40, spreadMs: 15_000 }));
    expect(res.accepted).toBe(80);
    const spikes = () =>
      db.pool.query<{ detector: string; n: number }>(
        `SELECT detector, count(*)::int AS n FROM spike WHERE bank_code = '0125' AND metric = 'LINK_REGISTERED' AND started_at > now() - interval '1 hour' GROUP BY 1 ORDER BY 1`,
      );
    const found = await waitFor("the burst's spike", 20_000, async () => ((await spikes()).rows.some((r) => r.detector === "BURST") ? true : null));
    expect(found).toBe(true);
    await runsAfter("volume.detection", await jobRows(), 2);
    for (const r of (await spikes()).rows) expect(r.n, r.detector).toBe(1);
    expect((await jobRows()).find((r) => r.name === "volume.detection")!.runner).toBe(leader.name);
  });

  it("rescores the wallets linked during that spike once, on the instance running the jobs, without waiting for more events", async () => {
    // The burst's wallets were scored as their events arrived, before the spike existed: the spike
    // (back-dated to its first bucket) must reach them through the jobs, not through more traffic.
    const covered = () =>
      db.pool.query<{ id: string; during: boolean }>(
        `SELECT a.id, a.risk_reasons @> '[{"code": "LINKED_DURING_SPIKE"}]'::jsonb AS during
         FROM wallet_account a JOIN bank_link l ON l.account_id = a.id
         WHERE l.bank_code = '0125' AND EXISTS (
           SELECT 1 FROM spike s WHERE s.bank_code = '0125' AND s.metric = 'LINK_REGISTERED'
             AND s.started_at <= l.registered_at AND coalesce(s.ended_at, now()) >= l.registered_at)`,
      );
    const rescored = await waitFor("the wallets linked during the spike to be rescored", 10_000, async () => {
      const rows = (await covered()).rows;
      return rows.length > 0 && rows.every((r) => r.during) ? rows : null;
    });
    expect(rescored.length).toBeGreaterThanOrEqual(20);
    // More events through each instance: an instance's ingestion never repeats the spike's rescoring
    // (it used to: each process remembered in memory which spikes it had handled).
    const more = (s: ServerProcess) => postAll(s.baseUrl, apiKey, burst({ bankCode: "0005", at: new Date(Date.now() - 5_000), count: 2, spreadMs: 2_000 }));
    await Promise.all([more(standby), more(leader)]);
    await runsAfter("accounts.spike-rescoring", await jobRows(), 2); // each ingestion's rescoring has long finished
    const rescoredBy = async (s: ServerProcess) => {
      const text = await (await fetch(`${s.baseUrl}/metrics`)).text();
      return Number(/^floodgate_accounts_rescored_total\{[^}]*trigger="spike"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    expect(await rescoredBy(standby)).toBe(0);
    expect(await rescoredBy(leader)).toBeGreaterThanOrEqual(rescored.length);
    expect((await jobRows()).find((r) => r.name === "accounts.spike-rescoring")!.runner).toBe(leader.name);
  });

  it("counts a rate limit across instances (429 with Retry-After and our words)", async () => {
    // From another loopback address than the staff sign-ins above, so only these attempts count.
    const attempt = (s: ServerProcess) =>
      new Promise<{ status: number; retryAfter?: string; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: s.port, localAddress: "127.0.0.3", method: "POST", path: "/trpc/auth.signIn", headers: { "content-type": "application/json", "x-floodgate-csrf": "1" } },
          (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined, body }));
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ json: { email: "nobody@floodgate.test" } })); // invalid input: counted, never a failed sign-in
      });
    const answers = [];
    for (let i = 0; i < SIGN_IN_LIMIT + 1; i++) answers.push(await attempt(servers[i % 2]));
    expect(answers.slice(0, SIGN_IN_LIMIT).map((a) => a.status)).not.toContain(429);
    const refused = answers[SIGN_IN_LIMIT];
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatch(/Too many requests\. Try again in/);
  });

  it("answers the overview the same from both instances (one session, sessions live in the database)", async () => {
    const analyst = await signedInAs(standby.baseUrl, "ANALYST");
    const onLeader = staffClient(leader.baseUrl);
    for (const [k, v] of analyst.jar) onLeader.jar.set(k, v);
    // The instant of asking (the window's end, "ongoing" suspension regions' end) is not data.
    type O = Awaited<ReturnType<typeof analyst.trpc.volume.overview.query>>;
    const data = (o: O) => ({
      ...o,
      generatedAt: null,
      window: { ...o.window, to: null },
      suspensionRegions: o.suspensionRegions.map((r) => ({ ...r, to: r.ongoing ? null : r.to })),
    });
    for (const range of ["24h", "30d"] as const) {
      for (let attempt = 0; ; attempt++) {
        const [a, b] = await Promise.all([analyst.trpc.volume.overview.query({ range }), onLeader.trpc.volume.overview.query({ range })]);
        // Asked a bucket apart (rare): the windows differ; ask again.
        if (a.window.from.getTime() !== b.window.from.getTime() && attempt < 2) continue;
        expect(b.banks.find((x) => x.code === "0125")?.links.value).toBeGreaterThan(0);
        expect(data(b)).toEqual(data(a));
        break;
      }
    }
  });

  it("a bulk rescoring started through one instance runs once and reports the same progress on both", async () => {
    const [onLeader, onStandby] = [managerOn(leader), managerOn(standby)];
    const started = await Promise.allSettled([
      onLeader.trpc.accounts.rescoreAll.mutate({ reason: "multi-instance test: first" }),
      onStandby.trpc.accounts.rescoreAll.mutate({ reason: "multi-instance test: second" }),
    ]);
    expect(started.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = started.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(await errorCodeOf(Promise.reject(refused.reason))).toBe("RESCORE_ALREADY_RUNNING");
    const done = await waitFor("the rescoring to finish", 30_000, async () => {
      const s = await onStandby.trpc.accounts.rescoreStatus.query();
      return s && !s.running ? s : null;
    });
    expect(done.error).toBeNull();
    expect(done.scored).toBe(done.total);
    expect(await onLeader.trpc.accounts.rescoreStatus.query()).toEqual(done);
  });

  it("kill -9 of the job runner: another instance takes the jobs within 10 s; SIGTERM hands them back", async () => {
    // Until now (every test above), every job record named the leader.
    watcher.stop();
    expect(watcher.seen.size).toBeGreaterThanOrEqual(3);
    for (const [name, runners] of watcher.seen) expect([...runners], name).toEqual([leader.name]);
    const killedAt = Date.now();
    leader.kill("SIGKILL");
    await leader.exited;
    const tookOver = await waitFor("the standby to lead", 10_000, async () => ((await standby.readiness())?.jobs === "leader" ? Date.now() : null));
    await waitFor("detection and quarantine to run on the new leader", 10_000 - (tookOver - killedAt), async () => {
      const rows = await jobRows();
      return ["volume.detection", "suspensions.quarantine"].every((name) => {
        const r = rows.find((x) => x.name === name)!;
        return r.runner === standby.name && r.last_started_at.getTime() > killedAt - 1_000;
      });
    });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    // The new leader ran the quarantine job again: the link quarantined before is left as it was.
    const q = (await jobRows()).find((r) => r.name === "suspensions.quarantine")!;
    expect(q.runner).toBe(standby.name);
    expect(q.runs).toBeGreaterThan(quarantined!.runs);
    const link = await db.pool.query<{ status: string; status_changed_at: Date }>("SELECT status::text, status_changed_at FROM bank_link WHERE id = $1", [links.scheduled]);
    expect(link.rows[0]).toEqual({ status: "QUARANTINED", status_changed_at: quarantined!.at });
    // The decision API keeps answering from the survivor.
    expect((await decide(standby.baseUrl, apiKey, "charge", { linkId: links.charge, amountYen: 5_000 })).body.decision).toBe("deny");

    // SIGTERM: the process exits cleanly and the jobs lock is released (not left to a timeout).
    standby.kill("SIGTERM");
    expect(await Promise.race([standby.exited, sleep(15_000).then(() => "still running")])).toBe(0);
    // PostgreSQL ends a closed session's backend a moment after the socket closes: allow 1 s, far
    // below any network timeout a lock left to the server would wait for. pg_locks shows every
    // database of the cluster: other test files' job runners hold the same key in theirs.
    const held = async () => (await db.pool.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = $1 AND objid = $2", [...JOBS_LOCK])).rowCount;
    await waitFor("the jobs lock to be released", 1_000, async () => ((await held()) === 0 ? true : null)).catch(() => {});
    expect(await held()).toBe(0);
  });
});
