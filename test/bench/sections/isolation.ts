// Bench section (#15): can an analyst slow the decision path? Real server processes
// (server/cli/start.ts, as `npm start` runs them) on one database of the bench's PostgreSQL, over
// loopback:
//   - an idle process (role api, nothing sent to it but /healthz): the machine's reference;
//   - decisions at 200 requests/s, open loop, while 16 analysts read without pause (full accounts CSV
//     exports and 30-day overviews, alternating), first on one all-in-one process (pool isolation
//     only), then with the roles apart (decisions to an api process, reads to a console process);
//     the idle process's /healthz is measured at the same time, and once alone before;
//   - decision throughput at a fixed p99: the highest open-loop rate whose p99 stays within the
//     target on one api process, then on two (requests alternate between them).
// Goal from the issue: decision p99 ≤ 2 × the idle process's /healthz p99, in the same run.
// Brings its own data (the demo generator at ISOLATION_SCALE, default 0.25, in the database
// floodgate_isolation, kept between runs). Prints figures, asserts nothing.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { loadavg } from "node:os";
import { connectDatabase } from "../../../server/db/client.ts";
import { applyMigrations } from "../../../server/db/migrate.ts";
import { findFreePort, REPO_ROOT, createDatabaseIfMissing } from "../../../server/db/postgres.ts";
import { seedReferenceData } from "../../../server/features/reference/seed-reference.ts";
import { loadDemoDataIfEmpty } from "../../../server/features/events/demo-load.ts";
import { createApiKey } from "../../../server/platform-api/api-keys.ts";
import { staffClient, signInFully } from "../../helpers/staff.ts";
import { DEMO_STAFF } from "../../../server/features/reference/demo-staff.ts";
import type { BenchFigure, BenchSection } from "../context.ts";

const DATABASE = "floodgate_isolation";
const RATE = 200;
const READERS = 16;
const SECONDS = Number(process.env.ISOLATION_SECONDS ?? 15);
/** The p99 at which throughput is compared (ms). */
const THROUGHPUT_P99_MS = Number(process.env.ISOLATION_P99_MS ?? 50);
const RAMP = [200, 400, 600, 800, 1000, 1200, 1400, 1600, 2000];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  name: string;
  base: string;
  stop(): Promise<void>;
}

