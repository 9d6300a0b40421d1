// `npm run test:reliability`: does the console hold under mixed load, and does money stay right
// when the server dies mid-flow? Kept out of `npm test` (it takes a couple of minutes and loads
// the machine); it prints figures and exits non-zero on a double payout, a stuck case or a broken
// audit chain.
//
//   1. Its own PostgreSQL (embedded, in a temporary folder) and its own server: a child process
//      running server/cli/start.ts on a free port, with RATE_LIMITS=off (this is a load test).
//   2. Mixed load over loopback for RELIABILITY_LOAD_SECONDS (default 20): overview and accounts
//      reads, event ingestion, charge decisions, whole compensation flows (create, approve, pay).
//      Per class: achieved rate, p50/p95/p99 latency, errors.
//   3. Crash phase: RELIABILITY_FLOWS (default 200) compensation flows run while the server is killed
//      with SIGKILL RELIABILITY_KILLS (default 4) times and restarted; clients retry with the same
//      idempotency keys and resume from the case's state. Then: double payouts (must be 0), stuck
//      cases, flows that never finished, and the audit chain's verification.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { TRPCClientError } from "@trpc/client";
import { findFreePort, REPO_ROOT, startEmbeddedPostgres } from "../../server/db/postgres.ts";
import { applyMigrations } from "../../server/db/migrate.ts";
import { connectDatabase } from "../../server/db/client.ts";
import { seedReferenceData } from "../../server/features/reference/seed-reference.ts";
import { createApiKey, API_KEY_PREFIX } from "../../server/platform-api/api-keys.ts";
import { sha256Hex } from "../../server/features/auth/sessions.ts";
import { verifyAuditChain } from "../../server/features/audit/verify-chain.ts";
import { signInFully, staffClient } from "../helpers/staff.ts";
import { withClaim } from "../compensation-fixtures.ts";
import { DEMO_STAFF } from "../../server/features/reference/demo-staff.ts";
import type { Role } from "../../shared/auth/roles.ts";

const LOAD_SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 20);
const FLOWS = Number(process.env.RELIABILITY_FLOWS ?? 200);
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 4);
const BASE_UNITS = Number(process.env.RELIABILITY_BASE_UNITS ?? 3_000); // wallets with a link and a charge
const EVENTS_PER_BATCH = 600;
const FLOW_CHARGE_YEN = 30_000; // below the approval threshold: support approves its own case
const RETRY_GIVE_UP_MS = 90_000;
const BANKS = ["0125", "9900", "0001", "0005", "0009", "0010", "0117", "0119", "0120", "0121"];

