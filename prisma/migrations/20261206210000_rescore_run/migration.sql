-- Bulk rescorings started from the console (#15): their progress lives here, not in the memory of
-- the instance running one, so every instance answers accounts.rescoreStatus the same. At most one
-- run is unfinished at a time across instances (the partial unique index). The running instance
-- writes its progress and a heartbeat. A run whose heartbeat stopped (its instance died) is closed
-- with an error by the next start.
CREATE TABLE "rescore_run" (
    "id" BIGSERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "started_by" TEXT NOT NULL,
    "runner" TEXT NOT NULL,
    "scored" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "changed" INTEGER,
    "newly_flagged" INTEGER,
    "error" TEXT,
    CONSTRAINT "rescore_run_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "rescore_run_one_unfinished" ON "rescore_run" ((true)) WHERE "finished_at" IS NULL;
