-- A wallet's first linked bank (the accounts CSV export, one lookup per account, and the table's
-- first-bank column) read from the index alone: the links of an account in registration order with
-- the bank code beside them, so the first one is the first index entry (no heap visit, no sort).
-- It replaces the (account_id) INCLUDE (id) index, which it covers (same leading column, id kept),
-- so ingestion still maintains one index for this.
CREATE INDEX IF NOT EXISTS "bank_link_account_id_registered_at_cov_idx" ON "bank_link" ("account_id", "registered_at", "id") INCLUDE ("bank_code");
DROP INDEX IF EXISTS "bank_link_account_id_cov_idx";
