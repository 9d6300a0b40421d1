// Feed health (#15): per bank and event type, the last event, how late live events arrive, the
// decisions asked against the events received, and the two alarms (shared/feeds/health.ts). One
// set-based statement over the rollups (volume_bucket, feed_rollup) and indexed probes of the event
// and decision tables, per bank; nothing per event in application code.
//
// `quietFeeds(db)` is the quiet-feed check on its own, for the Prometheus metrics to read.
import type { Database } from "../../db/client.ts";
import { query, raw, sql, type Sql } from "../../db/sql.ts";
import {
  HISTORY_DAYS,
  LAG_WINDOW_MINUTES,
  QUIET_LOOKBACK_HOURS,
  UNASKED_MATCH,
  UNASKED_WINDOW_MINUTES,
  alarmsOf,
  isQuiet,
  isUnaskedAlarm,
  type FeedAlarm,
  type FeedEventType,
  type FeedRow,
} from "../../../shared/feeds/health.ts";

type Queryable = Pick<Database["pool"], "query">;

// Our own constants, spliced into the text (raw) so that the statement reads as before.
const MATCH = raw(`BETWEEN x.at - interval '${UNASKED_MATCH.beforeMinutes} minutes' AND x.at + interval '${UNASKED_MATCH.afterMinutes} minutes'`);
const DAYS = raw(String(HISTORY_DAYS));
const QUIET_LOOKBACK = raw(`interval '${QUIET_LOOKBACK_HOURS} hours'`);
const UNASKED_WINDOW = raw(`interval '${UNASKED_WINDOW_MINUTES} minutes'`);
const LAG_WINDOW = raw(`interval '${LAG_WINDOW_MINUTES} minutes'`);

