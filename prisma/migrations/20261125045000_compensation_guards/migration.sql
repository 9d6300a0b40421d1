-- Compensation guards in the database, behind the service's own checks (checked twice on purpose).
-- No semicolons in comments, and function bodies are E-strings with \073 for each semicolon: the
-- migration runner splits the file at every semicolon character.

-- Amounts are positive yen, and a case total is the sum of its lines (kept by the service).
ALTER TABLE "compensation_line" ADD CONSTRAINT "compensation_line_amount_positive" CHECK ("amount_yen" > 0);
ALTER TABLE "compensation_case" ADD CONSTRAINT "compensation_case_total_positive" CHECK ("total_yen" > 0);

-- A case is PAID exactly when it belongs to a payout batch.
ALTER TABLE "compensation_case" ADD CONSTRAINT "compensation_case_paid_iff_batched"
  CHECK (("state" = 'PAID') = ("payout_batch_id" IS NOT NULL));

-- Never more than was taken: the lines of non-rejected, non-cancelled cases for one charge sum to at
-- most the charge's amount. The trigger locks the charge row first, so two transactions adding lines
-- for the same charge take turns, and (READ COMMITTED, volatile function) the sum it then reads
-- includes whatever the other one committed.
CREATE FUNCTION compensation_line_within_charge() RETURNS trigger LANGUAGE plpgsql AS E'
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
  RETURN NULL\073
END ';

CREATE TRIGGER compensation_line_within_charge
  AFTER INSERT OR UPDATE OF amount_yen, charge_id ON compensation_line
  FOR EACH ROW EXECUTE FUNCTION compensation_line_within_charge();

-- A released case stays released, and a paid case stays in its batch: reviving a REJECTED or
-- CANCELLED case would silently take back amounts other cases may now hold.
CREATE FUNCTION compensation_case_final_states() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF OLD.state IN (''PAID'', ''REJECTED'', ''CANCELLED'') AND NEW.state IS DISTINCT FROM OLD.state THEN
    RAISE EXCEPTION ''compensation case % is % and cannot become %'', OLD.id, OLD.state, NEW.state
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''compensation_case_final_states''\073
  END IF\073
  IF OLD.payout_batch_id IS NOT NULL AND NEW.payout_batch_id IS DISTINCT FROM OLD.payout_batch_id THEN
    RAISE EXCEPTION ''compensation case % is already in payout batch %'', OLD.id, OLD.payout_batch_id
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''compensation_case_one_batch''\073
  END IF\073
  RETURN NEW\073
END ';

CREATE TRIGGER compensation_case_final_states
  BEFORE UPDATE OF state, payout_batch_id ON compensation_case
  FOR EACH ROW EXECUTE FUNCTION compensation_case_final_states();

-- The approval queue and the payout page read cases by state.
CREATE INDEX "compensation_case_payable_idx" ON "compensation_case" ("decided_at") WHERE "state" = 'APPROVED' AND "payout_batch_id" IS NULL;
