-- Paying a bank what we owe it (#18): our share of the reimbursements the bank made to its customers
-- itself (bank payable). A manager records each transfer to the bank with its day, the transfer
-- reference and a reason. The ledger books it Dr BANK_PAYABLE, Cr CASH_PAID_TO_BANK (bank.payout).
-- A reference is recorded once per bank, so a repeated request cannot pay twice.
-- No semicolons in comments: the migration runner splits the file at every semicolon character.

ALTER TYPE "ledger_account" ADD VALUE IF NOT EXISTS 'CASH_PAID_TO_BANK';

CREATE TABLE "bank_payout" (
  "id" UUID NOT NULL PRIMARY KEY,
  "bank_code" CHAR(4) NOT NULL REFERENCES "bank"("code"),
  "amount_yen" INTEGER NOT NULL CONSTRAINT "bank_payout_amount_positive" CHECK ("amount_yen" > 0),
  "paid_on" DATE NOT NULL,
  "reference" TEXT NOT NULL,
  "reason" TEXT NOT NULL,
  "recorded_by_id" UUID NOT NULL,
  "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "bank_payout_one_per_reference" UNIQUE ("bank_code", "reference")
);
CREATE INDEX "bank_payout_bank_idx" ON "bank_payout" ("bank_code", "paid_on");
CREATE TRIGGER bank_payout_immutable BEFORE UPDATE OR DELETE ON bank_payout FOR EACH ROW EXECUTE FUNCTION settlement_immutable();

ALTER TABLE "ledger_journal" ADD COLUMN "bank_payout_id" UUID REFERENCES "bank_payout"("id");
CREATE UNIQUE INDEX "ledger_journal_one_per_bank_payout" ON "ledger_journal" ("bank_payout_id") WHERE "bank_payout_id" IS NOT NULL;
