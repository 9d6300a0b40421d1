// Bench section: the decision API (POST /api/v1/decisions/charge, link-registration, link-change)
// under concurrent load over real HTTP on loopback, next to GET /healthz measured the same way in
// the same run. Open loop: requests are sent at a fixed rate (default 200/s) whatever the answers,
// so a slow server shows up as latency, not as a politely lower rate. The load generator runs in a
// worker thread so its own CPU does not sit on the server's event loop. Prints figures, asserts
// nothing. Goal from the issue: p99 at most 20 ms at 200 requests/s.
//
// Call `benchDecisions({ db })` on a database that holds the data set (accounts and links). It
// starts its own server on that database and writes decision records (and REGISTRATION_DENIED
// counts) there, like the platform would.
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { Database } from "../../../server/db/client.ts";
import { buildApp } from "../../../server/app.ts";
import { createApiKey } from "../../../server/platform-api/api-keys.ts";
import type { BenchFigure, BenchSection } from "../context.ts";

export interface DecisionsBenchOptions {
  db: Database;
  /** Requests per second per phase (default 200). */
  rate?: number;
  /** Seconds per phase (default 10). */
  seconds?: number;
  log?: (line: string) => void;
  /** A server already running on `db` and its platform key; omitted: the section starts its own. */
  baseUrl?: string;
  apiKey?: string;
}

export interface LatencyFigures {
  name: string;
  requests: number;
  achievedPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** Share of the phase the server's event loop was busy (1 = saturated). */
  serverLoopBusy: number;
}

type Kind = "healthz" | "charge" | "registration" | "change";

