// A bulk rescoring started from the console: runs in the background of the server process that was
// asked (it can take a minute at a million accounts), reports progress to whoever polls
// accounts.rescoreStatus on any instance, and is audited when it starts (with the manager's reason)
// and when it ends (with the counts). Its progress lives in rescore_run, not in this process's
// memory, so every instance answers the same (#15); one run at a time across instances (a partial
// unique index). The running process writes progress at most once a second and a heartbeat every
// HEARTBEAT_MS; a run whose heartbeat stopped for STALE_AFTER_MS (its process died) is reported
// stopped, and closed with an error when someone starts the next one.
import { hostname } from "node:os";
import type { Database } from "../../db/client.ts";
import { query, raw, rows, sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { AppError } from "../../../shared/errors.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { rescoreAll } from "./scoring-bulk.ts";
import { runWithoutSession } from "../auth/session-guard.ts";

export interface RescoreRunStatus {
  running: boolean;
  startedAt: Date;
  startedBy: string;
  scored: number;
  total: number;
  finishedAt: Date | null;
  durationMs: number | null;
  changed: number | null;
  newlyFlagged: number | null;
  error: string | null;
}

const HEARTBEAT_MS = 5_000;
const STALE_AFTER_MS = 60_000;
const PROGRESS_EVERY_MS = 1_000;
const RUNNER = process.env.FLOODGATE_INSTANCE_ID?.trim() || `${hostname()}:${process.pid}`;
const STOPPED = "The rescoring stopped when the server running it stopped; scores already written stay. Start it again.";

let currentPromise: Promise<void> | null = null;

interface RunRow {
  id: string;
  started_at: Date;
  started_by: string;
  scored: number;
  total: number;
  finished_at: Date | null;
  duration_ms: number | null;
  changed: number | null;
  newly_flagged: number | null;
  error: string | null;
  stale: boolean;
}

/** The heartbeat is older than STALE_AFTER_MS (a constant, spliced in). */
const STALE = raw(`heartbeat_at < statement_timestamp() - make_interval(secs => ${STALE_AFTER_MS / 1000})`);

/** The latest run: read on the pool (status) and inside the start transaction (Prisma) alike. */
const LATEST = sql`SELECT id::text, started_at, started_by, scored, total, finished_at, duration_ms, changed, newly_flagged, error, ${STALE} AS stale
                  FROM rescore_run ORDER BY id DESC LIMIT 1`;

function statusOf(r: RunRow): RescoreRunStatus {
  const dead = r.finished_at === null && r.stale;
  return {
    running: r.finished_at === null && !r.stale,
    startedAt: r.started_at,
    startedBy: r.started_by,
    scored: r.scored,
    total: r.total,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    changed: r.changed,
    newlyFlagged: r.newly_flagged,
    error: dead ? STOPPED : r.error,
  };
}

/** The latest run (on any instance), or null when none was ever started. */
export async function rescoreStatus(db: Pick<Database, "pool">): Promise<RescoreRunStatus | null> {
  const [latest] = await rows<RunRow>(db.pool, LATEST);
  return latest ? statusOf(latest) : null;
}

/** Resolves when the run this process is running (if any) has finished; for tests and shutdown. */
export async function rescoreSettled(): Promise<void> {
  await currentPromise;
}

export async function startRescoreAll(db: Database, actor: Actor, reason: string): Promise<RescoreRunStatus> {
  const startedAt = new Date();
  // The audit record and the run row commit together; a run still going anywhere refuses.
  const runId = await withTransaction(db.prisma, async (tx) => {
    await tx.$executeRaw(sql`UPDATE rescore_run SET finished_at = statement_timestamp(), error = ${STOPPED} WHERE finished_at IS NULL AND ${STALE}`);
    const inserted = await tx.$queryRaw<Array<{ id: string }>>(sql`
      INSERT INTO rescore_run (started_at, started_by, runner, heartbeat_at) VALUES (${startedAt}, ${actor.email}, ${RUNNER}, statement_timestamp())
      ON CONFLICT DO NOTHING RETURNING id::text`);
    if (inserted.length === 0) {
      const [running] = await tx.$queryRaw<RunRow[]>(LATEST);
      throw new AppError("RESCORE_ALREADY_RUNNING", `A rescoring started by ${running?.started_by ?? "someone"} is still running (${running?.scored ?? 0} of ${running?.total ?? 0} accounts).`);
    }
    await writeAudit(tx, actor, { action: "accounts.rescoreAll", targetType: "scoring", targetId: "all", reason });
    return inserted[0].id;
  });

  // Progress writes are serialised (and at most one a second); the last one always lands.
  let written = Promise.resolve();
  let lastWriteMs = 0;
  const progress = (scored: number, total: number, force = false) => {
    if (!force && Date.now() - lastWriteMs < PROGRESS_EVERY_MS) return;
    lastWriteMs = Date.now();
    written = written.then(() =>
      query(db.pool, sql`UPDATE rescore_run SET scored = ${scored}, total = ${total}, heartbeat_at = statement_timestamp() WHERE id = ${runId}::bigint AND finished_at IS NULL`)
        .then(() => {})
        .catch(() => {}),
    );
  };
  let last = { scored: 0, total: 0 };
  const heartbeat = setInterval(() => progress(last.scored, last.total, true), HEARTBEAT_MS);
  heartbeat.unref();

  // The run outlives the request that started it: it must not stop when that session ends.
  currentPromise = runWithoutSession(async () => {
    const finishSql = (fields: { scored: number; total: number; changed: number | null; newlyFlagged: number | null; durationMs: number; error: string | null }) => sql`
        UPDATE rescore_run SET scored = ${fields.scored}, total = ${fields.total}, changed = ${fields.changed}, newly_flagged = ${fields.newlyFlagged},
               duration_ms = ${fields.durationMs}, error = ${fields.error}, finished_at = statement_timestamp(), heartbeat_at = statement_timestamp()
         WHERE id = ${runId}::bigint`;
    const finish = (fields: Parameters<typeof finishSql>[0]) => query(db.pool, finishSql(fields));
    try {
      const result = await rescoreAll(db, {
        onProgress: (p) => {
          last = { scored: p.scored, total: p.total };
          progress(p.scored, p.total);
        },
      });
      clearInterval(heartbeat);
      await written;
      const fields = { scored: result.scored, total: result.total, changed: result.changed, newlyFlagged: result.newlyFlagged, durationMs: result.durationMs, error: null };
      // The run is seen as finished together with its audit record (one transaction), never before it.
      await withTransaction(db.prisma, async (tx) => {
        await tx.$executeRaw(finishSql(fields));
        await writeAudit(tx, actor, { action: "accounts.rescoreAll.finished", targetType: "scoring", targetId: "all", reason, after: { scored: result.scored, changed: result.changed, newlyFlagged: result.newlyFlagged, durationMs: result.durationMs } });
      }).catch(async (err) => {
        console.error("[accounts] recording the end of the bulk rescoring with its audit record failed; recording the end alone", err);
        await finish(fields);
      });
    } catch (err) {
      console.error("[accounts] bulk rescoring failed", err);
      clearInterval(heartbeat);
      await written;
      await finish({
        ...last,
        changed: null,
        newlyFlagged: null,
        durationMs: Date.now() - startedAt.getTime(),
        error: "The rescoring stopped on a database error; scores already written stay. Start it again.",
      }).catch(() => {});
    }
  });
  return { running: true, startedAt, startedBy: actor.email, scored: 0, total: 0, finishedAt: null, durationMs: null, changed: null, newlyFlagged: null, error: null };
}