const log = (m: string) => console.log(`[reliability] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const runId = Date.now().toString(36);

// ---- measurement -----------------------------------------------------------------------------

class Stats {
  latenciesMs: number[] = [];
  errors = 0;
  units = 0; // events for ingestion, calls otherwise
  errorSamples = new Map<string, number>();
  record(ms: number, units = 1) {
    this.latenciesMs.push(ms);
    this.units += units;
  }
  fail(err: unknown) {
    this.errors++;
    const key = errorKey(err);
    this.errorSamples.set(key, (this.errorSamples.get(key) ?? 0) + 1);
  }
  pct(p: number) {
    const s = [...this.latenciesMs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
  }
}

function errorKey(err: unknown): string {
  if (err instanceof TRPCClientError) return (err.data as { code?: string })?.code ?? err.message.slice(0, 60);
  if (err instanceof HttpError) return `HTTP ${err.status}`;
  return String((err as Error)?.message ?? err).slice(0, 60);
}

async function timed<T>(stats: Stats, fn: () => Promise<T>, units = 1): Promise<T | undefined> {
  const t0 = performance.now();
  try {
    const r = await fn();
    stats.record(performance.now() - t0, units);
    return r;
  } catch (err) {
    stats.fail(err);
    return undefined;
  }
}

// ---- the server under test -------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

interface Server {
  baseUrl: string;
  start(): Promise<number>;
  kill(): void;
  stop(): Promise<void>;
}

function serverProcess(databaseUrl: string, port: number): Server {
  let child: ChildProcess | null = null;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    async start() {
      const t0 = Date.now();
      // node --import tsx (not the tsx CLI): SIGKILL must hit the server process itself, not a wrapper.
      child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "server/cli/start.ts")], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", SKIP_CLIENT_BUILD: "1", LOG_LEVEL: "error", RATE_LIMITS: "off" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (d) => (output += d));
      child.stderr!.on("data", (d) => (output += d));
      const exited = new Promise<never>((_, reject) => child!.once("exit", (code) => reject(new Error(`server exited (${code}) during start: ${output.slice(-500)}`))));
      const ready = (async () => {
        for (;;) {
          try {
            if ((await fetch(`${baseUrl}/readyz`)).status === 200) return;
          } catch {
            // not listening yet
          }
          await sleep(100);
        }
      })();
      await Promise.race([ready, exited, sleep(120_000).then(() => Promise.reject(new Error("server did not become ready in 120 s")))]);
      child.removeAllListeners("exit");
      return Date.now() - t0;
    },
    kill() {
      child?.kill("SIGKILL");
      child = null;
    },
    async stop() {
      if (!child) return;
      const c = child;
      const gone = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      await Promise.race([gone, sleep(10_000)]);
      c.kill("SIGKILL");
      child = null;
    },
  };
}

// ---- clients ---------------------------------------------------------------------------------

type Agent = ReturnType<typeof staffClient>;

async function signIn(baseUrl: string, role: Role): Promise<Agent> {
  const staff = DEMO_STAFF.find((s) => s.role === role)!;
  const agent = staffClient(baseUrl);
  await signInFully(agent, baseUrl, staff.email, staff.password);
  return agent;
}

async function postJson(url: string, key: string, body: unknown) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new HttpError(res.status, text);
  return JSON.parse(text);
}

/** Connection failures and 5xx while the server is down or restarting: try again. */
function isRetryable(err: unknown): boolean {
  if (err instanceof TRPCClientError) {
    const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus;
    return status === undefined || status >= 500;
  }
  if (err instanceof HttpError) return err.status >= 500;
  return true; // fetch failed, socket hang up, ECONNREFUSED…
}

async function retrying<T>(fn: () => Promise<T>, counters: { retries: number }): Promise<T> {
  const t0 = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || Date.now() - t0 > RETRY_GIVE_UP_MS) throw err;
      counters.retries++;
      await sleep(Math.min(2_000, 50 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}

// ---- data ------------------------------------------------------------------------------------

interface Unit {
  accountId: string;
  linkId: string;
  chargeId: string;
  bankCode: string;
  holderName: string;
  amountYen: number;
}

let unitSeq = 0;
function makeUnit(amountYen: number): Unit {
  const n = ++unitSeq;
  return {
    accountId: `rel-${runId}-acc-${n}`,
    linkId: `rel-${runId}-lnk-${n}`,
    chargeId: `rel-${runId}-chg-${n}`,
    bankCode: BANKS[n % BANKS.length],
    holderName: `ヤマダ タロウ${String.fromCharCode(0x30a2 + (n % 40))}`,
    amountYen,
  };
}

function unitEvents(u: Unit, n: number) {
  const at = (offsetSeconds: number) => new Date(Date.now() - 3_600_000 + (n % 3_000) * 1_000 + offsetSeconds * 1_000).toISOString();
  const accountNumber = String(1_000_000 + ((n * 7_919) % 8_999_999)).padStart(7, "0");
  return [
    { id: `${u.accountId}-ev`, type: "account.opened", occurredAt: at(0), account: { id: u.accountId, holderName: u.holderName, carrierCustomer: false, identityVerified: false } },
    { id: `${u.linkId}-ev`, type: "link.registered", occurredAt: at(1), link: { id: u.linkId, accountId: u.accountId, bankCode: u.bankCode, branchCode: "101", accountNumber, holderName: u.holderName, authMethod: "PIN" } },
    { id: `${u.chargeId}-ev`, type: "charge.completed", occurredAt: at(2), charge: { id: u.chargeId, linkId: u.linkId, amountYen: u.amountYen } },
  ];
}

const rejectedEvents: string[] = [];

async function ingestUnits(baseUrl: string, key: string, units: Unit[], stats?: Stats) {
  for (let i = 0; i < units.length; i += EVENTS_PER_BATCH / 3) {
    const events = units.slice(i, i + EVENTS_PER_BATCH / 3).flatMap((u, j) => unitEvents(u, i + j));
    const send = async () => {
      const r = (await postJson(`${baseUrl}/api/v1/events`, key, { events })) as { rejected?: { code: string; message?: string }[] };
      if (r.rejected?.length) rejectedEvents.push(...r.rejected.map((x) => `${x.code} ${x.message ?? ""}`.slice(0, 120)));
      return r;
    };
    if (stats) await timed(stats, send, events.length);
    else await send();
  }
}

// ---- compensation flow -----------------------------------------------------------------------

interface FlowAgents {
  support: Agent;
  manager: Agent;
}

/**
 * One victim paid back, from request to payout, resumable: after any failure it asks the server
 * where the case stands and carries on from there. The idempotency key makes the request safe to
 * repeat; a case enters at most one payout batch.
 */
async function compensationFlow(agents: FlowAgents, u: Unit, counters: { retries: number }, stats?: Stats): Promise<"PAID" | string> {
  // Every call is timed (when measuring) and retried while the server is unreachable or failing.
  const step = <T>(fn: () => Promise<T>) =>
    retrying(async () => {
      const t0 = performance.now();
      try {
        const r = await fn();
        stats?.record(performance.now() - t0);
        return r;
      } catch (err) {
        stats?.fail(err);
        throw err;
      }
    }, counters);
  const created = await step(() =>
    agents.support.trpc.compensation.create.mutate(withClaim({ idempotencyKey: `rel-${u.chargeId}`, holderName: u.holderName, lines: [{ chargeId: u.chargeId, amountYen: u.amountYen }], reason: "reliability run: victim reported the charge" })),
  );
  for (let round = 0; round < 20; round++) {
    const { state, payoutBatch } = (await step(() => agents.support.trpc.compensation.get.query({ caseId: created.caseId }))) as { state: string; payoutBatch: { id: string } | null };
    if (state === "PAID") return "PAID";
    try {
      if (state === "REQUESTED") await step(() => agents.support.trpc.compensation.approve.mutate({ caseId: created.caseId, reason: "reliability run: charge confirmed" }));
      else if (state === "APPROVED" && !payoutBatch) await step(() => agents.manager.trpc.compensation.createPayoutBatch.mutate({ caseIds: [created.caseId], reason: "reliability run: payout" }));
      else if (state === "APPROVED" && payoutBatch) {
        // In a one-case batch: the bank accepts it and settles its one line (#18: PAID only then).
        const batchId = payoutBatch.id;
        await step(() => agents.manager.trpc.compensation.markBatchSent.mutate({ batchId, bankReference: `REL-${batchId.slice(0, 8)}`, reason: "reliability run: bank accepted" })).catch(() => {});
        await step(() => agents.manager.trpc.compensation.importBankResult.mutate({ batchId, fileText: `line,amount_yen,result,reason\n1,${u.amountYen},SETTLED,\n`, reason: "reliability run: bank result" }));
      } else return state;
    } catch (err) {
      // A 4xx after a restart usually means the step had already happened: look again.
      if (isRetryable(err)) throw err;
    }
  }
  return "GAVE_UP";
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  mkdirSync(path.join(REPO_ROOT, ".data"), { recursive: true });
  const dir = mkdtempSync(path.join(REPO_ROOT, ".data", "reliability-"));
  chmodSync(dir, 0o755);
  const pgServer = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await findFreePort(), persistent: false, database: "postgres" });
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  await admin.query("CREATE DATABASE floodgate_reliability");
  await admin.end();
  const url = new URL(pgServer.url);
  url.pathname = "/floodgate_reliability";
  const databaseUrl = url.toString();
  let server: Server | undefined;
  let failed = false;
  try {
    log("migrating a fresh database");
    await applyMigrations(databaseUrl);
    const db = connectDatabase(databaseUrl, { poolMax: 4 });
    await seedReferenceData(db.prisma);
    // start.ts keeps the demo key's secret in .data/ and rewrites the file when the database does
    // not know it: register that secret here so the developer's file is left alone.
    const keyFile = path.join(REPO_ROOT, ".data", "demo-platform-api-key.txt");
    const demoSecret = existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : "";
    if (demoSecret.startsWith(API_KEY_PREFIX)) {
      await db.prisma.platformApiKey.create({ data: { name: "Demo wallet platform", prefix: demoSecret.slice(0, 10), keyHash: sha256Hex(demoSecret) } });
    }
    // One wallet, so start.ts finds the database populated and loads no demo data (which would also
    // rewrite the developer's demo labels file).
    await db.prisma.walletAccount.create({ data: { id: `rel-${runId}-sentinel`, holderName: "センチネル", holderNameNormalized: "センチネル", carrierCustomer: false, identityVerified: false, openedAt: new Date() } });
    const apiKey = (await createApiKey(db.prisma, "reliability run")).secret;

    server = serverProcess(databaseUrl, await findFreePort());
    log(`server started in ${((await server.start()) / 1000).toFixed(1)} s at ${server.baseUrl}`);
    const base = server.baseUrl;
    const [analyst, support, manager, adminAgent] = await Promise.all((["ANALYST", "SUPPORT", "MANAGER", "ADMIN"] as const).map((r) => signIn(base, r)));

    // Population: honest wallets for reads and decisions, fraud wallets for compensation.
    const t0 = Date.now();
    const baseUnits = Array.from({ length: BASE_UNITS }, (_, i) => makeUnit(1_000 + (i % 50) * 1_000));
    const loadFlowUnits = Array.from({ length: 400 }, () => makeUnit(FLOW_CHARGE_YEN));
    const crashUnits = Array.from({ length: FLOWS }, () => makeUnit(FLOW_CHARGE_YEN));
    await ingestUnits(base, apiKey, [...baseUnits, ...loadFlowUnits, ...crashUnits]);
    const fraud = [...loadFlowUnits, ...crashUnits].map((u) => u.accountId);
    for (let i = 0; i < fraud.length; i += 500) {
      await analyst.trpc.accounts.markConfirmedFraud.mutate({ accountIds: fraud.slice(i, i + 500), reason: "reliability run: confirmed fraud wallets" });
    }
    if (rejectedEvents.length) log(`population: ${rejectedEvents.length} events rejected, e.g. ${[...new Set(rejectedEvents)].slice(0, 3).join(" | ")}`);
    log(`population: ${(baseUnits.length + loadFlowUnits.length + crashUnits.length) * 3} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // ---- mixed load ----
    log(`mixed load for ${LOAD_SECONDS} s…`);
    const classes = {
      "read overview": new Stats(),
      "read accounts": new Stats(),
      "ingest events": new Stats(),
      "charge decisions": new Stats(),
      "compensation calls": new Stats(),
    };
    const deadline = Date.now() + LOAD_SECONDS * 1_000;
    const loop = async (fn: () => Promise<unknown>) => {
      while (Date.now() < deadline) await fn();
    };
    let flowIndex = 0;
    const loadCounters = { retries: 0 };
    const loadStart = Date.now();
    await Promise.all([
      ...Array.from({ length: 2 }, () => loop(() => timed(classes["read overview"], () => analyst.trpc.volume.overview.query({})))),
      ...Array.from({ length: 2 }, () => loop(() => timed(classes["read accounts"], () => analyst.trpc.accounts.list.query({ limit: 50 })))),
      loop(() => ingestUnits(base, apiKey, Array.from({ length: EVENTS_PER_BATCH / 3 }, () => makeUnit(2_000)), classes["ingest events"])),
      ...Array.from({ length: 6 }, () =>
        loop(() => timed(classes["charge decisions"], () => postJson(`${base}/api/v1/decisions/charge`, apiKey, { linkId: baseUnits[Math.floor(Math.random() * baseUnits.length)].linkId, amountYen: 5_000 }))),
      ),
      ...Array.from({ length: 2 }, () =>
        loop(async () => {
          const u = loadFlowUnits[flowIndex++ % loadFlowUnits.length];
          if (flowIndex > loadFlowUnits.length) return sleep(100);
          await compensationFlow({ support, manager }, u, loadCounters, classes["compensation calls"]).catch((err) => classes["compensation calls"].fail(err));
        }),
      ),
    ]);
    const elapsed = (Date.now() - loadStart) / 1000;
    console.log(`\n  class                 rate              p50 ms   p95 ms   p99 ms   calls    errors`);
    for (const [name, s] of Object.entries(classes)) {
      const rate = name === "ingest events" ? `${Math.round(s.units / elapsed)} events/s` : `${(s.latenciesMs.length / elapsed).toFixed(1)} req/s`;
      console.log(
        `  ${name.padEnd(20)}  ${rate.padEnd(16)}  ${s.pct(50).toFixed(1).padStart(7)}  ${s.pct(95).toFixed(1).padStart(7)}  ${s.pct(99).toFixed(1).padStart(7)}  ${String(s.latenciesMs.length).padStart(6)}  ${String(s.errors).padStart(6)}${
          s.errors ? `  (${[...s.errorSamples].map(([k, v]) => `${k}×${v}`).join(", ")})` : ""
        }`,
      );
    }
    console.log(`  (compensation calls: create, get, approve, payout; ${Math.min(flowIndex, loadFlowUnits.length)} flows started)\n`);

    // ---- crash phase ----
    log(`crash phase: ${FLOWS} compensation flows, the server killed with SIGKILL ${KILLS} times`);
    const counters = { retries: 0 };
    const outcomes = new Map<string, string>();
    let next = 0;
    const worker = async () => {
      while (next < crashUnits.length) {
        const u = crashUnits[next++];
        outcomes.set(u.chargeId, await compensationFlow({ support, manager }, u, counters).catch((err) => `ERROR ${errorKey(err)}`));
      }
    };
    const restarts: number[] = [];
    const killer = (async () => {
      for (let k = 0; k < KILLS; k++) {
        await sleep(300 + Math.random() * 900); // soon after the (re)start: flows are mid-way
        if (outcomes.size >= crashUnits.length) break;
        server!.kill();
        log(`kill ${k + 1}: SIGKILL with ${next - outcomes.size} flows in progress (${outcomes.size}/${crashUnits.length} done)`);
        await sleep(200);
        restarts.push(await server!.start());
      }
    })();
    await Promise.all([...Array.from({ length: 6 }, worker), killer]);

    // ---- verdict ----
    const q = async (sql: string) => (await db.pool.query(sql)).rows[0];
    const doublePaid = await q(`
      SELECT count(*)::int AS n FROM (
        SELECT l.charge_id FROM compensation_line l JOIN compensation_case c ON c.id = l.case_id JOIN charge ch ON ch.id = l.charge_id
         WHERE c.state = 'PAID' GROUP BY l.charge_id, ch.amount_yen HAVING count(*) > 1 OR sum(l.amount_yen) > ch.amount_yen) x`);
    const casesPerCharge = await q(`SELECT count(*)::int AS n FROM (SELECT charge_id FROM compensation_line GROUP BY charge_id HAVING count(*) > 1) x`);
    const stuck = await q(`SELECT count(*)::int AS n FROM compensation_case WHERE state IN ('REQUESTED', 'APPROVED')`);
    const paid = await q(`SELECT count(*)::int AS n, COALESCE(sum(total_yen), 0)::bigint AS yen FROM compensation_case WHERE state = 'PAID'`);
    const batches = await q(`SELECT count(*)::int AS n FROM payout_batch`);
    const notPaid = [...outcomes.values()].filter((o) => o !== "PAID");
    const chain = await adminAgent.trpc.audit.verify.query();
    const chainDirect = await verifyAuditChain(db.pool);
    console.log(`
  kills: ${restarts.length}, restart to ready: ${restarts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")}
  client retries: ${counters.retries}
  flows paid: ${outcomes.size - notPaid.length}/${crashUnits.length}${notPaid.length ? ` (not paid: ${[...new Set(notPaid)].join(", ")})` : ""}
  cases paid in total: ${paid.n} (${Number(paid.yen).toLocaleString("en-US")} yen) in ${batches.n} payout batches
  double payouts: ${doublePaid.n}
  charges in more than one case: ${casesPerCharge.n}
  stuck cases (requested or approved, never paid): ${stuck.n}
  audit chain: ${chain.status === "VERIFIED" ? `verified up to #${chain.lastVerifiedId} (${chain.verifiedCount} records)` : `BROKEN at #${chain.brokenAtId}: ${chain.problem}`}${chainDirect.status !== chain.status ? " (direct check disagrees!)" : ""}
`);
    failed = doublePaid.n > 0 || casesPerCharge.n > 0 || stuck.n > 0 || notPaid.length > 0 || chain.status !== "VERIFIED";
    await db.close();
  } finally {
    await server?.stop().catch(() => {});
    await pgServer.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  log(failed ? "FAILED" : "passed");
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`[reliability] failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
