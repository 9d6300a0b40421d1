-- Compensation ledger (#18): double-entry, immutable. A journal is one money movement, its postings
-- the legs (debit positive, credit negative yen). The database itself refuses an unbalanced
-- journal (a deferred constraint trigger checks each journal's sum at commit) and any UPDATE or
-- DELETE of a journal or posting. Two-phase for money in flight: a PENDING journal's postings count
-- as pending until one later POST or VOID journal (no postings of its own) resolves it, once.
-- Balances are derived from the postings (ledger_entry, ledger_balance), never stored.
-- No semicolons in comments, and function bodies are E-strings with \073 for each semicolon: the
-- migration runner splits the file at every semicolon character.

CREATE TYPE "ledger_account" AS ENUM ('OPERATOR_LOSS', 'VICTIM_PAYABLE', 'CASH_IN_TRANSIT', 'CASH_PAID', 'BANK_RECOVERABLE');
CREATE TYPE "ledger_phase" AS ENUM ('SINGLE', 'PENDING', 'POST', 'VOID');

CREATE TABLE "ledger_journal" (
  "id" UUID NOT NULL PRIMARY KEY,
  "kind" TEXT NOT NULL,
  "phase" "ledger_phase" NOT NULL,
  "pending_id" UUID REFERENCES "ledger_journal"("id"),
  "case_id" UUID REFERENCES "compensation_case"("id"),
  "batch_id" UUID REFERENCES "payout_batch"("id"),
  "created_by_id" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "ledger_journal_resolution_refers" CHECK (("phase" IN ('POST', 'VOID')) = ("pending_id" IS NOT NULL))
);
-- A pending journal is posted or voided at most once.
CREATE UNIQUE INDEX "ledger_journal_one_resolution" ON "ledger_journal" ("pending_id") WHERE "pending_id" IS NOT NULL;
CREATE INDEX "ledger_journal_case_idx" ON "ledger_journal" ("case_id");

CREATE TABLE "ledger_posting" (
  "id" BIGSERIAL PRIMARY KEY,
  "journal_id" UUID NOT NULL REFERENCES "ledger_journal"("id"),
  "account" "ledger_account" NOT NULL,
  "bank_code" CHAR(4) NOT NULL,
  "case_id" UUID REFERENCES "compensation_case"("id"),
  "amount_yen" BIGINT NOT NULL CONSTRAINT "ledger_posting_amount_nonzero" CHECK ("amount_yen" <> 0)
);
CREATE INDEX "ledger_posting_journal_idx" ON "ledger_posting" ("journal_id");
CREATE INDEX "ledger_posting_case_idx" ON "ledger_posting" ("case_id");

-- Each journal balances at commit: SINGLE and PENDING journals have at least two postings summing to
-- zero, POST and VOID journals have none and resolve a PENDING journal. Checked from both sides (a
-- journal inserted without postings, postings added to a journal).
CREATE FUNCTION ledger_posting_check() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  j ledger_journal\073
  n integer\073
  total numeric\073
BEGIN
  SELECT * INTO j FROM ledger_journal WHERE id = NEW.journal_id\073
  SELECT count(*), COALESCE(SUM(amount_yen), 0) INTO n, total FROM ledger_posting WHERE journal_id = j.id\073
  IF j.phase IN (''POST'', ''VOID'') OR n < 2 OR total <> 0 THEN
    RAISE EXCEPTION ''ledger journal % (%) does not balance: % postings summing to % yen'', j.id, j.kind, n, total
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''ledger_journal_balanced''\073
  END IF\073
  RETURN NULL\073
END ';

CREATE FUNCTION ledger_journal_check() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  n integer\073
  total numeric\073
BEGIN
  SELECT count(*), COALESCE(SUM(amount_yen), 0) INTO n, total FROM ledger_posting WHERE journal_id = NEW.id\073
  IF NEW.phase IN (''SINGLE'', ''PENDING'') AND (n < 2 OR total <> 0) THEN
    RAISE EXCEPTION ''ledger journal % (%) does not balance: % postings summing to % yen'', NEW.id, NEW.kind, n, total
      USING ERRCODE = ''check_violation'', CONSTRAINT = ''ledger_journal_balanced''\073
  END IF\073
  IF NEW.phase IN (''POST'', ''VOID'') THEN
    IF n <> 0 THEN
      RAISE EXCEPTION ''ledger journal % resolves a pending journal and cannot carry postings'', NEW.id
        USING ERRCODE = ''check_violation'', CONSTRAINT = ''ledger_journal_balanced''\073
    END IF\073
    IF NOT EXISTS (SELECT 1 FROM ledger_journal p WHERE p.id = NEW.pending_id AND p.phase = ''PENDING'') THEN
      RAISE EXCEPTION ''ledger journal % resolves %, which is not a pending journal'', NEW.id, NEW.pending_id
        USING ERRCODE = ''check_violation'', CONSTRAINT = ''ledger_journal_balanced''\073
    END IF\073
  END IF\073
  RETURN NULL\073
END ';

CREATE CONSTRAINT TRIGGER "ledger_posting_balanced" AFTER INSERT ON "ledger_posting"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_posting_check();
CREATE CONSTRAINT TRIGGER "ledger_journal_balanced" AFTER INSERT ON "ledger_journal"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_journal_check();

-- Entries are kept as written: corrections are new journals.
CREATE FUNCTION ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''ledger entries are immutable: % on % refused (post a correcting journal instead)'', TG_OP, TG_TABLE_NAME
    USING ERRCODE = ''check_violation'', CONSTRAINT = ''ledger_immutable''\073
END ';
CREATE TRIGGER "ledger_journal_immutable" BEFORE UPDATE OR DELETE ON "ledger_journal" FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER "ledger_posting_immutable" BEFORE UPDATE OR DELETE ON "ledger_posting" FOR EACH ROW EXECUTE FUNCTION ledger_immutable();

-- Each posting with its status: POSTED (a single journal, or a pending one later posted), PENDING
-- (not yet resolved) or VOIDED.
CREATE VIEW "ledger_entry" AS
SELECT p.id, p.journal_id, p.account, p.bank_code, p.case_id, p.amount_yen, j.kind, j.phase, j.batch_id, j.created_at,
       CASE WHEN j.phase = 'SINGLE' THEN 'POSTED'
            WHEN r.phase = 'POST' THEN 'POSTED'
            WHEN r.phase = 'VOID' THEN 'VOIDED'
            ELSE 'PENDING' END AS status
  FROM ledger_posting p
  JOIN ledger_journal j ON j.id = p.journal_id
  LEFT JOIN ledger_journal r ON r.pending_id = j.id;

-- Balances per account, bank and case: posted and pending, derived every time.
CREATE VIEW "ledger_balance" AS
SELECT account, bank_code, case_id,
       COALESCE(SUM(amount_yen) FILTER (WHERE status = 'POSTED'), 0)::bigint AS posted_yen,
       COALESCE(SUM(amount_yen) FILTER (WHERE status = 'PENDING'), 0)::bigint AS pending_yen
  FROM ledger_entry
 GROUP BY account, bank_code, case_id;

-- Opening entries for cases decided before the ledger existed, with the same rules as the service
-- (each journal and its postings in one statement, so each balances at its own commit): approved
-- and paid cases owe the victim, paid ones went through a pending transfer that was posted and
-- settled with their batch.
WITH j AS (
  INSERT INTO ledger_journal (id, kind, phase, case_id, created_at)
  SELECT gen_random_uuid(), 'case.approved', 'SINGLE', id, COALESCE(decided_at, requested_at)
    FROM compensation_case WHERE state IN ('APPROVED', 'PAID')
  RETURNING id, case_id
)
INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen)
SELECT j.id, x.account::ledger_account, c.bank_code, c.id, x.sign * c.total_yen
  FROM j JOIN compensation_case c ON c.id = j.case_id
 CROSS JOIN (VALUES ('OPERATOR_LOSS', 1), ('VICTIM_PAYABLE', -1)) AS x(account, sign);

WITH j AS (
  INSERT INTO ledger_journal (id, kind, phase, case_id, batch_id, created_at)
  SELECT gen_random_uuid(), 'payout.exported', 'PENDING', id, payout_batch_id, paid_at
    FROM compensation_case WHERE state = 'PAID'
  RETURNING id, case_id
)
INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen)
SELECT j.id, x.account::ledger_account, c.bank_code, c.id, x.sign * c.total_yen
  FROM j JOIN compensation_case c ON c.id = j.case_id
 CROSS JOIN (VALUES ('VICTIM_PAYABLE', 1), ('CASH_IN_TRANSIT', -1)) AS x(account, sign);

INSERT INTO ledger_journal (id, kind, phase, pending_id, case_id, batch_id, created_at)
SELECT gen_random_uuid(), 'payout.settled', 'POST', p.id, p.case_id, p.batch_id, p.created_at
  FROM ledger_journal p WHERE p.kind = 'payout.exported';

WITH j AS (
  INSERT INTO ledger_journal (id, kind, phase, case_id, batch_id, created_at)
  SELECT gen_random_uuid(), 'payout.settled', 'SINGLE', id, payout_batch_id, paid_at
    FROM compensation_case WHERE state = 'PAID'
  RETURNING id, case_id
)
INSERT INTO ledger_posting (journal_id, account, bank_code, case_id, amount_yen)
SELECT j.id, x.account::ledger_account, c.bank_code, c.id, x.sign * c.total_yen
  FROM j JOIN compensation_case c ON c.id = j.case_id
 CROSS JOIN (VALUES ('CASH_IN_TRANSIT', 1), ('CASH_PAID', -1)) AS x(account, sign);
