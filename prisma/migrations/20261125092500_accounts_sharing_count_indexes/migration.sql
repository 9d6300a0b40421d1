-- Accounts: the after-commit rescoring counts, per touched wallet, the wallets opened by then on its
-- device and on its IP address (count of device_id or ip_address = x AND opened_at <= now). With
-- opened_at in the index those counts are index-only scans: a shared carrier IP address has
-- thousands of wallets, and each was a random heap page. They replace the plain indexes with the
-- same key, so ingestion still maintains one index per column (a few bytes wider per entry).
CREATE INDEX IF NOT EXISTS "wallet_account_device_id_cov_idx" ON "wallet_account" ("device_id") INCLUDE ("opened_at");
DROP INDEX IF EXISTS "wallet_account_device_id_idx";
CREATE INDEX IF NOT EXISTS "wallet_account_ip_address_cov_idx" ON "wallet_account" ("ip_address") INCLUDE ("opened_at");
DROP INDEX IF EXISTS "wallet_account_ip_address_idx";
