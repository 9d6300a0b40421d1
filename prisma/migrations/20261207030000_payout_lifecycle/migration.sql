-- Payout lifecycle (#18): a batch is EXPORTED (its files made), then SENT (the bank accepted it,
-- with its reference), then CLOSED once every line is settled or failed. A case is PAID only when its
-- line settles, a failed line returns its case to payable with the reason kept on the case. Each
-- line's money is a PENDING ledger journal, posted or voided once.
-- No semicolons in comments, and function bodies are E-strings with \073 for each semicolon: the
-- migration runner splits the file at every semicolon character.

CREATE TYPE "payout_batch_status" AS ENUM ('EXPORTED', 'SENT', 'CLOSED');
CREATE TYPE "payout_line_status" AS ENUM ('PENDING', 'SETTLED', 'FAILED');

-- Batches made before this were paid when made: they are closed.
ALTER TABLE "payout_batch"
  ADD COLUMN "status" "payout_batch_status" NOT NULL DEFAULT 'CLOSED',
  ADD COLUMN "sent_at" TIMESTAMPTZ(3),
  ADD COLUMN "sent_by_id" UUID,
  ADD COLUMN "bank_reference" TEXT,
  ADD COLUMN "closed_at" TIMESTAMPTZ(3),
  ADD COLUMN "file_zengin" BYTEA,
  ADD COLUMN "file_zengin_sha256" CHAR(64),
  ADD COLUMN "zengin_error" TEXT;
ALTER TABLE "payout_batch" ALTER COLUMN "status" SET DEFAULT 'EXPORTED';
ALTER TABLE "payout_batch" ADD CONSTRAINT "payout_batch_sent_has_reference"
  CHECK ("status" = 'EXPORTED' OR "bank_reference" IS NOT NULL OR "sent_at" IS NULL);

CREATE TABLE "payout_line" (
  "id" UUID NOT NULL PRIMARY KEY,
  "batch_id" UUID NOT NULL REFERENCES "payout_batch"("id"),
  "line_no" INTEGER NOT NULL,
  "case_id" UUID NOT NULL REFERENCES "compensation_case"("id"),
  "bank_code" CHAR(4) NOT NULL,
  "branch_code" CHAR(3) NOT NULL,
  "account_number" CHAR(7) NOT NULL,
  "holder_name" TEXT NOT NULL,
  "amount_yen" INTEGER NOT NULL CONSTRAINT "payout_line_amount_positive" CHECK ("amount_yen" > 0),
  "status" "payout_line_status" NOT NULL DEFAULT 'PENDING',
  "pending_journal_id" UUID NOT NULL REFERENCES "ledger_journal"("id"),
  "failure_code" TEXT,
  "failure_detail" TEXT,
  "resolved_at" TIMESTAMPTZ(3),
  "resolved_by_id" UUID,
  CONSTRAINT "payout_line_number_unique" UNIQUE ("batch_id", "line_no"),
  CONSTRAINT "payout_line_failed_has_reason" CHECK (("status" = 'FAILED') = ("failure_code" IS NOT NULL)),
  CONSTRAINT "payout_line_resolved_when" CHECK (("status" = 'PENDING') = ("resolved_at" IS NULL))
);
-- A case is in at most one line that has not failed: never paid twice.
CREATE UNIQUE INDEX "payout_line_one_live_per_case" ON "payout_line" ("case_id") WHERE "status" <> 'FAILED';
CREATE UNIQUE INDEX "payout_line_pending_journal" ON "payout_line" ("pending_journal_id");
CREATE INDEX "payout_line_batch_idx" ON "payout_line" ("batch_id");

-- A line is settled or failed once: a resolved line never changes again.
CREATE FUNCTION payout_line_resolved_once() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF OLD.status <> ''PENDING'' THEN
    RAISE EXCEPTION ''payout line % is already % and cannot change'', OLD.id, OLD.status
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''payout_line_resolved_once''\073
  END IF\073
  RETURN NEW\073
END ';
CREATE TRIGGER "payout_line_resolved_once" BEFORE UPDATE OR DELETE ON "payout_line" FOR EACH ROW EXECUTE FUNCTION payout_line_resolved_once();

-- Why the case's last transfer failed (shown on the case while it is payable again).
ALTER TABLE "compensation_case" ADD COLUMN "payout_failure" TEXT;

-- A case in a batch stays APPROVED until its line settles: PAID still needs a batch, and only
-- approved or paid cases are in one.
ALTER TABLE "compensation_case" DROP CONSTRAINT "compensation_case_paid_iff_batched";
ALTER TABLE "compensation_case" ADD CONSTRAINT "compensation_case_paid_in_batch"
  CHECK (("state" <> 'PAID' OR "payout_batch_id" IS NOT NULL) AND ("state" IN ('APPROVED', 'PAID') OR "payout_batch_id" IS NULL));

-- Final states stay final. A case leaves its batch only while still APPROVED (its line failed),
-- and never moves straight from one batch to another.
CREATE OR REPLACE FUNCTION compensation_case_final_states() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF OLD.state IN (''PAID'', ''REJECTED'', ''CANCELLED'') AND NEW.state IS DISTINCT FROM OLD.state THEN
    RAISE EXCEPTION ''compensation case % is % and cannot become %'', OLD.id, OLD.state, NEW.state
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''compensation_case_final_states''\073
  END IF\073
  IF OLD.payout_batch_id IS NOT NULL AND NEW.payout_batch_id IS DISTINCT FROM OLD.payout_batch_id
     AND NOT (NEW.payout_batch_id IS NULL AND OLD.state = ''APPROVED'' AND NEW.state = ''APPROVED'') THEN
    RAISE EXCEPTION ''compensation case % is already in payout batch %'', OLD.id, OLD.payout_batch_id
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''compensation_case_one_batch''\073
  END IF\073
  RETURN NEW\073
END ';

-- Lines for the batches made before this, settled, tied to their opening ledger entries.
INSERT INTO payout_line (id, batch_id, line_no, case_id, bank_code, branch_code, account_number, holder_name, amount_yen, status, pending_journal_id, resolved_at)
SELECT gen_random_uuid(), c.payout_batch_id, row_number() OVER (PARTITION BY c.payout_batch_id ORDER BY c.id), c.id,
       c.bank_code, c.branch_code, c.account_number, c.holder_name, c.total_yen, 'SETTLED', j.id, c.paid_at
  FROM compensation_case c
  JOIN ledger_journal j ON j.case_id = c.id AND j.kind = 'payout.exported' AND j.phase = 'PENDING'
 WHERE c.state = 'PAID';
