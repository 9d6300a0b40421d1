-- Rescoring of the accounts linked during a spike (#15): which version of each spike (its start and
-- end) the accounts were last rescored for, in the database instead of one process's memory, so it
-- runs once across instances (as a background job of the instance holding the jobs lock) and a new
-- leader, or a restarted process, does not do it again. NULL accounts_rescored_at: not yet done.
ALTER TABLE "spike" ADD COLUMN "accounts_rescored_at" TIMESTAMPTZ(3),
                    ADD COLUMN "accounts_rescored_start" TIMESTAMPTZ(3),
                    ADD COLUMN "accounts_rescored_end" TIMESTAMPTZ(3);
