-- Several instances on one database (#15).
-- Request rate limits counted in PostgreSQL, so every instance sees the same counts: one row per
-- limiter key with its current window (which starts at the key's first hit), counted or restarted
-- by one atomic upsert. UNLOGGED: counters are not worth WAL (a crash of the database only forgets
-- the current windows). Rows of ended windows are pruned by a background job.
CREATE UNLOGGED TABLE "rate_limit_hit" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_ms" INTEGER NOT NULL,
    "hits" INTEGER NOT NULL,
    CONSTRAINT "rate_limit_hit_pkey" PRIMARY KEY ("key")
);

-- The background jobs' last run, written by the instance that runs them (the holder of the jobs
-- advisory lock, server/jobs.ts): who runs them, when each last ran, and its last error.
CREATE TABLE "background_job" (
    "name" TEXT NOT NULL,
    "runner" TEXT NOT NULL,
    "last_started_at" TIMESTAMPTZ(3) NOT NULL,
    "last_finished_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "runs" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "background_job_pkey" PRIMARY KEY ("name")
);
