-- Accounts (anomalous accounts issue): indexes for the investigation table's search and for
-- set-based scoring. Raw SQL extras, not declared in schema.prisma (Prisma's client does not use
-- indexes, and trigram operator classes need preview features there).

-- Holder-name search finds a normalised name anywhere in the wallet holder's or a linked bank
-- account holder's name ("タロウ" finds ヤマダ タロウ): trigram indexes answer that without a scan.
-- pg_trgm is a trusted extension: a database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "wallet_account_holder_name_normalized_trgm_idx" ON "wallet_account" USING gin ("holder_name_normalized" gin_trgm_ops);
CREATE INDEX "bank_link_holder_name_normalized_trgm_idx" ON "bank_link" USING gin ("holder_name_normalized" gin_trgm_ops);

-- "Wallets that linked this bank account" (SHARED_BANK_ACCOUNT, related accounts, victims) looks up
-- every version of every link by the bank account it pointed at.
CREATE INDEX "bank_link_version_bank_code_branch_code_account_number_idx" ON "bank_link_version" ("bank_code", "branch_code", "account_number");
