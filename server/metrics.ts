// Prometheus metrics (prom-client), served at /metrics: what an on-call engineer alerts on.
//   floodgate_http_request_duration_seconds{method,route,status_class}  every request (tRPC per procedure)
//   floodgate_decisions_total{kind,outcome,reason}                     decision API answers
//   floodgate_events_total{result}                                     ingested events: accepted, duplicate, rejected
//   floodgate_job_runs_total{job,outcome}, floodgate_job_duration_seconds{job},
//   floodgate_job_lag_seconds{job}, floodgate_job_last_success_timestamp_seconds{job}   (jobRun hook)
//   floodgate_queue_size{queue}                                        any queue a component reports (setQueueSize)
//   floodgate_accounts_rescored_total{trigger}                         accounts rescored by this instance, by why (countRescored)
//   floodgate_db_pool_waiting{pool}, floodgate_db_pool_connections{pool,state}   callers queued per pool
// and, read from the database at each scrape (so every instance reports the same, whichever runs the jobs):
//   floodgate_job_seconds_since_last_run{job,runner}, floodgate_job_failing{job}    from background_job
//   floodgate_feed_alarms{kind,bank,event_type}                        quiet feeds and unasked actions (feeds/health.ts)
// plus Node's own (event loop lag, heap, CPU). Every series carries floodgate_instance and role
// (Prometheus' own `instance` label is the scrape target's address).
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import client from "prom-client";
import { allowedRoles } from "../shared/auth/permissions.ts";
import { rows, sql } from "./db/sql.ts";
import { feedHealth } from "./features/feeds/health.ts";
import { sendError } from "./http/errors.ts";

export interface JobRunReport {
  /** How long the run took. */
  durationSeconds: number;
  /** How far behind it is: from when the run was due (or the newest work it has not done yet) to its start. */
  lagSeconds?: number;
  ok: boolean;
}

