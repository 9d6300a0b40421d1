-- Cost sharing with the banks (#18). Per bank, agreements of the share the bank bears (basis points
-- of what a victim is paid back, the operator bears the rest), each effective from a day. When a
-- compensation is paid the ledger moves the bank's share from operator loss to bank recoverable.
-- When the bank itself reimbursed a victim's charge, the operator's share of it is owed to the bank
-- (bank payable). A payment from the bank of its share settles bank recoverable (cash received).
-- No semicolons in comments: the migration runner splits the file at every semicolon character.

ALTER TYPE "ledger_account" ADD VALUE IF NOT EXISTS 'BANK_PAYABLE';
ALTER TYPE "ledger_account" ADD VALUE IF NOT EXISTS 'CASH_RECEIVED';

CREATE TABLE "bank_cost_share" (
  "id" UUID NOT NULL PRIMARY KEY,
  "bank_code" CHAR(4) NOT NULL REFERENCES "bank"("code"),
  "bank_share_bp" INTEGER NOT NULL CONSTRAINT "bank_cost_share_bp_range" CHECK ("bank_share_bp" BETWEEN 0 AND 10000),
  "effective_from" DATE NOT NULL,
  "reason" TEXT NOT NULL,
  "set_by_id" UUID NOT NULL,
  "set_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "bank_cost_share_one_per_day" UNIQUE ("bank_code", "effective_from")
);

CREATE TABLE "bank_payment" (
  "id" UUID NOT NULL PRIMARY KEY,
  "bank_code" CHAR(4) NOT NULL REFERENCES "bank"("code"),
  "amount_yen" INTEGER NOT NULL CONSTRAINT "bank_payment_amount_positive" CHECK ("amount_yen" > 0),
  "received_on" DATE NOT NULL,
  "reference" TEXT NOT NULL,
  "reason" TEXT NOT NULL,
  "recorded_by_id" UUID NOT NULL,
  "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "bank_payment_bank_idx" ON "bank_payment" ("bank_code", "received_on");

-- Agreements and payments are kept as recorded: a new agreement is a new row with a later day.
CREATE FUNCTION settlement_immutable() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''% rows are kept as recorded: % refused'', TG_TABLE_NAME, TG_OP
    USING ERRCODE = ''check_violation'', CONSTRAINT = ''settlement_immutable''\073
END ';
CREATE TRIGGER bank_cost_share_immutable BEFORE UPDATE OR DELETE ON bank_cost_share FOR EACH ROW EXECUTE FUNCTION settlement_immutable();
CREATE TRIGGER bank_payment_immutable BEFORE UPDATE OR DELETE ON bank_payment FOR EACH ROW EXECUTE FUNCTION settlement_immutable();

-- Which reimbursement or bank payment a journal books (for the bank statement's items).
ALTER TABLE "ledger_journal"
  ADD COLUMN "reimbursement_id" UUID REFERENCES "charge_reimbursement"("id"),
  ADD COLUMN "bank_payment_id" UUID REFERENCES "bank_payment"("id");
