-- Accounts: the table's reason filter (risk_reasons @> '[{"code": …}]') finds the few accounts
-- with a rare reason without reading every account. Raw SQL extra (not in schema.prisma).
CREATE INDEX "wallet_account_risk_reasons_idx" ON "wallet_account" USING gin ("risk_reasons" jsonb_path_ops);
