// A bulk rescoring started from the console: runs in the background of this server process (it can
// take a minute at a million accounts), reports progress to whoever polls accounts.rescoreStatus,
// and is audited when it starts (with the manager's reason) and when it ends (with the counts).
// One run at a time per process.
import type { Database } from "../../db/client.ts";
import { withTransaction } from "../../db/transaction.ts";
import { AppError } from "../../../shared/errors.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { rescoreAll } from "./scoring.ts";
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

let current: RescoreRunStatus | null = null;
let currentPromise: Promise<void> | null = null;

export function rescoreStatus(): RescoreRunStatus | null {
  return current ? { ...current } : null;
}

/** Resolves when the run in progress (if any) has finished; for tests and shutdown. */
export async function rescoreSettled(): Promise<void> {
  await currentPromise;
}

export async function startRescoreAll(db: Database, actor: Actor, reason: string): Promise<RescoreRunStatus> {
  if (current?.running) {
    throw new AppError("RESCORE_ALREADY_RUNNING", `A rescoring started by ${current.startedBy} is still running (${current.scored} of ${current.total} accounts).`);
  }
  const startedAt = new Date();
  await withTransaction(db.prisma, (tx) => writeAudit(tx, actor, { action: "accounts.rescoreAll", targetType: "scoring", targetId: "all", reason }));
  const run: RescoreRunStatus = { running: true, startedAt, startedBy: actor.email, scored: 0, total: 0, finishedAt: null, durationMs: null, changed: null, newlyFlagged: null, error: null };
  current = run;
  // The run outlives the request that started it: it must not stop when that session ends.
  currentPromise = runWithoutSession(async () => {
    try {
      const result = await rescoreAll(db, { onProgress: (p) => Object.assign(run, { scored: p.scored, total: p.total }) });
      Object.assign(run, { scored: result.scored, total: result.total, changed: result.changed, newlyFlagged: result.newlyFlagged, durationMs: result.durationMs });
      await withTransaction(db.prisma, (tx) =>
        writeAudit(tx, actor, { action: "accounts.rescoreAll.finished", targetType: "scoring", targetId: "all", reason, after: { scored: result.scored, changed: result.changed, newlyFlagged: result.newlyFlagged, durationMs: result.durationMs } }),
      ).catch(() => {});
    } catch (err) {
      console.error("[accounts] bulk rescoring failed", err);
      run.error = "The rescoring stopped on a database error; scores already written stay. Start it again.";
    } finally {
      run.running = false;
      run.finishedAt = new Date();
      run.durationMs ??= run.finishedAt.getTime() - startedAt.getTime();
    }
  });
  return { ...run };
}