// Plain JavaScript run in the worker (no loader needed): sends `rate` requests per second for
// `seconds`, each on its own schedule, and reports every latency.
const LOADGEN = `
const { parentPort, workerData } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const { base, key, rate, seconds, kind, links, accounts, banks } = workerData;
function request(i) {
  const pick = (a, k) => a[(i * k) % a.length];
  switch (kind) {
    case "healthz": return { path: "/healthz" };
    case "charge": return { path: "/api/v1/decisions/charge", body: { linkId: pick(links, 7919), amountYen: 30000 } };
    case "registration": return { path: "/api/v1/decisions/link-registration", body: { accountId: pick(accounts, 104729), bankCode: pick(banks, 1) } };
    default: return { path: "/api/v1/decisions/link-change", body: { linkId: pick(links, 7919), bankCode: pick(banks, 3) } };
  }
}
(async () => {
  const lat = []; let errors = 0; const total = rate * seconds; const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const r = request(i); const start = performance.now();
    pending.push(fetch(base + r.path, {
      method: r.body ? "POST" : "GET",
      headers: r.body ? { "content-type": "application/json", authorization: "Bearer " + key } : {},
      body: r.body ? JSON.stringify(r.body) : undefined,
    }).then(async (res) => { await res.arrayBuffer(); if (res.status !== 200) errors++; lat.push(performance.now() - start); }, () => { errors++; }));
  }
  await Promise.all(pending);
  parentPort.postMessage({ lat, errors, achieved: total / ((performance.now() - t0) / 1000) });
})();
`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchDecisions(opts: DecisionsBenchOptions): Promise<LatencyFigures[]> {
  const { db } = opts;
  const rate = opts.rate ?? 200;
  const seconds = opts.seconds ?? 10;
  const log = opts.log ?? console.log;

  // Ids the platform would ask about: a sample of real links and accounts, and every bank.
  // (A random sample spread over the table, so the reads are not all hot neighbours.)
  const sample = async (table: "bank_link" | "wallet_account") => {
    const sampled = await db.pool.query<{ id: string }>(`SELECT id FROM ${table} TABLESAMPLE SYSTEM (10) LIMIT 5000`);
    return sampled.rows.length >= 100 ? sampled : db.pool.query<{ id: string }>(`SELECT id FROM ${table} LIMIT 5000`);
  };
  const [links, accounts, banks] = await Promise.all([
    sample("bank_link"),
    sample("wallet_account"),
    db.pool.query<{ code: string }>(`SELECT code FROM bank ORDER BY code`),
  ]);
  if (links.rows.length === 0 || accounts.rows.length === 0) {
    log("decisions: no links or accounts in the database; load the data set first (skipped)");
    return [];
  }
  const own = opts.baseUrl && opts.apiKey ? null : await buildApp({ db, sessionPolicy: { idleMinutes: 30, absoluteHours: 12 }, logger: false });
  let base = opts.baseUrl ?? "";
  let key = opts.apiKey ?? "";
  if (own) {
    key = (await createApiKey(db.prisma, "bench: decisions")).secret;
    await own.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(own.server.address() as { port: number }).port}`;
  }

  const phase = async (name: string, kind: Kind, phaseSeconds = seconds): Promise<LatencyFigures> => {
    const elu0 = performance.eventLoopUtilization();
    const r = await new Promise<{ lat: number[]; errors: number; achieved: number }>((resolve, reject) => {
      const w = new Worker(LOADGEN, {
        eval: true,
        workerData: { base, key, rate, seconds: phaseSeconds, kind, links: links.rows.map((x) => x.id), accounts: accounts.rows.map((x) => x.id), banks: banks.rows.map((x) => x.code) },
      });
      w.once("message", resolve);
      w.once("error", reject);
    });
    const elu = performance.eventLoopUtilization(elu0);
    const lat = r.lat.sort((a, b) => a - b);
    const f: LatencyFigures = {
      name,
      requests: lat.length,
      achievedPerSecond: Math.round(r.achieved),
      p50Ms: percentile(lat, 50),
      p95Ms: percentile(lat, 95),
      p99Ms: percentile(lat, 99),
      maxMs: percentile(lat, 100),
      errors: r.errors,
      serverLoopBusy: elu.utilization,
    };
    return f;
  };

  const figures: LatencyFigures[] = [];
  try {
    const t0 = performance.now();
    await phase("warm-up (charge)", "charge", Math.min(3, seconds)); // prepared statements, JIT, pool
    figures.push(await phase("GET /healthz", "healthz"));
    figures.push(await phase("POST /api/v1/decisions/charge", "charge"));
    figures.push(await phase("POST /api/v1/decisions/link-registration", "registration"));
    figures.push(await phase("POST /api/v1/decisions/link-change", "change"));
    figures.push(await phase("GET /healthz (again)", "healthz"));
    log(`decisions: open loop at ${rate} requests/s for ${seconds} s per line over loopback (${links.rows.length} links, ${accounts.rows.length} accounts sampled); goal p99 <= 20 ms`);
    for (const f of figures) {
      log(
        `  ${f.name.padEnd(42)} ${String(f.requests).padStart(5)} req at ${String(f.achievedPerSecond).padStart(4)}/s  p50 ${f.p50Ms.toFixed(2).padStart(7)}  p95 ${f.p95Ms.toFixed(2).padStart(7)}  p99 ${f.p99Ms.toFixed(2).padStart(7)}  max ${f.maxMs.toFixed(2).padStart(7)} ms  errors ${f.errors}  server loop busy ${(f.serverLoopBusy * 100).toFixed(0)}%`,
      );
    }
    log(`  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  } finally {
    if (own) {
      await own.close();
      await db.prisma.platformApiKey.updateMany({ where: { name: "bench: decisions", revokedAt: null }, data: { revokedAt: new Date() } });
    }
  }
  return figures;
}

export const section: BenchSection = {
  name: "decisions",
  order: 60,
  async run(ctx) {
    const figures = await benchDecisions({ db: ctx.db, baseUrl: ctx.baseUrl, apiKey: ctx.apiKey, log: (l) => ctx.log(l) });
    return figures.flatMap((f): BenchFigure[] => [
      { name: `${f.name} p50`, value: Number(f.p50Ms.toFixed(2)), unit: "ms" },
      { name: `${f.name} p95`, value: Number(f.p95Ms.toFixed(2)), unit: "ms" },
      {
        name: `${f.name} p99`,
        value: Number(f.p99Ms.toFixed(2)),
        unit: "ms",
        goal: f.name.includes("decisions") ? "≤ 20 at 200 requests/s" : undefined,
        note: `${f.achievedPerSecond}/s achieved, ${f.errors} errors, server loop busy ${(f.serverLoopBusy * 100).toFixed(0)}%`,
      },
    ]);
  },
};
