-- A spike's identity is (bank, metric, detector, start): detection re-evaluates the still-filling
-- bucket every few seconds and upserts the spike it belongs to, so the identity must be unique.
CREATE UNIQUE INDEX "spike_identity_key" ON "spike" ("bank_code", "metric", "detector", "started_at");

-- The incident banner and the overview read the open spikes on every refresh.
CREATE INDEX "spike_open_idx" ON "spike" ("bank_code") WHERE "ended_at" IS NULL;