function feedHealthSql(now: Date): Sql {
  const at = sql`${now}::timestamptz`;
  return sql`
WITH feeds AS (
  SELECT b.code AS bank_code, b.name AS bank_name, b.name_ja AS bank_name_ja, f.event_type, f.metric
  FROM bank b
  CROSS JOIN (VALUES ('link.registered', 'LINK_REGISTERED'::"VolumeMetric"),
                     ('link.changed', 'LINK_CHANGED'::"VolumeMetric"),
                     ('charge.completed', 'CHARGE_COUNT'::"VolumeMetric")) AS f(event_type, metric)
),
-- the newest 5-minute bucket with traffic, then the exact last event inside it
lastb AS (
  SELECT f.*, (SELECT v.bucket_start FROM volume_bucket v
               WHERE v.bank_code = f.bank_code AND v.metric = f.metric AND v.bucket_minutes = 5 AND v.value > 0 AND v.bucket_start <= ${at}
               ORDER BY v.bucket_start DESC LIMIT 1) AS last_bucket
  FROM feeds f
),
lastev AS (
  SELECT l.*, COALESCE(CASE l.event_type
      WHEN 'charge.completed' THEN (SELECT max(c.occurred_at) FROM charge c
        WHERE c.bank_code = l.bank_code AND c.occurred_at >= l.last_bucket AND c.occurred_at < l.last_bucket + interval '5 minutes' AND c.occurred_at <= ${at})
      WHEN 'link.registered' THEN (SELECT max(v.valid_from) FROM bank_link_version v JOIN bank_link k ON k.id = v.link_id
        WHERE v.bank_code = l.bank_code AND v.valid_from >= l.last_bucket AND v.valid_from < l.last_bucket + interval '5 minutes' AND v.valid_from <= ${at}
          AND v.valid_from = k.registered_at)
      ELSE (SELECT max(v.valid_from) FROM bank_link_version v JOIN bank_link k ON k.id = v.link_id
        WHERE v.bank_code = l.bank_code AND v.valid_from >= l.last_bucket AND v.valid_from < l.last_bucket + interval '5 minutes' AND v.valid_from <= ${at}
          AND v.valid_from > k.registered_at)
    END, l.last_bucket) AS last_event_at
  FROM lastb l
),
-- the feed's normal level over the gap: the same clock window on each of the previous days
expected AS (
  SELECT e.*, h.expected_in_gap, h.quietest_day_in_gap
  FROM lastev e
  CROSS JOIN LATERAL (
    SELECT (sum(n) / ${DAYS})::float8 AS expected_in_gap, min(n)::float8 AS quietest_day_in_gap
    FROM (SELECT k.d, COALESCE(sum(v.value), 0) AS n
          FROM generate_series(1, ${DAYS}) AS k(d)
          LEFT JOIN volume_bucket v ON v.bank_code = e.bank_code AND v.metric = e.metric AND v.bucket_minutes = 5
           AND v.bucket_start >= greatest(e.last_event_at, ${at} - ${QUIET_LOOKBACK}) - make_interval(days => k.d)
           AND v.bucket_start < ${at} - make_interval(days => k.d)
          GROUP BY k.d) per_day
  ) h
),
first AS (
  SELECT min(x.decided_at) AS first_decision_at
  FROM bank b CROSS JOIN LATERAL (SELECT d.decided_at FROM platform_decision d WHERE d.bank_code = b.code ORDER BY d.decided_at LIMIT 1) x
),
-- (greatest() ignores NULL: without any decision the window stays NULL and nothing is counted)
w AS (SELECT CASE WHEN first_decision_at IS NOT NULL THEN greatest(${at} - ${UNASKED_WINDOW}, first_decision_at) END AS ws,
             first_decision_at FROM first),
-- per bank: events in the window and those no decision was asked for; decisions asked
asked AS (
  SELECT b.code AS bank_code, ch.*, lk.*, dc.*
  FROM bank b CROSS JOIN w
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS charge_events,
           count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM platform_decision d WHERE d.link_id = x.link_id AND d.kind = 'CHARGE' AND d.decided_at ${MATCH}))::int AS charge_unasked
    FROM (SELECT c.link_id, c.occurred_at AS at FROM charge c WHERE c.bank_code = b.code AND c.occurred_at >= w.ws AND c.occurred_at <= ${at}) x
  ) ch
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE x.registration)::int AS registration_events,
           count(*) FILTER (WHERE x.registration AND NOT EXISTS (SELECT 1 FROM platform_decision d
             WHERE d.bank_code = b.code AND d.kind = 'LINK_REGISTRATION' AND d.account_id = x.account_id AND d.decided_at ${MATCH}))::int AS registration_unasked,
           count(*) FILTER (WHERE NOT x.registration)::int AS change_events,
           count(*) FILTER (WHERE NOT x.registration AND NOT EXISTS (SELECT 1 FROM platform_decision d
             WHERE d.link_id = x.link_id AND d.kind = 'LINK_CHANGE' AND d.decided_at ${MATCH}))::int AS change_unasked
    FROM (SELECT v.link_id, k.account_id, v.valid_from AS at, v.valid_from = k.registered_at AS registration
          FROM bank_link_version v JOIN bank_link k ON k.id = v.link_id
          WHERE v.bank_code = b.code AND v.valid_from >= w.ws AND v.valid_from <= ${at}) x
  ) lk
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE d.kind = 'CHARGE')::int AS charge_asked,
           count(*) FILTER (WHERE d.kind = 'LINK_REGISTRATION')::int AS registration_asked,
           count(*) FILTER (WHERE d.kind = 'LINK_CHANGE')::int AS change_asked
    FROM platform_decision d WHERE d.bank_code = b.code AND d.decided_at >= w.ws AND d.decided_at <= ${at}
  ) dc
)
SELECT e.bank_code AS "bankCode", e.bank_name AS "bankName", e.bank_name_ja AS "bankNameJa", e.event_type AS "eventType", e.last_event_at AS "lastEventAt",
       e.expected_in_gap AS "expectedInGap", e.quietest_day_in_gap AS "quietestDayInGap",
       lr.last_received_at AS "lastReceivedAt", lag.live_events AS "liveEvents", lag.lag_avg AS "lagAvgMs", lag.lag_max AS "lagMaxMs",
       CASE e.event_type WHEN 'charge.completed' THEN a.charge_events WHEN 'link.registered' THEN a.registration_events ELSE a.change_events END AS events,
       CASE e.event_type WHEN 'charge.completed' THEN a.charge_asked WHEN 'link.registered' THEN a.registration_asked ELSE a.change_asked END AS "decisionsAsked",
       CASE e.event_type WHEN 'charge.completed' THEN a.charge_unasked WHEN 'link.registered' THEN a.registration_unasked ELSE a.change_unasked END AS unasked,
       (SELECT first_decision_at FROM w) AS "firstDecisionAt"
FROM expected e
JOIN asked a ON a.bank_code = e.bank_code
LEFT JOIN LATERAL (SELECT r.last_received_at FROM feed_rollup r WHERE r.bank_code = e.bank_code AND r.event_type = e.event_type
                   ORDER BY r.bucket_start DESC LIMIT 1) lr ON true
LEFT JOIN LATERAL (SELECT sum(r.events)::int AS live_events, (sum(r.lag_ms_sum) / nullif(sum(r.events), 0))::float8 AS lag_avg, max(r.lag_ms_max)::float8 AS lag_max
                   FROM feed_rollup r WHERE r.bank_code = e.bank_code AND r.event_type = e.event_type
                     AND r.bucket_start >= ${at} - ${LAG_WINDOW}) lag ON true
ORDER BY e.bank_code, e.event_type`;
}

