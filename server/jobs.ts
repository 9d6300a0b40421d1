// Background work that runs beside the HTTP server (spike detection, rescoring of the accounts
// linked during spikes, quarantine of links at suspended banks, pruning of rate-limit counters).
// Each feature adds its job to BACKGROUND_JOBS.
//
// Exactly once across instances: any number of processes may call startBackgroundJobs on the same
// database; only the one holding the PostgreSQL session-level advisory lock JOBS_LOCK runs the jobs
// (the leader). The lock is held on a dedicated connection, not a pooled one: when the leader dies
// (kill -9, crash, lost network) PostgreSQL ends its session and releases the lock, and a standby,
// which tries pg_try_advisory_lock every LOCK_RETRY_MS, takes over within that time. Before each run
// the leader checks its lock connection still answers; if not, it stops running jobs at once and
// forgets any in-memory state (job.reset), so two processes never both believe they lead. On
// SIGTERM the leader finishes the run in progress, releases the lock and only then exits, so a
// standby takes over within one retry interval.
//
// Each run is recorded in background_job (runner, times, count, last error): on-call reads there
// which instance runs the jobs and how late they are, and the multi-instance test proves from it
// that one instance runs them. Jobs may also LISTEN on a channel (job.listen): the notification is
// delivered to the leader only, on its lock connection (e.g. late events ingested by another
// instance tell the detector which buckets to read again).
import { hostname } from "node:os";
import pg from "pg";
import type { FastifyBaseLogger } from "fastify";
import type { Database } from "./db/client.ts";
import { query, sql } from "./db/sql.ts";
import { quarantineJob } from "./features/suspensions/quarantine-job.ts";
import { volumeDetectionJob } from "./features/volume/hooks.ts";
import { spikeRescoreJob } from "./features/accounts/spike-rescore-job.ts";
import { rateLimitPruneJob } from "./http/rate-limit.ts";
import { processMetrics } from "./metrics.ts";
import { webhookDeliveryJob } from "./features/webhooks/worker.ts";
import { suspensionEndJob } from "./features/suspensions/ending.ts";
import { proposalsJob } from "./features/proposals/create.ts";

export interface BackgroundJob {
  name: string;
  intervalMs: number;
  run(db: Database): Promise<void>;
  /** Called when this process stops leading: forget in-memory state another leader may outdate. */
  reset?(db: Database): void;
  /** A notification channel delivered to the leader while it leads. */
  listen?: { channel: string; onNotify(db: Database, payload: string): void };
}

export const BACKGROUND_JOBS: BackgroundJob[] = [
  quarantineJob, // suspensions: links at or after a cutoff become QUARANTINED, every 10 s
  volumeDetectionJob, // volume: expected levels, bands and spikes for the newest buckets, every 2 s
  proposalsJob, // proposals: an open spike over its bank's threshold proposes a suspension, once per incident, every 3 s
  spikeRescoreJob, // accounts: accounts linked during a new, moved or ended spike, every 2 s
  rateLimitPruneJob, // http: drops rate-limit windows that have ended, every minute
  suspensionEndJob, // suspensions: ends suspensions whose end time has come (as the system), every second
  webhookDeliveryJob, // webhooks: sends due deliveries from the outbox, reports scheduled suspensions that started, every second
];

/** Advisory lock (two-int form) held by the instance that runs the jobs. "FJ": floodgate jobs. */
export const JOBS_LOCK: readonly [number, number] = [0x464a, 1];
/** How often a standby tries to take the lock (failover time is at most this plus one tick). */
export const LOCK_RETRY_MS = 2_000;
/** A lock connection that does not answer within this is considered lost. */
const LOCK_PING_TIMEOUT_MS = 3_000;

/** This process's name in background_job.runner (the app's instance id is passed in by npm start). */
const INSTANCE_ID = process.env.FLOODGATE_INSTANCE_ID?.trim() || `${hostname()}:${process.pid}`;

export type JobsRole = "leader" | "standby" | "stopped";

export interface JobRunner {
  /** Whether this process currently runs the jobs. */
  role(): JobsRole;
  /** Finishes the runs in progress, releases the lock, stops trying. */
  stop(): Promise<void>;
}

export interface JobRunnerOptions {
  jobs?: BackgroundJob[];
  lockRetryMs?: number;
  instanceId?: string;
}

const recordRun = (name: string, runner: string, startedAt: Date, error: string | null) => sql`
  INSERT INTO background_job AS j (name, runner, last_started_at, last_finished_at, last_error, runs)
  VALUES (${name}, ${runner}, ${startedAt}, clock_timestamp(), ${error}, 1)
  ON CONFLICT (name) DO UPDATE SET runner = EXCLUDED.runner, last_started_at = EXCLUDED.last_started_at,
    last_finished_at = EXCLUDED.last_finished_at, last_error = EXCLUDED.last_error, runs = j.runs + 1`;

function connectionConfig(db: Database): pg.ClientConfig {
  const o = (db.pool as unknown as { options: pg.PoolConfig }).options;
  return { ...o, keepAlive: true, application_name: `floodgate-jobs ${INSTANCE_ID}`.slice(0, 63) };
}