async function startInstance(name: string, role: string, databaseUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const port = await findFreePort();
  const base = `http://127.0.0.1:${port}`;
  // node --import tsx (not the tsx CLI), so a signal reaches the server itself.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "server/cli/start.ts")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      FLOODGATE_ROLE: role,
      FLOODGATE_INSTANCE_ID: name,
      SKIP_CLIENT_BUILD: "1",
      LOG_LEVEL: "error",
      RATE_LIMITS: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`${name} exited (${code}) during start: ${output.slice(-400)}`))));
  const ready = (async () => {
    for (;;) {
      try {
        if ((await fetch(`${base}/readyz`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
  })();
  await Promise.race([ready, exited, sleep(180_000).then(() => Promise.reject(new Error(`${name} did not become ready in 180 s`)))]);
  child.removeAllListeners("exit");
  return {
    name,
    base,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([gone, sleep(15_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

// Open-loop load in a worker thread: `rate` requests per second for `seconds`, alternating between
// the bases, each on its own schedule whatever the answers; reports every latency.
const LOADGEN = `
const { parentPort, workerData } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const { bases, key, rate, seconds, kind, links } = workerData;
(async () => {
  const lat = []; let errors = 0; const total = Math.round(rate * seconds); const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const base = bases[i % bases.length]; const start = performance.now();
    const init = kind === "healthz" ? {} : {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + key },
      body: JSON.stringify({ linkId: links[(i * 7919) % links.length], amountYen: 30000 }),
    };
    pending.push(fetch(base + (kind === "healthz" ? "/healthz" : "/api/v1/decisions/charge"), init)
      .then(async (res) => { await res.arrayBuffer(); if (res.status !== 200) errors++; lat.push(performance.now() - start); }, () => { errors++; }));
  }
  await Promise.all(pending);
  parentPort.postMessage({ lat, errors, achieved: total / ((performance.now() - t0) / 1000) });
})();
`;

// Analysts: READERS loops, each alternating a full accounts CSV export and a 30-day overview, until told to stop.
const READERS_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const { base, cookie, readers } = workerData;
let stop = false; parentPort.on("message", () => { stop = true; });
const overview = base + "/trpc/volume.overview?input=" + encodeURIComponent(JSON.stringify({ json: { range: "30d" } }));
const done = { exports: 0, overviews: 0, errors: 0, exportMs: [], overviewMs: [], bytes: 0 };
async function loop(n) {
  for (let i = n; !stop; i++) {
    const isExport = i % 2 === 0; const t = performance.now();
    try {
      const res = await fetch(isExport ? base + "/exports/accounts.csv" : overview, { headers: { cookie } });
      const body = await res.arrayBuffer(); done.bytes += body.byteLength;
      if (res.status !== 200) { done.errors++; await new Promise((r) => setTimeout(r, 200)); continue; }
      if (isExport) { done.exports++; done.exportMs.push(performance.now() - t); } else { done.overviews++; done.overviewMs.push(performance.now() - t); }
    } catch { done.errors++; }
  }
}
Promise.all(Array.from({ length: readers }, (_, n) => loop(n))).then(() => parentPort.postMessage(done));
`;

/**
 * Waits until the background jobs of the processes just started have each finished a run since
 * `since` and none is running (their catch-up after a start: detection over the recent buckets,
 * rescoring), so a phase measures the requests and not a start-up burst. At most 90 s.
 */
async function settle(db: { pool: { query: (q: string, v: unknown[]) => Promise<{ rows: Array<{ waiting: number; running: number }> }> } }, since: Date, log: (m: string) => void) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { rows } = await db.pool.query(
      `SELECT count(*) FILTER (WHERE last_finished_at < $1)::int AS waiting, count(*) FILTER (WHERE last_started_at > last_finished_at)::int AS running FROM background_job`,
      [since],
    );
    if ((rows[0].waiting === 0 && rows[0].running === 0) || Date.now() > deadline) {
      if (Date.now() > deadline) log(`isolation: jobs still busy after 90 s (${rows[0].waiting} not yet run, ${rows[0].running} running); measuring anyway`);
      break;
    }
    await sleep(500);
  }
  await sleep(2_000);
}

interface Latency {
  requests: number;
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

function load(bases: string[], kind: "healthz" | "charge", rate: number, seconds: number, key: string, links: string[]): Promise<Latency> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOADGEN, { eval: true, workerData: { bases, key, rate, seconds, kind, links } });
    w.once("message", (r: { lat: number[]; errors: number; achieved: number }) => {
      const lat = r.lat.sort((a, b) => a - b);
      resolve({ requests: lat.length, achieved: r.achieved, p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: pct(lat, 100), errors: r.errors });
      void w.terminate();
    });
    w.once("error", reject);
  });
}

interface ReadResult {
  exports: number;
  overviews: number;
  errors: number;
  exportMs: number[];
  overviewMs: number[];
  bytes: number;
}

function startReaders(base: string, cookie: string) {
  const w = new Worker(READERS_CODE, { eval: true, workerData: { base, cookie, readers: READERS } });
  const result = new Promise<ReadResult>((resolve, reject) => {
    w.once("message", resolve);
    w.once("error", reject);
  });
  return {
    async stop(): Promise<ReadResult> {
      w.postMessage("stop");
      const r = await result;
      void w.terminate();
      return r;
    },
  };
}

async function analystCookie(base: string): Promise<string> {
  const staff = DEMO_STAFF.find((s) => s.role === "ANALYST")!;
  const agent = staffClient(base);
  await signInFully(agent, base, staff.email, staff.password);
  return [...agent.jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

const fmt = (l: Latency) => `p50 ${l.p50.toFixed(1)}  p95 ${l.p95.toFixed(1)}  p99 ${l.p99.toFixed(1)}  max ${l.max.toFixed(0)} ms, ${Math.round(l.achieved)}/s, ${l.errors} errors`;

export const section: BenchSection = {
  name: "isolation",
  order: 70,
  ownData: true,
  async run(ctx) {
    const scale = Number(process.env.ISOLATION_SCALE ?? 0.25);
    await createDatabaseIfMissing(ctx.adminUrl, DATABASE);
    const url = new URL(ctx.dbUrl);
    url.pathname = `/${DATABASE}`;
    const dbUrl = url.toString();
    await applyMigrations(dbUrl);
    const db = connectDatabase(dbUrl, { poolMax: 8 });
    const instances: Instance[] = [];
    const figures: BenchFigure[] = [];
    try {
      await seedReferenceData(db.prisma);
      const loaded = await loadDemoDataIfEmpty(db, { seed: 7, scale, log: (m) => ctx.log(`isolation: ${m}`) });
      const counts = (await db.pool.query<{ accounts: number; charges: number }>("SELECT (SELECT count(*) FROM wallet_account) AS accounts, (SELECT count(*) FROM charge) AS charges")).rows[0];
      ctx.log(`isolation: data set ${counts.accounts.toLocaleString("en-US")} wallet accounts, ${counts.charges.toLocaleString("en-US")} charges${loaded.loaded ? " (loaded now)" : ""}`);
      const key = (await createApiKey(db.prisma, "bench: isolation")).secret;
      const links = (await db.pool.query<{ id: string }>("SELECT id FROM bank_link ORDER BY random() LIMIT 5000")).rows.map((r) => r.id);

      const start = async (name: string, role: string) => {
        const i = await startInstance(name, role, dbUrl);
        instances.push(i);
        return i;
      };
      ctx.log("isolation: starting processes (idle, all-in-one)");
      const started1 = new Date();
      const idle = await start("bench-idle", "api");
      const all = await start("bench-all", "all");
      const cookieAll = await analystCookie(all.base);
      await settle(db, started1, ctx.log);
      await load([all.base], "charge", RATE, 3, key, links); // warm-up
      await load([idle.base], "healthz", RATE, 3, key, links); // warm-up

      const row = (name: string, l: Latency, extra: Partial<BenchFigure> = {}) => {
        ctx.log(`  ${name.padEnd(58)} ${fmt(l)}`);
        figures.push({ name: `${name} p50`, value: Number(l.p50.toFixed(1)), unit: "ms" });
        figures.push({ name: `${name} p95`, value: Number(l.p95.toFixed(1)), unit: "ms" });
        figures.push({ name: `${name} p99`, value: Number(l.p99.toFixed(1)), unit: "ms", note: `${Math.round(l.achieved)}/s, ${l.errors} errors, max ${l.max.toFixed(0)} ms`, ...extra });
      };
      const reads = (name: string, r: ReadResult, seconds: number) => {
        const e = r.exportMs.sort((a, b) => a - b);
        const o = r.overviewMs.sort((a, b) => a - b);
        const line = `${r.exports} exports (median ${pct(e, 50).toFixed(0)} ms), ${r.overviews} 30-day overviews (median ${pct(o, 50).toFixed(0)} ms), ${r.errors} errors, ${(r.bytes / 1e6 / seconds).toFixed(1)} MB/s`;
        ctx.log(`  ${name.padEnd(58)} ${line}`);
        figures.push({ name, value: line });
      };

      ctx.log(`isolation: load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
      const quiet = await load([idle.base], "healthz", RATE, SECONDS, key, links);
      row("idle process /healthz, alone", quiet);
      const alone = await load([all.base], "charge", RATE, SECONDS, key, links);
      row("decisions, all-in-one, no reads", alone);

      // One process serving both: separate pools only.
      let readers = startReaders(all.base, cookieAll);
      await sleep(3_000);
      const t1 = performance.now();
      const [decAll, idleAll] = await Promise.all([load([all.base], "charge", RATE, SECONDS, key, links), load([idle.base], "healthz", RATE, SECONDS, key, links)]);
      let r = await readers.stop();
      const goal = `≤ 2 × idle /healthz p99 (${(2 * quiet.p99).toFixed(1)} alone, ${(2 * idleAll.p99).toFixed(1)} beside)`;
      row(`decisions, all-in-one, ${READERS} analysts reading`, decAll, { goal });
      row("idle process /healthz, same time", idleAll);
      reads("analysts' reads (all-in-one)", r, (performance.now() - t1) / 1000);
      await all.stop();
      instances.splice(instances.indexOf(all), 1);

      // Roles apart: decisions to an api process, reads to a console process.
      ctx.log("isolation: starting processes (api, console, worker)");
      const started2 = new Date();
      const api = await start("bench-api", "api");
      const consoleP = await start("bench-console", "console");
      await start("bench-worker", "worker");
      const cookie = await analystCookie(consoleP.base);
      await settle(db, started2, ctx.log);
      await load([api.base], "charge", RATE, 3, key, links); // warm-up
      readers = startReaders(consoleP.base, cookie);
      await sleep(3_000);
      const t2 = performance.now();
      const [decSplit, idleSplit] = await Promise.all([load([api.base], "charge", RATE, SECONDS, key, links), load([idle.base], "healthz", RATE, SECONDS, key, links)]);
      r = await readers.stop();
      row(`decisions, api process, ${READERS} analysts on the console process`, decSplit, { goal: `≤ 2 × idle /healthz p99 (${(2 * quiet.p99).toFixed(1)} alone, ${(2 * idleSplit.p99).toFixed(1)} beside)` });
      row("idle process /healthz, same time ", idleSplit);
      reads("analysts' reads (console process)", r, (performance.now() - t2) / 1000);

      // Throughput at a fixed p99: one api process, then two.
      const ramp = async (bases: string[]) => {
        let best: { rate: number; l: Latency } | null = null;
        for (const rate of RAMP) {
          const l = await load(bases, "charge", rate, 6, key, links);
          ctx.log(`    ${bases.length} api process(es) at ${rate}/s: ${fmt(l)}`);
          if (l.p99 > THROUGHPUT_P99_MS || l.errors > 0 || l.achieved < rate * 0.95) break;
          best = { rate, l };
        }
        return best;
      };
      const api2 = await start("bench-api-2", "api");
      await load([api2.base], "charge", RATE, 3, key, links); // warm-up
      await sleep(5_000); // the console process finishes the exports it was streaming
      const one = await ramp([api.base]);
      const two = await ramp([api.base, api2.base]);
      const show = (n: number, b: { rate: number; l: Latency } | null) => {
        const value = b ? b.rate : 0;
        figures.push({ name: `decisions/s at p99 ≤ ${THROUGHPUT_P99_MS} ms, ${n} api process${n > 1 ? "es" : ""}`, value, unit: "req/s", note: b ? `p99 ${b.l.p99.toFixed(1)} ms` : "not met at 200/s" });
      };
      show(1, one);
      show(2, two);
      ctx.log(`isolation: throughput at p99 ≤ ${THROUGHPUT_P99_MS} ms: one api process ${one?.rate ?? 0}/s, two ${two?.rate ?? 0}/s (steps of ${RAMP.join(", ")})`);
      ctx.log(`isolation: load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
      await db.prisma.platformApiKey.updateMany({ where: { name: "bench: isolation", revokedAt: null }, data: { revokedAt: new Date() } }).catch(() => {});
      await db.close();
    }
    return figures;
  },
};
