-- Rescoring after a batch writes a wallet's reasons far more often than its score: a charge moves
-- the amounts and counts its evidence quotes. Every such write was a non-HOT update (the jsonb GIN
-- index on risk_reasons reads the column), so each one added an entry to all ten indexes of
-- wallet_account, the holder-name trigram index among them: about 10 WAL records per rescored
-- wallet, the largest single cost of scoring at ingestion speed (#16).
--
-- The reason filter now reads the reason codes, a column PostgreSQL derives from risk_reasons: it
-- changes only when a wallet gains or loses a reason. An update that rewrites only the evidence
-- then changes no indexed column and can stay on its page (HOT: no index entries at all), for which
-- pages now keep room (fillfactor 85, applied as the new column rewrites the table).

CREATE OR REPLACE FUNCTION risk_reason_codes(reasons jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT coalesce(array_agg(DISTINCT r->>'code' ORDER BY r->>'code'), '{}') FROM jsonb_array_elements(reasons) AS r $$;

ALTER TABLE "wallet_account" SET (fillfactor = 85);
ALTER TABLE "wallet_account" ADD COLUMN IF NOT EXISTS "reason_codes" text[] GENERATED ALWAYS AS (risk_reason_codes("risk_reasons")) STORED;

DROP INDEX IF EXISTS "wallet_account_risk_reasons_idx";
CREATE INDEX IF NOT EXISTS "wallet_account_reason_codes_idx" ON "wallet_account" USING gin ("reason_codes");