export interface Metrics {
  registry: client.Registry;
  /** Names every series; called once by buildApp. */
  label(who: { instance: string; role: string }): void;
  /** The jobs runner reports each run here (duration, lag, outcome). */
  jobRun(job: string, report: JobRunReport): void;
  /** Any queue's current size (job queue, outbox…). */
  setQueueSize(queue: string, size: number): void;
  /** Reports a pool's connections and waiting callers under this name. */
  watchPool(name: string, pool: pg.Pool): void;
  /** The database whose job and feed state each scrape reads. */
  watchDatabase(pool: pg.Pool): void;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  countDecision(kind: string, outcome: string, reason: string): void;
  countEvents(result: "accepted" | "duplicate" | "rejected", n: number): void;
  /** Accounts rescored by this instance; trigger "spike": linked during a spike that began, moved or ended. */
  countRescored(trigger: "spike", n: number): void;
}

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30];

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "floodgate_process_" });
  const requestDuration = new client.Histogram({
    name: "floodgate_http_request_duration_seconds",
    help: "Time to answer a request, by route (tRPC: per procedure; a batch counts its time for each procedure in it)",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const decisions = new client.Counter({
    name: "floodgate_decisions_total",
    help: "Decision API answers by kind (link-registration, link-change, charge), outcome and reason",
    labelNames: ["kind", "outcome", "reason"] as const,
    registers: [registry],
  });
  const events = new client.Counter({
    name: "floodgate_events_total",
    help: "Platform events received through POST /api/v1/events, by result (rate() of accepted is the ingestion rate)",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const rescored = new client.Counter({
    name: "floodgate_accounts_rescored_total",
    help: "Accounts rescored by this instance, by trigger (spike: linked during a spike that began, moved or ended; run by the instance running the jobs)",
    labelNames: ["trigger"] as const,
    registers: [registry],
  });
  const jobRuns = new client.Counter({ name: "floodgate_job_runs_total", help: "Background job runs by outcome", labelNames: ["job", "outcome"] as const, registers: [registry] });
  const jobDuration = new client.Histogram({
    name: "floodgate_job_duration_seconds",
    help: "Background job run time",
    labelNames: ["job"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const jobLag = new client.Gauge({ name: "floodgate_job_lag_seconds", help: "How far behind each background job was at its last run", labelNames: ["job"] as const, registers: [registry] });
  const jobLastSuccess = new client.Gauge({
    name: "floodgate_job_last_success_timestamp_seconds",
    help: "Unix time of each job's last successful run (alert on time() minus this)",
    labelNames: ["job"] as const,
    registers: [registry],
  });
  const queueSize = new client.Gauge({ name: "floodgate_queue_size", help: "Items waiting in a queue", labelNames: ["queue"] as const, registers: [registry] });
  const pools = new Map<string, pg.Pool>();
  new client.Gauge({
    name: "floodgate_db_pool_waiting",
    help: "Callers waiting for a database connection, per pool (api, console, console_read, jobs)",
    labelNames: ["pool"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, pool] of pools) this.set({ pool: name }, pool.waitingCount);
    },
  });
  new client.Gauge({
    name: "floodgate_db_pool_connections",
    help: "Open database connections per pool, busy or idle",
    labelNames: ["pool", "state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, pool] of pools) {
        this.set({ pool: name, state: "busy" }, pool.totalCount - pool.idleCount);
        this.set({ pool: name, state: "idle" }, pool.idleCount);
      }
    },
  });
  let database: pg.Pool | null = null;
  /** A scrape must answer even when the database does not: at most 2 s, then without these series. */
  const fromDatabase = async <T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T | null> => {
    if (!database) return null;
    const pool = database;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), 2_000)));
    try {
      return await Promise.race([fn(pool).catch(() => null), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  new client.Gauge({
    name: "floodgate_job_seconds_since_last_run",
    help: "Seconds since each background job last finished, on whichever instance runs the jobs (alert when far above its interval)",
    labelNames: ["job", "runner"] as const,
    registers: [registry],
    async collect() {
      const ages = await fromDatabase((pool) =>
        rows<{ name: string; runner: string; age: number }>(pool, sql`SELECT name, runner, extract(epoch FROM now() - last_finished_at)::float8 AS age FROM background_job`),
      );
      this.reset();
      for (const r of ages ?? []) this.set({ job: r.name, runner: r.runner }, r.age);
    },
  });
  new client.Gauge({
    name: "floodgate_job_failing",
    help: "1 when a background job's last run failed",
    labelNames: ["job"] as const,
    registers: [registry],
    async collect() {
      const failing = await fromDatabase((pool) => rows<{ name: string; failing: boolean }>(pool, sql`SELECT name, last_error IS NOT NULL AS failing FROM background_job`));
      this.reset();
      for (const r of failing ?? []) this.set({ job: r.name }, r.failing ? 1 : 0);
    },
  });
  new client.Gauge({
    name: "floodgate_feed_alarms",
    help: "Open feed alarms: QUIET (a bank's feed quiet against its normal level) and UNASKED (events for actions nobody asked the decision API about)",
    labelNames: ["kind", "bank", "event_type"] as const,
    registers: [registry],
    async collect() {
      const alarms = await fromDatabase(async (pool) => (await feedHealth(pool)).alarms);
      this.reset();
      for (const a of alarms ?? []) this.set({ kind: a.kind, bank: a.bankCode, event_type: a.eventType }, 1);
    },
  });
  return {
    registry,
    watchDatabase(pool) {
      database = pool;
    },
    label(who) {
      registry.setDefaultLabels({ floodgate_instance: who.instance, role: who.role });
    },
    jobRun(job, r) {
      jobRuns.inc({ job, outcome: r.ok ? "ok" : "failed" });
      jobDuration.observe({ job }, r.durationSeconds);
      if (r.lagSeconds !== undefined) jobLag.set({ job }, r.lagSeconds);
      if (r.ok) jobLastSuccess.set({ job }, Date.now() / 1000);
    },
    setQueueSize(queue, size) {
      queueSize.set({ queue }, size);
    },
    watchPool(name, pool) {
      pools.set(name, pool);
    },
    observeRequest(method, route, statusCode, seconds) {
      requestDuration.observe({ method, route, status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
    },
    countDecision(kind, outcome, reason) {
      decisions.inc({ kind, outcome, reason });
    },
    countEvents(result, n) {
      if (n > 0) events.inc({ result }, n);
    },
    countRescored(trigger, n) {
      if (n > 0) rescored.inc({ trigger }, n);
    },
  };
}

let shared: Metrics | undefined;
/** This process's metrics: what /metrics serves and what the jobs runner reports to. */
export function processMetrics(): Metrics {
  shared ??= createMetrics();
  return shared;
}

/** The route label: the route's pattern; tRPC calls by procedure; never a raw URL (bounded cardinality). */
function routeLabels(req: FastifyRequest): string[] {
  const pattern = req.routeOptions?.url;
  if (!pattern) return ["unmatched"];
  if (pattern.startsWith("/trpc")) {
    const names = decodeURIComponent(req.url.split("?")[0].slice("/trpc/".length)).split(",");
    return [...new Set(names.map((n) => (allowedRoles(n) === undefined ? "trpc:unknown" : `trpc:${n}`)))];
  }
  if (pattern === "/*") return ["spa"];
  return [pattern];
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function tokenMatches(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Request timing, decision and ingestion counts, and GET /metrics. With a token, /metrics asks for
 * `Authorization: Bearer <token>`; without one it answers loopback connections only (the socket's
 * address, not X-Forwarded-For, so a forwarded request cannot pass for local).
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, opts: { token?: string }) {
  app.addHook("onResponse", async (req, reply) => {
    const seconds = reply.elapsedTime / 1000;
    for (const route of routeLabels(req)) metrics.observeRequest(req.method, route, reply.statusCode, seconds);
  });
  app.addHook("preSerialization", async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const url = req.routeOptions?.url ?? "";
    if (reply.statusCode !== 200 || !payload || typeof payload !== "object") return payload;
    const p = payload as { decision?: unknown; reason?: unknown; accepted?: unknown; duplicates?: unknown; rejected?: unknown };
    if (url.startsWith("/api/v1/decisions/") && typeof p.decision === "string") {
      metrics.countDecision(url.slice("/api/v1/decisions/".length), p.decision, typeof p.reason === "string" ? p.reason : "");
    } else if (url === "/api/v1/events" && typeof p.accepted === "number") {
      metrics.countEvents("accepted", p.accepted);
      if (typeof p.duplicates === "number") metrics.countEvents("duplicate", p.duplicates);
      if (Array.isArray(p.rejected)) metrics.countEvents("rejected", p.rejected.length);
    }
    return payload;
  });
  app.get("/metrics", async (req, reply) => {
    const allowed = opts.token
      ? tokenMatches(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "", opts.token)
      : LOOPBACK.has(req.socket.remoteAddress ?? "");
    if (!allowed) {
      return sendError(
        reply,
        req,
        "FORBIDDEN",
        opts.token ? "Metrics need the metrics token (Authorization: Bearer <METRICS_TOKEN>)." : "Metrics answer local connections only; set METRICS_TOKEN to scrape from elsewhere.",
      );
    }
    reply.header("cache-control", "no-store");
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
