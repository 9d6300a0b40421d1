-- Rule versions as data (#16). The rules' logic stays code (shared/accounts/rules.ts, keyed by rule
-- code). A version holds each rule's enabled flag, points and thresholds. States DRAFT, ACTIVE,
-- RETIRED, and exactly one ACTIVE version (the partial unique index). Version 1 is the code's values
-- as they were when this was written, so no score changes.
CREATE TABLE "rule_version" (
  "id" SERIAL PRIMARY KEY,
  "state" TEXT NOT NULL CHECK ("state" IN ('DRAFT', 'ACTIVE', 'RETIRED')),
  "settings" JSONB NOT NULL,
  "note" TEXT NOT NULL DEFAULT '',
  "based_on" INTEGER REFERENCES "rule_version"("id"),
  "created_by" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "activated_at" TIMESTAMPTZ(3),
  "activated_by" TEXT,
  "retired_at" TIMESTAMPTZ(3),
  "previous_active" INTEGER REFERENCES "rule_version"("id")
);
CREATE UNIQUE INDEX "rule_version_one_active" ON "rule_version" ((true)) WHERE "state" = 'ACTIVE';

INSERT INTO "rule_version" ("id", "state", "settings", "note", "created_by", "activated_at", "activated_by")
VALUES (1, 'ACTIVE', '{"NAME_MISMATCH":{"enabled":true,"points":25,"params":{}},"NAME_FAMILY":{"enabled":true,"points":4,"params":{}},"LINK_SOON_AFTER_OPEN":{"enabled":true,"points":10,"params":{"withinMinutes":30,"recentDays":30}},"CHARGE_SOON_AFTER_LINK":{"enabled":true,"points":15,"params":{"withinMinutes":30,"largeChargeYen":90000,"smallPoints":5}},"MANY_BANK_ACCOUNTS":{"enabled":true,"points":15,"params":{"minDistinctAccountsIn24h":3}},"SHARED_BANK_ACCOUNT":{"enabled":true,"points":10,"params":{"minWallets":3}},"SHARED_DEVICE":{"enabled":true,"points":15,"params":{"minWallets":3}},"SHARED_IP":{"enabled":true,"points":5,"params":{"minWallets":5}},"UNVERIFIED_NON_CARRIER":{"enabled":true,"points":5,"params":{}},"NEAR_LIMIT_CHARGES":{"enabled":true,"points":5,"params":{"perChargeLimitYen":100000,"monthlyLimitYen":300000,"nearRatio":0.9,"minNearLimitCharges":2}},"RAPID_EQUAL_CHARGES":{"enabled":true,"points":10,"params":{"windowMinutes":10,"minCharges":3,"equalRatioMin":0.8,"minAmountYen":10000}},"RAPID_CASH_OUT":{"enabled":true,"points":15,"params":{"withinMinutes":30,"minShare":0.7,"minChargedYen":50000,"paymentPoints":10}},"LINKED_DURING_SPIKE":{"enabled":true,"points":10,"params":{}},"PIN_ONLY_LINK":{"enabled":true,"points":5,"params":{}}}'::jsonb, 'Version 1: the rule table as coded before rule versions existed', 'system', now(), 'system');
SELECT setval(pg_get_serial_sequence('rule_version', 'id'), 1);

-- The version that produced each stored score. Existing scores were produced by the code values,
-- which are version 1 (a constant default is a catalogue-only change, no table rewrite), and new
-- wallets carry NULL until they are first scored.
ALTER TABLE "wallet_account" ADD COLUMN "rule_version" INTEGER DEFAULT 1;
ALTER TABLE "wallet_account" ALTER COLUMN "rule_version" DROP DEFAULT;

-- Backtests of a version on the stored history, run in the background with progress. Only the
-- wallets flagged under either version are kept (rule_backtest_flag), the counts come from SQL.
CREATE TABLE "rule_backtest" (
  "id" BIGSERIAL PRIMARY KEY,
  "version_id" INTEGER NOT NULL REFERENCES "rule_version"("id"),
  "against_id" INTEGER NOT NULL REFERENCES "rule_version"("id"),
  "started_by" TEXT NOT NULL,
  "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "scored" INTEGER NOT NULL DEFAULT 0,
  "total" INTEGER NOT NULL DEFAULT 0,
  "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "finished_at" TIMESTAMPTZ(3),
  "duration_ms" INTEGER,
  "result" JSONB,
  "error" TEXT
);
CREATE INDEX "rule_backtest_version" ON "rule_backtest" ("version_id", "id" DESC);
CREATE TABLE "rule_backtest_flag" (
  "backtest_id" BIGINT NOT NULL REFERENCES "rule_backtest"("id") ON DELETE CASCADE,
  "account_id" VARCHAR(64) NOT NULL,
  "draft_score" INTEGER NOT NULL,
  "active_score" INTEGER NOT NULL,
  PRIMARY KEY ("backtest_id", "account_id")
);