interface SqlRow {
  bankCode: string;
  bankName: string;
  bankNameJa: string | null;
  eventType: FeedEventType;
  lastEventAt: Date | null;
  expectedInGap: number;
  quietestDayInGap: number;
  lastReceivedAt: Date | null;
  liveEvents: number | null;
  lagAvgMs: number | null;
  lagMaxMs: number | null;
  events: number;
  decisionsAsked: number;
  unasked: number;
  firstDecisionAt: Date | null;
}

export interface FeedHealth {
  computedAt: Date;
  /** when the platform first asked the decision API (null: never; unasked events are not counted) */
  firstDecisionAt: Date | null;
  /** only feeds with any traffic ever (a bank with none has nothing to say) */
  rows: FeedRow[];
  alarms: FeedAlarm[];
}

export async function feedHealth(db: Queryable, now: Date = new Date()): Promise<FeedHealth> {
  const { rows } = await query<SqlRow>(db, feedHealthSql(now));
  const out: FeedRow[] = rows
    .filter((r) => r.lastEventAt !== null || r.events > 0 || r.decisionsAsked > 0 || r.lastReceivedAt !== null)
    .map((r) => ({
      bankCode: r.bankCode.trim(),
      bankName: r.bankName,
      bankNameJa: r.bankNameJa,
      eventType: r.eventType,
      lastEventAt: r.lastEventAt,
      lastReceivedAt: r.lastReceivedAt,
      lagAvgMs: r.lagAvgMs,
      lagMaxMs: r.lagMaxMs,
      liveEvents: r.liveEvents ?? 0,
      expectedInGap: r.expectedInGap,
      events: r.events,
      decisionsAsked: r.decisionsAsked,
      unasked: r.unasked,
      quietestDayInGap: r.quietestDayInGap,
      quiet: isQuiet({ lastEventAt: r.lastEventAt, expectedInGap: r.expectedInGap, quietestDayInGap: r.quietestDayInGap, now }),
      unaskedAlarm: isUnaskedAlarm(r.unasked),
    }));
  return { computedAt: now, firstDecisionAt: rows[0]?.firstDecisionAt ?? null, rows: out, alarms: alarmsOf(out) };
}

/**
 * The quiet-feed check alone: the feeds (bank × event type) that went quiet against their normal
 * level now. For the Prometheus metrics (a gauge of quiet feeds) and anything else that alerts.
 */
export async function quietFeeds(db: Queryable, now: Date = new Date()): Promise<FeedAlarm[]> {
  return (await feedHealth(db, now)).alarms.filter((a) => a.kind === "QUIET");
}
