// Rescoring after link spikes (LINKED_DURING_SPIKE): the accounts linked at a bank since a spike's
// start, once per spike version, recorded on the spike row.
import type { Database } from "../../db/client.ts";
import { query, rows, sql } from "../../db/sql.ts";
import { processMetrics } from "../../metrics.ts";
import { SPIKE_METRICS_FOR_LINKS } from "./facts.ts";
import { rescoreAccounts, type RescoreOptions, type RescoreResult } from "./scoring.ts";


/**
 * Spikes are stored by the volume detector with a start in the past, so accounts linked at that
 * bank since the start must be rescored (LINKED_DURING_SPIKE). Which start and end of each spike
 * the accounts were last rescored for is kept on the spike row (accounts_rescored_*), so this runs
 * once across instances (a background job on the instance holding the jobs lock, spike-rescore-job.ts)
 * and a new leader or a restarted process does not redo it; a bulk rescoring as of the clock
 * records the spikes it applied.
 */
export const SPIKE_LOOKBACK_DAYS = 30;

interface LinkSpike {
  id: string;
  bank_code: string;
  started_at: Date;
  ended_at: Date | null;
  /** The version last rescored for (done_at null: never). */
  done_at: Date | null;
  done_start: Date | null;
  done_end: Date | null;
}

export async function recentLinkSpikes(db: Pick<Database, "pool">, onlyUndone: boolean): Promise<LinkSpike[]> {
  return rows<LinkSpike>(
    db.pool,
    sql`SELECT id::text AS id, bank_code, started_at, ended_at,
               accounts_rescored_at AS done_at, accounts_rescored_start AS done_start, accounts_rescored_end AS done_end
        FROM spike
        WHERE metric::text = ANY(${SPIKE_METRICS_FOR_LINKS}::text[]) AND (ended_at IS NULL OR ended_at > now() - make_interval(days => ${SPIKE_LOOKBACK_DAYS}))
          AND (NOT ${onlyUndone}::bool OR accounts_rescored_at IS NULL OR accounts_rescored_start IS DISTINCT FROM started_at OR accounts_rescored_end IS DISTINCT FROM ended_at)`,
  );
}

/** Records that the accounts were rescored for these spikes as they were read. */
export async function markSpikesRescored(db: Pick<Database, "pool">, spikes: readonly LinkSpike[]): Promise<void> {
  if (spikes.length === 0) return;
  await query(
    db.pool,
    sql`UPDATE spike s SET accounts_rescored_at = now(), accounts_rescored_start = d.started_at, accounts_rescored_end = d.ended_at
        FROM unnest(${spikes.map((x) => x.id)}::bigint[], ${spikes.map((x) => x.started_at)}::timestamptz[], ${spikes.map((x) => x.ended_at)}::timestamptz[])
             AS d(id, started_at, ended_at) WHERE s.id = d.id`,
  );
}

/**
 * Links registered from the returned instant on may have a different spike flag than when
 * they were last scored: a new spike covers them from its start; a known one whose start moved
 * covers a different beginning; one that ended no longer covers what came after its end.
 */
function changedSince(s: LinkSpike): number | null {
  if (!s.done_at) return s.started_at.getTime();
  const was = { startedAt: s.done_start?.getTime() ?? null, endedAt: s.done_end?.getTime() ?? null };
  const now = { startedAt: s.started_at.getTime(), endedAt: s.ended_at?.getTime() ?? null };
  if (was.startedAt !== now.startedAt) return Math.min(was.startedAt ?? now.startedAt, now.startedAt);
  if (was.endedAt === now.endedAt) return null;
  // Same start, the end moved: only links after the earlier of the two ends change.
  const ends = [was.endedAt, now.endedAt].filter((e): e is number => e !== null);
  return Math.min(...ends);
}

export async function rescoreForNewSpikes(db: Pick<Database, "pool">, opts: RescoreOptions = {}): Promise<RescoreResult> {
  const spikes = await recentLinkSpikes(db, true);
  const fresh = spikes.map((s) => ({ s, since: changedSince(s) })).filter((x): x is { s: LinkSpike; since: number } => x.since !== null);
  const none: RescoreResult = { scored: 0, changed: 0, newlyFlagged: 0 };
  if (fresh.length === 0) return none;
  // Every affected account once, found with one index range scan per spike (bank, valid_from).
  const ids = await rows<{ account_id: string }>(db.pool, sql`
    SELECT DISTINCT l.account_id
    FROM unnest(${fresh.map((x) => x.s.bank_code)}::bpchar[], ${fresh.map((x) => new Date(x.since))}::timestamptz[]) AS s(bank_code, since)
    JOIN bank_link_version v ON v.bank_code = s.bank_code AND v.valid_from >= s.since
    JOIN bank_link l ON l.id = v.link_id`);
  const total = ids.length > 0 ? await rescoreAccounts(db, ids.map((r) => r.account_id), opts) : none;
  // After the rescoring: if this process dies before, the next run does it again (never skipped).
  await markSpikesRescored(db, fresh.map((x) => x.s));
  processMetrics().countRescored("spike", total.scored);
  return total;
}