export function startBackgroundJobs(db: Database, log: FastifyBaseLogger, opts: JobRunnerOptions = {}): JobRunner {
  const jobs = opts.jobs ?? BACKGROUND_JOBS;
  const retryMs = opts.lockRetryMs ?? LOCK_RETRY_MS;
  const instance = opts.instanceId ?? INSTANCE_ID;
  let role: JobsRole = "standby";
  let stopping = false;
  let lockClient: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<void>>();
  // The lock connection of a leadership lost (ended once its runs finish): stop() waits for it, so
  // a process never exits with that session, and the lock it may still hold, open.
  let closingLost: Promise<unknown> | null = null;

  const stopJobs = () => {
    for (const t of timers.splice(0)) clearInterval(t);
  };

  // Lost or given up: no job runs here from now on; in-memory state is dropped.
  const loseLeadership = (why: string) => {
    if (role !== "leader") return;
    role = stopping ? "stopped" : "standby";
    stopJobs();
    for (const job of jobs) job.reset?.(db);
    const c = lockClient;
    lockClient = null;
    // A run in progress cannot be cancelled: keep the session (and the lock, if the server still
    // holds it) until it has finished, so the next leader's first run never overlaps it.
    closingLost = Promise.allSettled([...inFlight]).then(() => c?.end().catch(() => {}));
    log.warn({ instance, why }, "background jobs: leadership lost");
    if (!stopping) scheduleRetry();
  };

  // The jobs' ticks share one ping in flight: one client must not be sent a query while another is
  // still running on it (pg queues it, deprecated; removed in pg 9).
  let ping: { client: pg.Client; alive: Promise<boolean> } | null = null;
  const lockAlive = (c: pg.Client): Promise<boolean> => {
    if (ping?.client === c) return ping.alive;
    const alive = pingLock(c).finally(() => {
      if (ping?.alive === alive) ping = null;
    });
    ping = { client: c, alive };
    return alive;
  };
  const pingLock = async (c: pg.Client): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        c.query("SELECT 1").then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), LOCK_PING_TIMEOUT_MS))),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  const startJobs = (c: pg.Client) => {
    for (const job of jobs) {
      let running = false;
      let lastStartMs: number | null = null;
      const tick = async () => {
        if (running || role !== "leader" || stopping) return; // never overlap a slow run with the next tick
        running = true;
        const startedAt = new Date();
        let error: string | null = null;
        try {
          if (!(await lockAlive(c))) {
            loseLeadership("the lock connection stopped answering");
            return;
          }
          if (role !== "leader" || stopping) return;
          await job.run(db);
        } catch (err) {
          error = err instanceof Error ? err.message.slice(0, 500) : String(err);
          log.error({ err, job: job.name, instance }, "background job failed");
        } finally {
          running = false;
        }
        // Lag: how long after it was due this run started (a slow previous run delays the next).
        const lagMs = lastStartMs === null ? 0 : Math.max(0, startedAt.getTime() - lastStartMs - job.intervalMs);
        lastStartMs = startedAt.getTime();
        processMetrics().jobRun(job.name, { durationSeconds: (Date.now() - startedAt.getTime()) / 1000, lagSeconds: lagMs / 1000, ok: error === null });
        await query(db.pool, recordRun(job.name, instance, startedAt, error)).catch((err) => log.warn({ err, job: job.name }, "could not record a job run"));
      };
      const wrapped = () => {
        const p = tick();
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      };
      timers.push(setInterval(wrapped, job.intervalMs));
      wrapped(); // a new leader runs each job at once (failover time is the retry, not the interval)
    }
  };

  const tryLead = async () => {
    retryTimer = null;
    if (stopping || role === "leader") return;
    const c = new pg.Client(connectionConfig(db));
    c.on("error", () => loseLeadership("the lock connection failed"));
    try {
      await c.connect();
      const { rows } = await query<{ ok: boolean }>(c, sql`SELECT pg_try_advisory_lock(${JOBS_LOCK[0]}, ${JOBS_LOCK[1]}) AS ok`);
      if (!rows[0].ok || stopping) {
        await c.end().catch(() => {});
        if (!stopping) scheduleRetry();
        return;
      }
      for (const job of jobs) if (job.listen) await c.query(`LISTEN ${pg.escapeIdentifier(job.listen.channel)}`);
      c.on("notification", (n) => {
        if (role !== "leader") return;
        const job = jobs.find((j) => j.listen?.channel === n.channel);
        try {
          job?.listen?.onNotify(db, n.payload ?? "");
        } catch (err) {
          log.warn({ err, channel: n.channel }, "background jobs: a notification could not be handled");
        }
      });
      // The state another leader left may be newer than what this process remembers.
      for (const job of jobs) job.reset?.(db);
      lockClient = c;
      role = "leader";
      log.info({ instance }, "background jobs: this instance runs them");
      startJobs(c);
    } catch (err) {
      await c.end().catch(() => {});
      log.debug({ err }, "background jobs: could not try the lock");
      if (!stopping) scheduleRetry();
    }
  };

  const scheduleRetry = () => {
    if (retryTimer || stopping) return;
    retryTimer = setTimeout(() => void tryLead(), retryMs);
    retryTimer.unref();
  };

  void tryLead();

  return {
    role: () => role,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (retryTimer) clearTimeout(retryTimer);
      stopJobs();
      await Promise.allSettled([...inFlight]);
      await closingLost;
      const c = lockClient;
      lockClient = null;
      if (c) {
        // Explicit unlock, then close: a standby takes over at its next try.
        await query(c, sql`SELECT pg_advisory_unlock(${JOBS_LOCK[0]}, ${JOBS_LOCK[1]})`).catch(() => {});
        await c.end().catch(() => {});
        log.info({ instance }, "background jobs: handed back");
      }
      role = "stopped";
    },
  };
}

