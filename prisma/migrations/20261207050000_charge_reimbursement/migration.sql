-- Reimbursements of victims' charges by others than us (#18): the victim's bank, or another party
-- (an insurer, the merchant). One row per charge and party. A charge is never paid back twice:
-- the lines of live compensation cases (not rejected or cancelled) and the reimbursements of one
-- charge together sum to at most what the charge took. Both sides lock the charge row first, so an
-- insert here and a compensation line for the same charge take turns.
-- No semicolons in comments, and function bodies are E-strings with \073 for each semicolon: the
-- migration runner splits the file at every semicolon character.

CREATE TYPE "reimbursement_party" AS ENUM ('BANK', 'OTHER');

CREATE TABLE "charge_reimbursement" (
  "id" UUID NOT NULL PRIMARY KEY,
  "charge_id" VARCHAR(64) NOT NULL REFERENCES "charge"("id"),
  "party" "reimbursement_party" NOT NULL,
  "bank_code" CHAR(4),
  "party_name" TEXT,
  "amount_yen" INTEGER NOT NULL CONSTRAINT "charge_reimbursement_amount_positive" CHECK ("amount_yen" > 0),
  "reimbursed_on" DATE NOT NULL,
  "reference" TEXT NOT NULL,
  "reason" TEXT NOT NULL,
  "recorded_by_id" UUID NOT NULL,
  "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "charge_reimbursement_one_per_party" UNIQUE ("charge_id", "party"),
  CONSTRAINT "charge_reimbursement_bank_named" CHECK (("party" = 'BANK') = ("bank_code" IS NOT NULL)),
  CONSTRAINT "charge_reimbursement_other_named" CHECK ("party" = 'BANK' OR "party_name" IS NOT NULL)
);
CREATE INDEX "charge_reimbursement_bank_idx" ON "charge_reimbursement" ("bank_code", "reimbursed_on");

-- What covers a charge: live case lines and reimbursements, at most the charge's amount.
CREATE FUNCTION charge_cover_check(p_charge_id varchar) RETURNS void LANGUAGE plpgsql AS E'
DECLARE
  charge_yen integer\073
  lines_yen bigint\073
  reimbursed_yen bigint\073
BEGIN
  SELECT amount_yen INTO charge_yen FROM charge WHERE id = p_charge_id FOR UPDATE\073
  SELECT COALESCE(SUM(l.amount_yen), 0) INTO lines_yen
    FROM compensation_line l JOIN compensation_case c ON c.id = l.case_id
   WHERE l.charge_id = p_charge_id AND c.state NOT IN (''REJECTED'', ''CANCELLED'')\073
  SELECT COALESCE(SUM(r.amount_yen), 0) INTO reimbursed_yen FROM charge_reimbursement r WHERE r.charge_id = p_charge_id\073
  IF lines_yen + reimbursed_yen > charge_yen THEN
    RAISE EXCEPTION ''charge % would be paid back % yen (cases % yen, reimbursed % yen), more than the charge''''s % yen'', p_charge_id, lines_yen + reimbursed_yen, lines_yen, reimbursed_yen, charge_yen
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''charge_reimbursed_once''\073
  END IF\073
END ';

-- The compensation line guard now counts reimbursements too (same constraint name as before for
-- lines over the charge alone, the new one when a reimbursement makes the difference).
CREATE OR REPLACE FUNCTION compensation_line_within_charge() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  charge_yen integer\073
  held_yen bigint\073
BEGIN
  SELECT amount_yen INTO charge_yen FROM charge WHERE id = NEW.charge_id FOR UPDATE\073
  SELECT COALESCE(SUM(l.amount_yen), 0) INTO held_yen
    FROM compensation_line l JOIN compensation_case c ON c.id = l.case_id
   WHERE l.charge_id = NEW.charge_id AND c.state NOT IN (''REJECTED'', ''CANCELLED'')\073
  IF held_yen > charge_yen THEN
    RAISE EXCEPTION ''compensation for charge % would be % yen, more than the charge''''s % yen'', NEW.charge_id, held_yen, charge_yen
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''compensation_line_within_charge''\073
  END IF\073
  PERFORM charge_cover_check(NEW.charge_id)\073
  RETURN NULL\073
END ';

CREATE FUNCTION charge_reimbursement_within_charge() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM charge_cover_check(NEW.charge_id)\073
  RETURN NULL\073
END ';
CREATE TRIGGER charge_reimbursement_within_charge
  AFTER INSERT ON charge_reimbursement
  FOR EACH ROW EXECUTE FUNCTION charge_reimbursement_within_charge();

-- Recorded reimbursements are kept as written (what we owe was computed from them).
CREATE FUNCTION charge_reimbursement_immutable() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''charge reimbursements are kept as recorded: % refused'', TG_OP
    USING ERRCODE = ''check_violation'', CONSTRAINT = ''charge_reimbursement_immutable''\073
END ';
CREATE TRIGGER charge_reimbursement_immutable BEFORE UPDATE OR DELETE ON charge_reimbursement
  FOR EACH ROW EXECUTE FUNCTION charge_reimbursement_immutable();
