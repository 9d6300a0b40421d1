-- Feed health (#15): how late the wallet platform's events arrive, per bank, event type and
-- 5-minute bucket of their arrival. Written once per ingested batch by an after-commit hook
-- (server/features/feeds/hook.ts), so bulk loads (the demo data) leave it alone: it describes live
-- traffic only. Counts and last-event times come from the event tables and volume_bucket instead.
CREATE TABLE "feed_rollup" (
    "bank_code" CHAR(4) NOT NULL,
    "event_type" VARCHAR(24) NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "events" INTEGER NOT NULL,
    "lag_ms_sum" BIGINT NOT NULL,
    "lag_ms_max" BIGINT NOT NULL,
    "last_occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "last_received_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "feed_rollup_pkey" PRIMARY KEY ("bank_code", "event_type", "bucket_start")
);
